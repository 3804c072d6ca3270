"""The plan editor: thin views over plans.selectors and plans.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from parks.access import PortalAccessMixin
from parks.roles import Perm, has_perm
from parks.views import apply_validation_error
from plans import selectors, services
from plans.forms import (
    AttachmentUploadForm,
    FigureUploadForm,
    RoadmapForm,
    SectionForm,
    row_form_class,
)
from plans.outline import Kind
from plans.rows import ALL_KINDS, FILE_KINDS, kinds_for_section


def _time(value) -> str:
    return formats.date_format(timezone.localtime(value), "H:i") if value else ""


def _who(user) -> str:
    return user.display_name if user else _("Someone")


class PlanEntryView(PortalAccessMixin, View):
    """The park's plan for the current cycle; park staff start it on their first visit."""

    def get(self, request, park_pk):
        cycle = selectors.cycle_current()
        plan = (
            selectors.plan_list_for_park(user=request.user, park=self.park)
            .filter(cycle=cycle)
            .first()
        )
        if plan is None:
            if not has_perm(request.user, Perm.EDIT_PLAN):
                messages.info(request, _("This park has not started its plan yet."))
                return HttpResponseRedirect(reverse("parks:park-detail", args=[self.park.pk]))
            plan = services.plan_get_or_create(park=self.park, cycle=cycle)
        return HttpResponseRedirect(reverse("plans:plan-detail", args=[plan.pk]))


class PlanAccessMixin(PortalAccessMixin):
    """Resolves the plan in the URL among the plans the user may see (404 otherwise)."""

    def resolve_scope(self, plan_pk, **kwargs):
        self.plan = selectors.plan_get(user=self.request.user, pk=plan_pk)
        self.park = self.plan.park

    @property
    def can_edit(self) -> bool:
        """May change the draft now: the right to edit, and a draft the workflow leaves open."""
        return has_perm(self.request.user, Perm.EDIT_PLAN) and self.plan.is_editable

    def get_context_data(self, **kwargs):
        kwargs.setdefault("plan", self.plan)
        kwargs.setdefault("can_edit", self.can_edit)
        return super().get_context_data(**kwargs)


class PlanDetailView(PlanAccessMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=selectors.plan_outline_status(self.plan), **kwargs)


class PlanPreviewView(PlanAccessMixin, TemplateView):
    template_name = "plans/plan_preview.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(doc=selectors.plan_document(self.plan), **kwargs)


class SectionEditView(PlanAccessMixin, TemplateView):
    required_perm = Perm.EDIT_PLAN
    template_name = "plans/section_edit.html"

    def get(self, request, *args, **kwargs):
        if not self.plan.is_editable:
            messages.info(
                request,
                _("The plan is %(state)s: it can be read but not changed.")
                % {"state": self.plan.get_status_display()},
            )
            return HttpResponseRedirect(reverse("plans:plan-preview", args=[self.plan.pk]))
        return super().get(request, *args, **kwargs)

    def resolve_scope(self, plan_pk, key, **kwargs):
        super().resolve_scope(plan_pk)
        self.entry, self.section = selectors.section_get(plan=self.plan, key=key)

    def get_context_data(self, form=None, conflict=None, **kwargs):
        entry = self.entry
        previous, following = selectors.outline_neighbours(self.plan, entry.key)
        kinds = {str(k) for k in entry.kinds}
        form = form or SectionForm(
            initial={
                "body": self.section.body,
                "revision": self.section.revision,
                "is_done": self.section.is_done,
            }
        )
        context = {
            "entry": entry,
            "section": self.section,
            "kinds": kinds,
            "form": form,
            "conflict": conflict,
            "status": selectors.plan_outline_status(self.plan),
            "previous": previous,
            "next": following,
            "editor_messages": {
                "saving": _("Saving…"),
                "saved": _("Saved at %(time)s"),
                "unsaved": _("Unsaved changes"),
                "failed": _(
                    "Not saved: the connection failed. Your text is still here; "
                    "it will be saved when the connection is back."
                ),
            },
            "row_tables": [
                table_context(self.plan, kind, user=self.request.user)
                for kind in kinds_for_section(entry.key)
            ],
        }
        if Kind.FIGURES in entry.kinds:
            context["figures"] = file_table_context(self.plan, FILE_KINDS["figures"], entry.key)
        if Kind.ATTACHMENTS in entry.kinds:
            context["attachments"] = file_table_context(
                self.plan, FILE_KINDS["attachments"], entry.key
            )
        if Kind.ROADMAP in entry.kinds:
            context["roadmap_form"] = RoadmapForm(
                initial={
                    "carbon_peak_year": self.plan.carbon_peak_year,
                    "revision": self.plan.roadmap_revision,
                }
            )
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SectionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.section_save(
                plan=self.plan,
                key=self.entry.key,
                body=form.cleaned_data["body"],
                is_done=form.cleaned_data["is_done"],
                expected_revision=form.cleaned_data["revision"],
                actor=request.user,
            )
        except services.ConcurrentEditError as conflict:
            return self.render_conflict(form, conflict.current)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Saved at %(time)s.") % {"time": _time(timezone.now())})
        return HttpResponseRedirect(request.path)

    def render_conflict(self, form, current):
        """Keep the user's text in the editor, show the stored text beside it, save nothing."""
        data = form.data.copy()
        data["revision"] = current.revision
        form = SectionForm(data)
        form.is_valid()
        self.section = current
        return self.render_to_response(self.get_context_data(form=form, conflict=current))


