"""Reads of a plan's numbers: tables, accounting, derived indicators, warnings. Fixed queries."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from indicators.accounting import (
    DERIVED,
    EnergyAccount,
    Fuel,
    carbon_note,
    derived_series,
    energy_account,
    fuel_from_coefficient,
    fuel_from_custom,
)
from indicators.attainment import (
    CO2_CUT,
    CO2_INTENSITY,
    Attainment,
    attainment,
    derived_actual,
    yearly_cut_since,
)
from indicators.checks import Warning, indicator_warnings
from indicators.grid import Choice
from indicators.models import (
    Accounting,
    CoefficientSet,
    CustomFuel,
    Direction,
    GridFactor,
    Indicator,
    IndicatorActual,
    PlanIndicator,
    TableData,
    WorkbookImport,
)
from indicators.services import default_coefficient_set, grid_choice
from indicators.tables import DOCUMENT_PARTS, ENERGY, TABLES, custom_fuel_key
from plans.models import Plan
from plans.outline import FEASIBILITY_KEY, INDICATORS_KEY, TARGETS_KEY


def catalogue(*, active_only: bool = True) -> QuerySet[Indicator]:
    indicators = Indicator.objects.all()
    return indicators.filter(is_active=True) if active_only else indicators


def coefficient_sets() -> QuerySet[CoefficientSet]:
    return CoefficientSet.objects.all()


def grid_factors(coefficient_set: CoefficientSet) -> QuerySet[GridFactor]:
    return GridFactor.objects.filter(coefficient_set=coefficient_set)


def plan_fuels(plan: Plan, accounting: Accounting) -> list[Fuel]:
    fuels = (
        [fuel_from_coefficient(c) for c in accounting.coefficient_set.fuels.all()]
        if accounting.coefficient_set_id
        else []
    )
    fuels += [
        fuel_from_custom(f, custom_fuel_key(f.pk))
        for f in CustomFuel.objects.filter(plan=plan).order_by("position", "id")
    ]
    return fuels


def table_records(plan: Plan) -> dict[str, TableData | None]:
    records = {t.table: t for t in TableData.objects.select_related("updated_by").filter(plan=plan)}
    return {key: records.get(key) for key in TABLES}


@dataclass
class IndicatorRow:
    plan_indicator: PlanIndicator
    history: dict[int, Decimal | None]
    derived_baseline: Decimal | None
    warnings: list[Warning]

    @property
    def has_numbers(self) -> bool:
        """Whether there is anything to chart: history, a baseline or a target."""
        pi = self.plan_indicator
        return (
            any(v is not None for v in (self.history or {}).values())
            or pi.baseline not in ("", None)
            or any(v not in ("", None) for v in (pi.targets or {}).values())
        )

    @property
    def unjustified(self) -> list[Warning]:
        given = self.plan_indicator.justifications or {}
        return [w for w in self.warnings if not (given.get(w.code) or "").strip()]


@dataclass
class TableGrid:
    """A data table as printed: (row key, label, unit, [value or None per year]) rows."""

    table: object
    rows: list[tuple[str, str, str, list]]


@dataclass
class PlanNumbers:
    plan: Plan
    accounting: Accounting
    tables: dict[str, TableData | None]
    values: dict[str, dict]
    account: EnergyAccount
    derived: dict[str, dict[int, Decimal | None]]
    indicators: list[IndicatorRow]
    carbon_note: str
    history_years: list[int] = field(default_factory=list)
    plan_years: list[int] = field(default_factory=list)
    grid: Choice | None = None  # the live plan's grid factor choice (None for a frozen version)

    @property
    def years_label(self) -> str:
        """The tables' years as headings name them: 2016-2020, or 2024 for one data year."""
        years = self.history_years
        if not years:
            return ""
        return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}"

    @property
    def final_year(self) -> int:
        return self.plan_years[-1]

    @property
    def derived_labels(self) -> dict[str, tuple[str, str]]:
        return DERIVED

    @property
    def grids(self) -> dict[str, TableGrid]:
        result = {}
        for key, table in TABLES.items():
            if table.fuel_rows:
                rows = [
                    (
                        line.fuel.key,
                        line.fuel.name,
                        line.fuel.unit,
                        [line.quantity[y] for y in self.history_years],
                    )
                    for line in self.account.lines
                    if line.used
                ]
            else:
                values = self.values[key]
                rows = [
                    (
                        row.key,
                        row.label,
                        row.unit,
                        [values.get(row.key, {}).get(str(y)) for y in self.history_years],
                    )
                    for row in table.rows
                ]
            result[key] = TableGrid(table, rows)
        return result

    @property
    def filled_cells(self) -> dict[str, int]:
        return {
            key: sum(1 for row in values.values() for v in row.values() if v not in ("", None))
            for key, values in self.values.items()
        }


