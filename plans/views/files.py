"""Figures and supporting files: upload, and the access-checked image and download views."""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.views.generic import View

from parks.roles import Perm
from parks.views import apply_validation_error
from plans import selectors, services
from plans.forms import (
    AttachmentUploadForm,
    FigureUploadForm,
)
from plans.rows import FILE_KINDS
from plans.views.plan import PlanAccessMixin
from plans.views.rows import file_table_context


class FileUploadMixin(PlanAccessMixin):
    required_perm = Perm.EDIT_PLAN
    kind_slug = ""

    def resolve_scope(self, plan_pk, key, **kwargs):
        super().resolve_scope(plan_pk)
        self.entry, _section = selectors.section_get(plan=self.plan, key=key)
        self.kind = FILE_KINDS[self.kind_slug]

    def render_files(self, form=None, status=200):
        context = file_table_context(
            self.plan, self.kind, self.entry.key, can_edit=True, upload_form=form
        )
        return render(self.request, f"plans/_{self.kind_slug}.html", context, status=status)


class FigureAddView(FileUploadMixin, View):
    kind_slug = "figures"

    def post(self, request, *args, **kwargs):
        form = FigureUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.figure_add(
                    plan=self.plan,
                    section_key=self.entry.key,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                    actor=request.user,
                )
                return self.render_files()
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_files(form=form)


class AttachmentAddView(FileUploadMixin, View):
    kind_slug = "attachments"

    def post(self, request, *args, **kwargs):
        form = AttachmentUploadForm(
            request.POST, request.FILES, categories=self.entry.attachment_categories
        )
        if form.is_valid():
            try:
                services.attachment_add(
                    plan=self.plan,
                    section_key=self.entry.key,
                    category=form.cleaned_data["category"],
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                )
                return self.render_files()
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_files(form=form)


class FigureImageView(PlanAccessMixin, View):
    def resolve_scope(self, plan_pk, pk, **kwargs):
        super().resolve_scope(plan_pk)
        self.figure = selectors.row_get(
            user=self.request.user, plan=self.plan, kind=FILE_KINDS["figures"], pk=pk
        )

    def get(self, request, *args, **kwargs):
        ext = self.figure.image.name.rsplit(".", 1)[-1]
        response = FileResponse(
            self.figure.image.open("rb"),
            content_type="image/png" if ext == "png" else "image/jpeg",
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}


class AttachmentDownloadView(PlanAccessMixin, View):
    def resolve_scope(self, plan_pk, pk, **kwargs):
        super().resolve_scope(plan_pk)
        self.attachment = selectors.row_get(
            user=self.request.user, plan=self.plan, kind=FILE_KINDS["attachments"], pk=pk
        )

    def get(self, request, *args, **kwargs):
        return FileResponse(
            self.attachment.file.open("rb"),
            as_attachment=True,
            filename=self.attachment.filename,
            content_type=CONTENT_TYPES[self.attachment.file_type],
        )
