"""What indicators/ adds to the apps below it, connected once at start-up (IndicatorsConfig.ready):
to the plan editor its row kinds (indicators, own fuels) and its sections' item counts; to the
change history (parks.history) how it names the data tables, their cells and the indicators'
justifications."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Accounting, PlanIndicator, TableData
from indicators.rows import ACTUALS, FUELS, INDICATORS
from indicators.selectors import section_item_counts
from indicators.tables import TABLES
from parks.history import describe, number_text
from plans.rows import register, register_section_counter

# The checks of indicators.checks by their codes, as a justification's heading.
WARNING_NAMES = {
    "direction": _("targets against the indicator's direction"),
    "weaker_year": _("a year weaker than the year before"),
    "national_reference": _("2025 target misses the national reference"),
    "policy_cut": _("CO2 intensity cut below 4% a year"),
    "baseline_mismatch": _("baseline differs from the data tables"),
}


def extend_plans() -> None:
    register(INDICATORS)
    register(FUELS)
    register(ACTUALS, in_sections=True)
    register_section_counter(section_item_counts)


def _table_key(target_repr: str) -> str:
    # TableData.__str__ is "<plan> · <table key>"
    return target_repr.rsplit(" · ", 1)[-1]


def table_name(target_repr: str) -> str:
    table = TABLES.get(_table_key(target_repr))
    return table.title if table else _table_key(target_repr)


def table_order(target_repr: str) -> int:
    keys = list(TABLES)
    key = _table_key(target_repr)
    return keys.index(key) if key in keys else len(keys)


def cell_order(target_repr: str, field: str) -> tuple:
    """A table's changed cells in the table's own order: row by row, year by year (the energy
    table's fuels are data of the coefficient set: by their codes)."""
    table = TABLES.get(_table_key(target_repr))
    rows = [row.key for row in table.rows] if table else []
    row, _sep, year = field.rpartition("__")
    return (rows.index(row) if row in rows else len(rows), row, year)


def cell_label(field: str, stored: str) -> str | None:
    """A cell `<row>__<year>` as its row and year; the stored label is "<table> · <row> <year>"
    (the part already names the table)."""
    row_year = stored.split(" · ", 1)[-1]
    row, _space, year = row_year.rpartition(" ")
    return f"{row}（{year}）" if row and year.isdigit() else row_year or field


def indicator_label(field: str, stored: str) -> str | None:
    return gettext("justifications") if field == "justifications" else None


def justifications_text(field: str, value) -> str | None:
    if field != "justifications" or not isinstance(value, dict):
        return None
    return "；".join(f"{WARNING_NAMES.get(code, code)}：{text}" for code, text in value.items())


def extend_history() -> None:
    describe(
        TableData,
        label=_("Data table"),
        name=table_name,
        itemised=True,
        order=table_order,
        label_of=cell_label,
        field_order=cell_order,
        value_of=lambda field, value: number_text(value),
    )
    describe(
        PlanIndicator,
        label=INDICATORS.title,
        label_of=indicator_label,
        value_of=justifications_text,
    )
    describe(Accounting, label=_("Carbon accounting"), name=lambda target_repr: "")
    describe(FUELS.model, label=FUELS.title)
