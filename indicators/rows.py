"""The indicators app's tables, edited with the plan editor's row views and services
(plans.rows.register): the plan's indicators (第三章) and the park's own fuels (第六章 (1))."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DecimalTextInput, LenientDecimalField
from indicators import selectors
from indicators.forms import PlanIndicatorForm
from indicators.models import CustomFuel, IndicatorActual, PlanIndicator, TableData
from indicators.services import assert_removable
from indicators.tables import ENERGY, custom_fuel_key
from plans.forms import RowForm
from plans.models import Attachment
from plans.outline import ACTUALS_KEY, INDICATORS_KEY
from plans.rows import RowKind


def _numbers(plan):
    return selectors.plan_numbers(plan, selectors.accounting_for_reading(plan))


def _indicator_context(plan, rows):
    numbers = _numbers(plan)
    return {"numbers": numbers, "indicator_rows": numbers.indicators}


def _indicator_form_kwargs(plan, row):
    """The justification fields are those of the warnings the indicator has now."""
    if row is None:
        return {"warnings": []}
    match = next((r for r in _numbers(plan).indicators if r.plan_indicator.pk == row.pk), None)
    return {"warnings": match.warnings if match else []}


def _refuse_required(row):
    assert_removable(row)


def _drop_fuel_values(fuel):
    """A removed fuel takes its quantities with it (the fuel's audit row keeps what it was)."""
    record = TableData.objects.select_for_update().filter(plan=fuel.plan, table="energy").first()
    key = custom_fuel_key(fuel.pk)
    if record and key in record.values:
        values = {k: v for k, v in record.values.items() if k != key}
        TableData.objects.filter(pk=record.pk).update(values=values, revision=record.revision + 1)


INDICATORS = RowKind(
    "indicators",
    PlanIndicator,
    INDICATORS_KEY,
    _("Indicators and yearly targets"),
    ("baseline", "targets", "data_source", "feasibility", "justifications"),
    template="indicators/_indicator_table.html",
    form_class=PlanIndicatorForm,
    extra_context=_indicator_context,
    form_kwargs=_indicator_form_kwargs,
    select_related=("indicator",),
    before_delete=_refuse_required,
    creatable=False,
)


class CustomFuelForm(RowForm):
    class Meta:
        model = CustomFuel
        fields = ["name", "unit", "tce_per_unit", "co2_t_per_unit", "source"]
        field_classes = dict.fromkeys(["tce_per_unit", "co2_t_per_unit"], LenientDecimalField)
        widgets = dict.fromkeys(["tce_per_unit", "co2_t_per_unit"], DecimalTextInput())


FUELS = RowKind(
    "fuels",
    CustomFuel,
    ENERGY.section_key,  # the park's fuels are rows of the energy table
    _("Other fuels used by the park"),
    ("name", "unit", "tce_per_unit", "co2_t_per_unit", "source"),
    list_fields=("name", "unit", "tce_per_unit", "co2_t_per_unit", "source"),
    before_delete=_drop_fuel_values,
    form_class=CustomFuelForm,
)


class IndicatorActualForm(RowForm):
    """The park types the actual, its source and, for a missed target, the reason; the
    indicator, target and baseline come from the approved plan. A derived indicator's actual is
    computed from the report's data tables, so it has no field."""

    class Meta:
        model = IndicatorActual
        fields = ["actual", "data_source", "evidence", "reason"]
        field_classes = {"actual": LenientDecimalField}
        widgets = {"actual": DecimalTextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.derivation:
            del self.fields["actual"]
        # the evidence is one of the report's own supporting files (uploaded in 佐证材料)
        self.fields["evidence"].queryset = Attachment.objects.filter(plan=self.plan)
        self.fields["evidence"].empty_label = "—"
        self.fields["evidence"].help_text = _(
            "Upload the file under 佐证材料 first, then choose it here."
        )


def _actuals_context(plan, rows):
    return {"actual_rows": selectors.report_actuals(plan), "data_year": plan.data_years[-1]}


def _refuse_carried(row):
    raise ValidationError(_("The indicators of the approved plan stay in its reports."))


ACTUALS = RowKind(
    "actuals",
    IndicatorActual,
    ACTUALS_KEY,
    _("Actual values against targets"),
    (
        "name",
        "unit",
        "direction",
        "baseline",
        "target",
        "actual",
        "data_source",
        "evidence_id",
        "reason",
    ),
    list_fields=("name", "unit", "baseline", "target", "actual", "data_source", "reason"),
    template="indicators/_actuals_table.html",
    form_class=IndicatorActualForm,
    extra_context=_actuals_context,
    select_related=("indicator", "evidence"),
    before_delete=_refuse_carried,
    creatable=False,
    kept_fields=("carried_from", "derivation", "planned", "earlier"),
)
