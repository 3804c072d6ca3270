"""The plan's numbers: indicators and targets (第三章), data tables and accounting (第六章)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.concurrency import ConcurrentEditError
from core.forms import apply_validation_error
from indicators import charts, selectors, services
from indicators.forms import AccountingForm, AddIndicatorForm, TableForm
from indicators.rows import FUELS, INDICATORS
from indicators.tables import TABLES
from parks.roles import Perm
from plans.views import PlanAccessMixin, table_context


def table_rows(numbers, table) -> list[tuple[str, str, str]]:
    """(key, label, unit) of a table's rows; the energy table's from the plan's fuels."""
    if table.fuel_rows:
        return [(line.fuel.key, line.fuel.name, line.fuel.unit) for line in numbers.account.lines]
    return [(row.key, row.label, row.unit) for row in table.rows]


class NumbersMixin(PlanAccessMixin):
    def numbers(self):
        return selectors.plan_numbers(self.plan, selectors.accounting_for_reading(self.plan))


class IndicatorListView(NumbersMixin, TemplateView):
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
    template_name = "indicators/data.html"

    def get_context_data(self, forms=None, conflicts=None, **kwargs):
        numbers = self.numbers()
        forms = forms or {}
        tables = []
        for table in TABLES.values():
            record = numbers.tables[table.key]
            form = forms.get(table.key) or TableForm(
                rows=table_rows(numbers, table),
                table_key=table.key,
                years=numbers.history_years,
                values=numbers.values[table.key],
                initial={"revision": record.revision if record else 0},
            )
            tables.append(
                {
                    "table": table,
                    "form": form,
                    "record": record,
                    "conflict": (conflicts or {}).get(table.key),
                }
            )
        accounting = numbers.accounting
        return super().get_context_data(
            numbers=numbers,
            tables=tables,
            accounting_form=AccountingForm(
                coefficient_set=accounting.coefficient_set,
                initial={"grid_factor": accounting.grid_factor, "revision": accounting.revision},
            ),
            fuels=table_context(self.plan, FUELS, user=self.request.user),
            **kwargs,
        )


class TableSaveView(DataTablesView):
    required_perm = Perm.EDIT_PLAN
    http_method_names = ["post"]

    def post(self, request, plan_pk, table):
        if table not in TABLES:
            raise Http404
        numbers = self.numbers()
        definition = TABLES[table]
        form = TableForm(
            request.POST,
            rows=table_rows(numbers, definition),
            table_key=table,
            years=numbers.history_years,
            values={},
        )
        if form.is_valid():
            try:
                services.table_save(
                    plan=self.plan,
                    table_key=table,
                    values=form.values,
                    expected_revision=form.cleaned_data["revision"],
                    actor=request.user,
                )
                messages.success(request, _("%(table)s saved.") % {"table": definition.title})
                return HttpResponseRedirect(
                    reverse("indicators:data", args=[self.plan.pk]) + f"#table-{table}"
                )
            except ConcurrentEditError as conflict:
                data = request.POST.copy()
                data["revision"] = conflict.current.revision
                form = TableForm(
                    data,
                    rows=table_rows(numbers, definition),
                    table_key=table,
                    years=numbers.history_years,
                    values={},
                )
                form.is_valid()
                return self.render_to_response(
                    self.get_context_data(forms={table: form}, conflicts={table: conflict.current})
                )
            except ValidationError as error:
                apply_validation_error(form, error)
        return self.render_to_response(self.get_context_data(forms={table: form}))


class AccountingSaveView(NumbersMixin, View):
    required_perm = Perm.EDIT_PLAN

    def post(self, request, plan_pk):
        accounting = services.accounting_get_or_create(plan=self.plan)
        form = AccountingForm(request.POST, coefficient_set=accounting.coefficient_set)
        if form.is_valid():
            try:
                services.accounting_save(
                    plan=self.plan,
                    actor=request.user,
                    coefficient_set=accounting.coefficient_set,
                    grid_factor=form.cleaned_data["grid_factor"],
                    expected_revision=form.cleaned_data["revision"],
                )
                messages.success(request, _("Grid emission factor saved."))
            except ConcurrentEditError:
                messages.error(
                    request,
                    _(
                        "Not saved: someone else changed the accounting "
                        "first. Check it and choose again."
                    ),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, _("Choose a grid emission factor."))
        return HttpResponseRedirect(reverse("indicators:data", args=[self.plan.pk]) + "#carbon")


class WorkbookDownloadView(NumbersMixin, View):
    """The data tables as an Excel template, filled with the current values."""

    def get(self, request, plan_pk):
        from indicators.workbook import build_workbook

        content = build_workbook(self.numbers())
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"{self.plan.park.name}-数据表-{self.plan.cycle.code}.xlsx"
        from django.utils.encoding import escape_uri_path

        response["Content-Disposition"] = (
            f"attachment; filename=\"data.xlsx\"; filename*=UTF-8''{escape_uri_path(filename)}"
        )
        return response


class WorkbookUploadView(DataTablesView):
    required_perm = Perm.EDIT_PLAN
    http_method_names = ["post"]

    def post(self, request, plan_pk):
        from indicators.workbook import WorkbookRefused

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
        changes = [
            (TABLES[key], [(labels.get(row, row), year, old, new) for row, year, old, new in diff])
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
