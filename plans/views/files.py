"""Figures and supporting files: upload, and the access-checked image and download views."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.generic import View

from core.files import private_file_response
from core.forms import apply_validation_error
from parks.roles import Perm
from plans import selectors, services
from plans.forms import (
    AttachmentUploadForm,
    FigureUploadForm,
)
from plans.rows import FILE_KINDS
from plans.views.plan import PlanAccessMixin
from plans.views.rows import file_table_context


class FileUploadView(PlanAccessMixin, View):
    """Upload a file to a section: the form, then the service; the section's file table comes
    back, with the form's errors in Chinese next to its fields when the upload is refused."""

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

    def get_form(self):
        raise NotImplementedError

    def add(self, data) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                self.add(form.cleaned_data)
                return self.render_files()
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_files(form=form)


class FigureAddView(FileUploadView):
    kind_slug = "figures"

    def get_form(self):
        return FigureUploadForm(self.request.POST, self.request.FILES)

    def add(self, data) -> None:
        services.figure_add(
            plan=self.plan,
            section_key=self.entry.key,
            upload=data["image"],
            caption=data["caption"],
            actor=self.request.user,
        )


class AttachmentAddView(FileUploadView):
    kind_slug = "attachments"

    def get_form(self):
        return AttachmentUploadForm(
            self.request.POST, self.request.FILES, categories=self.entry.attachment_categories
        )

    def add(self, data) -> None:
        services.attachment_add(
            plan=self.plan,
            section_key=self.entry.key,
            category=data["category"],
            upload=data["file"],
            description=data["description"],
            actor=self.request.user,
        )


class FigureImageView(PlanAccessMixin, View):
    def resolve_scope(self, plan_pk, pk, **kwargs):
        super().resolve_scope(plan_pk)
        self.figure = selectors.row_get(
            user=self.request.user, plan=self.plan, kind=FILE_KINDS["figures"], pk=pk
        )

    def get(self, request, *args, **kwargs):
        ext = self.figure.image.name.rsplit(".", 1)[-1]
        return private_file_response(
            self.figure.image,
            content_type="image/png" if ext == "png" else "image/jpeg",
            cache_control="private, max-age=3600",
        )


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
        return private_file_response(
            self.attachment.file,
            as_attachment=True,
            filename=self.attachment.filename,
            content_type=CONTENT_TYPES[self.attachment.file_type],
        )
