"""The plan's numbers: indicators and targets (第三章), data tables and accounting (第六章)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView, View

from core.concurrency import ConcurrentEditError
from core.forms import apply_validation_error
from indicators import bounds, charts, selectors, services
from indicators.forms import AccountingForm, AddIndicatorForm, TableForm
from indicators.rows import FUELS, INDICATORS
from indicators.tables import TABLES
from indicators.workbook import WorkbookRefused, build_workbook
from parks.roles import Perm, has_perm
from plans.outline import INDICATORS_KEY
from plans.views import PlanAccessMixin, table_context


def table_rows(numbers, table) -> list[tuple[str, str, str]]:
    """(key, label, unit) of a table's rows; the energy table's from the plan's fuels."""
    if table.fuel_rows:
        return [(line.fuel.key, line.fuel.name, line.fuel.unit) for line in numbers.account.lines]
    return [(row.key, row.label, row.unit) for row in table.rows]


# The data page's one <form>: every table's cells and the grid factor belong to it.
GRID_FORM = "data-grid"


class NumbersMixin(PlanAccessMixin):
    def numbers(self):
        return selectors.plan_numbers(self.plan, selectors.accounting_for_reading(self.plan))


class IndicatorListView(NumbersMixin, TemplateView):
    outline_key = INDICATORS_KEY
    template_name = "indicators/indicators.html"

    def get(self, request, *args, **kwargs):
        if self.can_edit and self.plan.is_editable:
            services.plan_indicators_ensure(plan=self.plan)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, add_form=None, **kwargs):
        context = table_context(self.plan, INDICATORS, user=self.request.user)
        taken = [row.indicator_id for row in context["rows"] if row.indicator_id]
        available = selectors.catalogue().exclude(pk__in=taken)
        return super().get_context_data(
            **context,
            add_form=add_form or AddIndicatorForm(available=available),
            **kwargs,
        )


class IndicatorAddView(NumbersMixin, View):
    outline_key = INDICATORS_KEY
    required_perm = Perm.EDIT_PLAN

    def post(self, request, plan_pk):
        taken = self.plan.indicators.exclude(indicator=None).values_list("indicator", flat=True)
        form = AddIndicatorForm(request.POST, available=selectors.catalogue().exclude(pk__in=taken))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.plan_indicator_add(
                    plan=self.plan,
                    actor=request.user,
                    indicator=data["indicator"],
                    **(
                        {}
                        if data["indicator"]
                        else {
                            "custom_name": data["custom_name"],
                            "custom_unit": data["custom_unit"],
                            "custom_direction": data["custom_direction"],
                            "custom_definition": data["custom_definition"],
                        }
                    ),
                )
                messages.success(request, _("Indicator added."))
                return HttpResponseRedirect(
                    reverse("indicators:indicator-list", args=[self.plan.pk])
                )
            except ValidationError as error:
                apply_validation_error(form, error)
        view = IndicatorListView(
            request=request, kwargs=self.kwargs, plan=self.plan, park=self.park
        )
        return render(request, view.template_name, view.get_context_data(add_form=form))


class IndicatorChartView(NumbersMixin, View):
    outline_key = INDICATORS_KEY
    """The SVG chart of one plan indicator: history, baseline, targets, national reference."""

    def get(self, request, plan_pk, pk):
        numbers = self.numbers()
        row = next((r for r in numbers.indicators if r.plan_indicator.pk == pk), None)
        if row is None:
            raise Http404
        svg = charts.indicator_svg(row, numbers)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, no-cache"
        return response