class SectionAutosaveView(SectionEditView):
    """Autosave from the editor's script: JSON in, JSON out; 409 with the stored text on
    a conflict so the page can show both versions."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SectionForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        try:
            section = services.section_save(
                plan=self.plan,
                key=self.entry.key,
                body=form.cleaned_data["body"],
                is_done=form.cleaned_data["is_done"] if "is_done" in request.POST else None,
                expected_revision=form.cleaned_data["revision"],
                actor=request.user,
            )
        except services.ConcurrentEditError as conflict:
            current = conflict.current
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "revision": current.revision,
                    "body": current.body,
                    "message": _(
                        "%(name)s saved this section at %(time)s, after you started. Your text "
                        "has not been saved and is still in the editor. Compare both versions "
                        "below, then keep yours or take theirs."
                    )
                    % {"name": _who(current.updated_by), "time": _time(current.updated_at)},
                },
                status=409,
            )
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "revision": section.revision,
                "saved_at": _time(section.updated_at),
                "words": section.word_count,
            }
        )


class RoadmapSaveView(PlanAccessMixin, View):
    required_perm = Perm.EDIT_PLAN

    def post(self, request, plan_pk):
        form = RoadmapForm(request.POST)
        section_url = reverse("plans:section-edit", args=[self.plan.pk, "4.2"])
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(section_url)
        try:
            services.roadmap_save(
                plan=self.plan,
                actor=request.user,
                carbon_peak_year=form.cleaned_data["carbon_peak_year"],
                expected_revision=form.cleaned_data["revision"],
            )
        except services.ConcurrentEditError as conflict:
            messages.error(
                request,
                _(
                    "Not saved: someone else set the peak year to %(year)s first. Check it and "
                    "save again if yours is right."
                )
                % {"year": conflict.current.carbon_peak_year or "—"},
            )
            return HttpResponseRedirect(section_url)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(section_url)
        messages.success(request, _("Expected carbon peak year saved."))
        return HttpResponseRedirect(section_url)


# --- structured rows: htmx partials ----------------------------------------------------------


def table_context(
    plan, kind, *, user, editing=None, form=None, conflict=None, adding=False, message=None
):
    rows = list(selectors.rows_for(plan=plan, kind=kind))
    extra = kind.extra_context(plan, rows) if kind.extra_context else {}
    return {
        **extra,
        "message": message,
        "totals": selectors.project_totals(rows) if kind.slug == "projects" else None,
        "plan": plan,
        "kind": kind,
        "rows": rows,
        "editing": editing,
        "form": form,
        "conflict": conflict,
        "adding": adding,
        "can_edit": has_perm(user, Perm.EDIT_PLAN),
        "new_form": row_form_class(kind)(plan=plan) if adding and form is None else None,
    }


def file_table_context(plan, kind, section_key, *, upload_form=None, **extra):
    entry = selectors.outline_entry(plan, section_key)
    if upload_form is None:
        upload_form = (
            FigureUploadForm()
            if kind.slug == "figures"
            else AttachmentUploadForm(categories=entry.attachment_categories)
        )
    return {
        "plan": plan,
        "kind": kind,
        "section_key": section_key,
        "rows": selectors.rows_for(plan=plan, kind=kind).filter(section_key=section_key),
        "upload_form": upload_form,
        "categories": dict(entry.attachment_categories),
        **extra,
    }


class RowKindMixin(PlanAccessMixin):
    """Resolves the table (`slug`) and, for row URLs, the row among the plan's rows."""

    required_perm = Perm.EDIT_PLAN
    row = None

    def resolve_scope(self, plan_pk, slug, pk=None, **kwargs):
        super().resolve_scope(plan_pk)
        self.kind = ALL_KINDS.get(slug)
        if self.kind is None:
            raise Http404
        if pk is not None:
            self.row = selectors.row_get(
                user=self.request.user, plan=self.plan, kind=self.kind, pk=pk
            )

    def render_table(self, **extra):
        if self.kind.slug in FILE_KINDS:
            template = f"plans/_{self.kind.slug}.html"
            context = file_table_context(
                self.plan, self.kind, self.row.section_key, can_edit=True, **extra
            )
        else:
            template = self.kind.template
            context = table_context(self.plan, self.kind, user=self.request.user, **extra)
        return render(self.request, template, context)

    def form(self, data=None):
        extra = self.kind.form_kwargs(self.plan, self.row) if self.kind.form_kwargs else {}
        return row_form_class(self.kind)(data, instance=self.row, plan=self.plan, **extra)


