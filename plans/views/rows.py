"""The structured tables (tasks, roadmap, projects, members, figures, files): htmx partials
over the generic row services."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import View

from core.concurrency import ConcurrentEditError
from core.forms import apply_validation_error
from parks.roles import Perm, has_perm
from plans import selectors, services
from plans.forms import (
    AttachmentUploadForm,
    FigureUploadForm,
    row_form_class,
)
from plans.rows import ALL_KINDS, FILE_KINDS
from plans.views.plan import PlanAccessMixin


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
        if self.kind is None or (
            self.kind.section_key
            and self.kind.section_key not in selectors.plan_outline(self.plan).by_key
        ):
            raise Http404  # no such table, or not one of this plan's (a report's, a plan's)
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
            except ConcurrentEditError as conflict:
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
        except (ConcurrentEditError, ValueError):
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