class DataTablesView(NumbersMixin, TemplateView):
    """The 2016-2020 data tables as one grid with one save: every table the user changed, and
    the grid factor, are saved together, or (a bad cell, or someone saved one of them first)
    none is and the page comes back with everything typed (indicators.services.tables_save)."""

    template_name = "indicators/data.html"

    @property
    def grid_form(self) -> str:
        """The id of the page's one <form>, which only those who may edit get."""
        return GRID_FORM if self.can_edit else ""

    def table_forms(self, numbers, data=None) -> dict[str, TableForm]:
        return {
            table.key: TableForm(
                data,
                rows=table_rows(numbers, table),
                table_key=table.key,
                years=numbers.history_years,
                values=numbers.values[table.key],
                form_id=self.grid_form,
                initial={
                    "revision": numbers.tables[table.key].revision
                    if numbers.tables[table.key]
                    else 0
                },
            )
            for table in TABLES.values()
        }

    def accounting_form(self, numbers, data=None) -> AccountingForm:
        return AccountingForm(
            data,
            choice=numbers.grid,
            form_id=self.grid_form,
            initial={"revision": numbers.accounting.revision},
        )

    def get_context_data(
        self, numbers=None, forms=None, accounting_form=None, conflicts=None, unsaved=(), **kw
    ):
        numbers = numbers or self.numbers()
        forms = forms or self.table_forms(numbers)
        conflicts = conflicts or {}
        tables = [
            {
                "table": table,
                "form": forms[table.key],
                "record": numbers.tables[table.key],
                "conflict": conflicts.get(table.key),
                "unsaved": table.key in unsaved,
            }
            for table in TABLES.values()
        ]
        return super().get_context_data(
            numbers=numbers,
            tables=tables,
            accounting_form=accounting_form or self.accounting_form(numbers),
            accounting_conflict=conflicts.get("accounting"),
            accounting_unsaved="accounting" in unsaved,
            unsaved_titles=[t.title for t in TABLES.values() if t.key in unsaved]
            + ([_("grid emission factor")] if "accounting" in unsaved else []),
            grid_form=self.grid_form,
            fuels=table_context(self.plan, FUELS, user=self.request.user),
            **kw,
        )

    def post(self, request, plan_pk):
        if not has_perm(request.user, Perm.EDIT_PLAN):
            raise PermissionDenied
        numbers = self.numbers()
        forms = self.table_forms(numbers, request.POST)
        accounting_form = self.accounting_form(numbers, request.POST)
        changed = {key: form for key, form in forms.items() if form.changed}
        factor_changed = accounting_form.is_valid() and accounting_form.changed
        unsaved = set(changed) | ({"accounting"} if factor_changed else set())
        conflicts = {}
        if all(form.is_valid() for form in changed.values()):
            try:
                saved = services.tables_save(
                    plan=self.plan,
                    edits={
                        key: services.TableEdit(form.values, form.cleaned_data["revision"])
                        for key, form in changed.items()
                    },
                    grid_choice=services.GridChoiceEdit(
                        accounting_form.cleaned_data["grid_series"],
                        accounting_form.cleaned_data["grid_reason"],
                        accounting_form.cleaned_data["revision"],
                    )
                    if factor_changed
                    else None,
                    actor=request.user,
                )
            except services.TablesNotSaved as refused:
                for key, error in refused.errors.items():
                    apply_validation_error(forms.get(key, accounting_form), error)
                conflicts = refused.conflicts
            except ValidationError as error:  # the plan is not editable now
                messages.error(request, " ".join(error.messages))
            else:
                self.report_saved(saved)
                return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]))
        else:
            # Nothing is saved; say at once which of the changed tables were saved meanwhile.
            conflicts = services.tables_saved_since(
                self.plan, {key: form.started_revision for key, form in changed.items()}
            )
        for key, current in conflicts.items():
            if key in forms:
                forms[key] = self.rebased_table(forms[key], current)
        if "accounting" in conflicts:
            accounting_form = self.rebased_accounting(accounting_form, conflicts["accounting"])
        return self.render_to_response(
            self.get_context_data(
                numbers=numbers,
                forms=forms,
                accounting_form=accounting_form,
                conflicts=conflicts,
                unsaved=unsaved,
            )
        )

    # After a conflict the form keeps what the user typed but is based on what is stored now:
    # saving again keeps the user's values, knowingly (the page shows the stored ones beside).

    def rebased_table(self, form: TableForm, current) -> TableForm:
        data = form.data.copy()
        data[form.add_prefix("revision")] = current.revision
        data[form.add_prefix("digest")] = form.digest_of(current.values)
        rebased = TableForm(
            data,
            rows=form.rows,
            years=form.years,
            values=current.values,
            table_key=form.prefix,
            form_id=GRID_FORM,
        )
        rebased.is_valid()
        return rebased

    def rebased_accounting(self, form: AccountingForm, current) -> AccountingForm:
        choice = services.grid_choice(current, self.plan)
        stored = AccountingForm(choice=choice)
        data = form.data.copy()
        data[form.add_prefix("revision")] = current.revision
        data[form.add_prefix("shown")] = stored.fields["shown"].initial
        rebased = AccountingForm(data, choice=choice, form_id=GRID_FORM)
        rebased.is_valid()
        rebased.stored_label = choice.label
        return rebased

    def report_saved(self, saved: list[str]) -> None:
        names = [TABLES[key].title for key in saved if key in TABLES]
        if "accounting" in saved:
            names.append(_("grid emission factor"))
        if names:
            separator = pgettext("list separator", ", ")
            messages.success(
                self.request, _("Saved: %(parts)s.") % {"parts": separator.join(names)}
            )
        else:
            messages.info(self.request, _("Nothing to save: no value was changed."))