def plan_numbers(plan: Plan, accounting: Accounting) -> PlanNumbers:
    cycle = plan.cycle
    history = plan.data_years
    tables = table_records(plan)
    values = {key: (record.values if record else {}) for key, record in tables.items()}
    choice = grid_choice(accounting, plan)
    account = energy_account(
        values=values["energy"],
        fuels=plan_fuels(plan, accounting),
        years=history,
        grid_years=choice.years,
        grid_factor_label=choice.label,
        # the set's name: its version is an admin's code (seed-2024), not for the document
        coefficient_set_label=(
            accounting.coefficient_set.name if accounting.coefficient_set_id else "—"
        ),
        grid_choice=grid_choice_label(choice),
        grid_reason=choice.reason,
    )
    derived = derived_series(values, account)
    rows = []
    for pi in PlanIndicator.objects.filter(plan=plan).select_related("indicator"):
        key = pi.indicator.derivation if pi.indicator_id else ""
        series = derived.get(key, {}) if key else {}
        derived_baseline = series.get(cycle.base_year)
        rows.append(
            IndicatorRow(
                pi,
                series,
                derived_baseline,
                indicator_warnings(pi, years=cycle.plan_years, derived_baseline=derived_baseline),
            )
        )
    return PlanNumbers(
        plan=plan,
        accounting=accounting,
        tables=tables,
        values=values,
        account=account,
        derived=derived,
        indicators=rows,
        carbon_note=carbon_note(account, park_name=plan.park.name, base_year=plan.note_year),
        history_years=history,
        plan_years=cycle.plan_years,
        grid=choice,
    )


def grid_choice_label(choice: Choice) -> str:
    """The series as the document names it, and whether the park chose it."""
    if not choice.label:
        return "—"
    return f"{choice.label}（{'按园区所在地默认' if choice.is_default else '园区自选'}）"


def accounting_for_reading(plan: Plan) -> Accounting:
    """The plan's accounting, or (not saved) the defaults it would get: reads never write."""
    accounting = Accounting.objects.select_related("coefficient_set").filter(plan=plan).first()
    if accounting is None:
        try:
            coefficient_set = default_coefficient_set()
        except CoefficientSet.DoesNotExist:  # nothing seeded: the tables without coefficients
            return Accounting(plan=plan)
        accounting = Accounting(plan=plan, coefficient_set=coefficient_set)  # the rule's factors
    return accounting


def section_item_counts(plan: Plan) -> dict[str, int]:
    """How much each indicators/data section of the outline holds, for its state."""
    counts = dict.fromkeys(DOCUMENT_PARTS, 0)
    for pi in PlanIndicator.objects.filter(plan=plan).only("baseline", "targets", "feasibility"):
        counts[INDICATORS_KEY] += 1
        counts[TARGETS_KEY] += any(v not in ("", None) for v in (pi.targets or {}).values())
        counts[FEASIBILITY_KEY] += bool(pi.feasibility.strip())
    for record in TableData.objects.filter(plan=plan).only("table", "values"):
        filled = any(v not in ("", None) for row in record.values.values() for v in row.values())
        counts[TABLES[record.table].section_key] += filled
    counts[ENERGY.section_key] += CustomFuel.objects.filter(plan=plan).count()
    return counts


def workbook_import_get(*, user, plan: Plan, pk: int):
    return get_object_or_404(WorkbookImport.objects.visible_to(user).filter(plan=plan), pk=pk)


# --- a report's actual values (Kind.ACTUALS) ---------------------------------------------------


@dataclass(frozen=True)
class ActualRow:
    """One indicator of a report: the actual it counts (computed from the report's data tables
    for a derived indicator, else as typed), against the year's target and the 2020 baseline."""

    row: IndicatorActual
    actual: Decimal | None
    computed: bool
    result: Attainment
    yearly_cut: Decimal | None  # % a year since the baseline (intensities that fall)

    @property
    def needs_reason(self) -> bool:
        return self.result.met is False and not self.row.reason.strip()


def actual_rows(plan: Plan, rows, numbers: PlanNumbers | None) -> list[ActualRow]:
    """The report's indicator rows (live or thawed from a version) against their targets, for
    the report's last data year (the data year, or 2025 for the final evaluation); a derived
    indicator's actual from `numbers` (the report's data tables)."""
    year = plan.data_years[-1]
    years = year - plan.cycle.base_year
    derived = numbers.derived if numbers else {}
    co2_baseline = next((r.baseline for r in rows if r.derivation == CO2_INTENSITY), None)

    def series_of(key, at):
        return derived.get(key, {}).get(at)

    result = []
    for row in rows:
        computed = bool(row.derivation) and (
            row.derivation in derived or (row.derivation == CO2_CUT and CO2_INTENSITY in derived)
        )
        actual = (
            derived_actual(row.derivation, series_of, year, plan.cycle.base_year, co2_baseline)
            if computed
            else row.actual
        )
        result.append(
            ActualRow(
                row,
                actual,
                computed,
                attainment(row.direction, row.target, actual, row.baseline),
                yearly_cut_since(row.baseline, actual, years)
                if row.direction == Direction.LOWER
                else None,
            )
        )
    return result


def report_actuals(plan: Plan, numbers: PlanNumbers | None = None) -> list[ActualRow]:
    """The live report's indicators against their targets."""
    rows = list(IndicatorActual.objects.filter(plan=plan).select_related("indicator"))
    if any(r.derivation for r in rows) and numbers is None:
        numbers = plan_numbers(plan, accounting_for_reading(plan))
    return actual_rows(plan, rows, numbers)