class RowListView(RowKindMixin, View):
    required_perm = None

    def get(self, request, *args, **kwargs):
        if self.kind.slug in FILE_KINDS:
            raise Http404
        return self.render_table()


class RowCreateView(RowKindMixin, View):
    def resolve_scope(self, plan_pk, slug, pk=None, **kwargs):
        super().resolve_scope(plan_pk, slug, pk, **kwargs)
        if self.kind.slug in FILE_KINDS or not self.kind.creatable:
            raise Http404

    def get(self, request, *args, **kwargs):
        return self.render_table(adding=True)

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.row_create(
                    kind=self.kind, plan=self.plan, actor=request.user, data=form.row_data
                )
                return self.render_table()
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_table(adding=True, form=form)


class RowEditView(RowKindMixin, View):
    def get(self, request, *args, **kwargs):
        return self.render_table(editing=self.row.pk, form=self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.row_update(
                    kind=self.kind,
                    row=self.row,
                    actor=request.user,
                    data=form.row_data,
                    expected_revision=form.cleaned_data["revision"] or 0,
                )
                return self.render_table()
            except services.ConcurrentEditError as conflict:
                data = request.POST.copy()
                data["revision"] = conflict.current.revision
                form = self.form(data)
                form.is_valid()
                return self.render_table(editing=self.row.pk, form=form, conflict=conflict.current)
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_table(editing=self.row.pk, form=form)


class RowDeleteView(RowKindMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.row_delete(
                kind=self.kind,
                row=self.row,
                actor=request.user,
                expected_revision=int(request.POST.get("revision", -1)),
            )
        except (services.ConcurrentEditError, ValueError):
            return self.render_table(
                message=_("Not removed: the row was changed by someone else. Check it first.")
            )
        except ValidationError as error:
            return self.render_table(message=" ".join(error.messages))
        return self.render_table()


class RowMoveView(RowKindMixin, View):
    def post(self, request, *args, **kwargs):
        offset = -1 if request.POST.get("direction") == "up" else 1
        try:
            services.row_move(kind=self.kind, row=self.row, actor=request.user, offset=offset)
        except ValidationError as error:
            return self.render_table(message=" ".join(error.messages))
        return self.render_table()


# --- figures and attachments ----------------------------------------------------------------


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