class GridRecomputeView(NumbersMixin, View):
    """Recompute the live plan's electricity CO2 with the grid factors published since its
    figures were computed (indicators.services.accounting_recompute)."""

    required_perm = Perm.EDIT_PLAN
    http_method_names = ["post"]

    def post(self, request, plan_pk):
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            raise Http404 from None
        try:
            years = services.accounting_recompute(
                plan=self.plan, actor=request.user, expected_revision=revision
            )
        except ConcurrentEditError:
            messages.error(
                request,
                _(
                    "Nothing was recomputed: the grid factor was changed meanwhile. "
                    "Check it and try again."
                ),
            )
        except ValidationError as error:  # the plan is not editable now
            messages.error(request, " ".join(error.messages))
        else:
            if years:
                separator = pgettext("list separator", ", ")
                messages.success(
                    request,
                    _("Recomputed with the newer grid factors: %(years)s.")
                    % {"years": separator.join(str(y) for y in years)},
                )
            else:
                messages.info(request, _("Every year already uses the newest grid factor."))
        return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]) + "#carbon")


class WorkbookDownloadView(NumbersMixin, View):
    """The data tables as an Excel template, filled with the current values."""

    def get(self, request, plan_pk):
        content = build_workbook(self.numbers())
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{self.plan.park.name}-数据表-{self.plan.cycle.code}.xlsx"
        response["Content-Disposition"] = (
            f"attachment; filename=\"data.xlsx\"; filename*=UTF-8''{escape_uri_path(filename)}"
        )
        return response


class WorkbookUploadView(DataTablesView):
    required_perm = Perm.EDIT_PLAN
    http_method_names = ["post"]

    def post(self, request, plan_pk):
        upload = request.FILES.get("workbook")
        if upload is None:
            return self.render_to_response(
                self.get_context_data(import_errors=[_("Choose the workbook file to upload.")])
            )
        try:
            pending = services.workbook_import_create(
                plan=self.plan, actor=request.user, upload=upload
            )
        except WorkbookRefused as refused:
            return self.render_to_response(self.get_context_data(import_errors=[str(refused)]))
        except services.WorkbookErrors as failed:
            return self.render_to_response(self.get_context_data(import_errors=failed.errors))
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(import_errors=error.messages))
        for notice in pending.notices:
            messages.warning(request, notice)
        return HttpResponseRedirect(
            reverse("indicators:import-review", args=[self.plan.pk, pending.pk])
        )


class WorkbookImportReviewView(NumbersMixin, TemplateView):
    """What the upload would change; nothing is saved until the user confirms."""

    required_perm = Perm.EDIT_PLAN
    template_name = "indicators/import_review.html"

    def resolve_scope(self, plan_pk, pk, **kwargs):
        super().resolve_scope(plan_pk)
        self.pending = selectors.workbook_import_get(user=self.request.user, plan=self.plan, pk=pk)

    def get_context_data(self, **kwargs):
        numbers = self.numbers()
        labels = {}
        for table in TABLES.values():
            labels.update(
                {key: f"{label}（{unit}）" for key, label, unit in table_rows(numbers, table)}
            )
        warnings = {
            key: bounds.jump_warnings(values, numbers.history_years)
            for key, values in self.pending.values.items()
        }
        changes = [
            (
                TABLES[key],
                [
                    (labels.get(row, row), year, old, new, warnings[key].get((row, year), ""))
                    for row, year, old, new in diff
                ],
            )
            for key, diff in services.workbook_changes(self.pending).items()
        ]
        return super().get_context_data(pending=self.pending, changes=changes, **kwargs)

    def post(self, request, plan_pk, pk):
        action = request.POST.get("action")
        if action not in {"apply", "discard"}:
            raise Http404
        if action == "discard":
            services.workbook_import_discard(pending=self.pending)
            messages.info(request, _("The upload was discarded; nothing was changed."))
            return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]))
        try:
            changed = services.workbook_import_apply(pending=self.pending, actor=request.user)
        except ConcurrentEditError:
            messages.error(
                request,
                _(
                    "Nothing was saved: the tables were changed in the portal after the upload. "
                    "Download the workbook again, or upload it again to compare with the new "
                    "values."
                ),
            )
            return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]))
        messages.success(request, _("Imported: %(n)s tables updated.") % {"n": changed})
        return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]))
