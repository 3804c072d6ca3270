"""The indicators app's tables, edited with the plan editor's row views and services
(plans.rows.register): the plan's indicators (第三章) and the park's own fuels (第六章 (1))."""

from django.utils.translation import gettext_lazy as _

from core.forms import DecimalTextInput, LenientDecimalField
from indicators import selectors
from indicators.forms import PlanIndicatorForm
from indicators.models import CustomFuel, PlanIndicator, TableData
from indicators.services import assert_removable
from indicators.tables import ENERGY, custom_fuel_key
from plans.forms import RowForm
from plans.outline import INDICATORS_KEY
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
