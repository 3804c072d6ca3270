"""Writes of a plan's numbers: the data tables, the accounting choice, the plan's indicators.

Invariants:
- Table values are stored as the decimal strings the user meant ("1234.5"), keyed by row and
  year; every cell is checked (a number, not negative) and a table with any bad cell saves nothing.
- Saves name the revision they started from (see plans.services); a concurrent save wins nothing.
- The data page saves every table the user changed (and the grid factor) at once, all or nothing
  (`tables_save`): each table under its own revision, and one bad cell or one table someone else
  saved first keeps every table as it was.
- Required catalogue indicators are always in the plan; they cannot be removed.
- The grid factor: the default series for the park's province, or another published one with
  a written reason; each year's factor is pinned when chosen, so a factor published later
  changes no figure until the park recomputes (`accounting_recompute`). See indicators.grid.
- Every change writes an audit row.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEditError, revision_update
from indicators import bounds, grid
from indicators.models import (
    Accounting,
    CoefficientSet,
    CustomFuel,
    Indicator,
    PlanIndicator,
    TableData,
    WorkbookImport,
)
from indicators.tables import TABLES, custom_fuel_key
from indicators.workbook import read_workbook
from parks.audit import audit_record, audited_create, field_changes
from parks.models import AuditEntry
from plans.models import Plan
from plans.services import assert_editable, plan_touch


def cell_name(row: str, year: int | str) -> str:
    """The form field / error key of one table cell."""
    return f"{row}__{year}"


def default_coefficient_set() -> CoefficientSet:
    """The set marked default, else the newest (an admin may be between two defaults)."""
    coefficient_set = CoefficientSet.objects.order_by("-is_default", "-created_at").first()
    if coefficient_set is None:
        raise CoefficientSet.DoesNotExist("No coefficient set: load the seed data (migrate).")
    return coefficient_set


def grid_choice(accounting: Accounting, plan: Plan, *, pinned: bool = True) -> grid.Choice:
    """The plan's grid factor series and each history year's factor (indicators.grid): the
    factors the figures were last computed with (`pinned`), and any published since; or, not
    `pinned`, what the rule picks now."""
    factors = (
        list(accounting.coefficient_set.grid_factors.all()) if accounting.coefficient_set_id else []
    )
    return grid.resolve(
        factors,
        province=plan.park.province,
        scope=accounting.grid_scope,
        region=accounting.grid_region,
        reason=accounting.grid_reason,
        years=plan.data_years,
        pins=accounting.grid_years if pinned else None,
    )


def grid_pins(accounting: Accounting, plan: Plan) -> dict[str, int]:
    """{year: factor pk} the rule picks now for the plan's series."""
    return grid.pins_of(grid_choice(accounting, plan, pinned=False))


def grid_choice_clean(
    *, plan: Plan, coefficient_set: CoefficientSet, series: str, reason: str
) -> tuple[str, str, str]:
    """(scope, region, reason) to store for the series chosen (a key of indicators.grid, or
    grid.DEFAULT). The default is stored as empty (it follows the park's province); any other
    published series needs a written reason; unsourced factors are not series at all."""
    offered = grid.all_series(coefficient_set.grid_factors.all())
    default = grid.default_key(offered, plan.park.province)
    if series in (grid.DEFAULT, default):
        return "", "", ""
    if series not in offered:
        raise ValidationError(
            {"grid_series": _("Choose one of the published grid factors in the list.")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "grid_reason": _(
                    "Say why the park uses this factor instead of the default (%(default)s): "
                    "the reviewer reads the reason."
                )
                % {"default": offered[default].label if default else "—"}
            }
        )
    scope, region = grid.split_key(series)
    return scope, region, reason


def _grid_audit(before: grid.Choice, after: grid.Choice) -> dict:
    """The audit row's changes: the series, the reason and each year's factor."""
    old = {"grid_series": before.label, "grid_reason": before.reason}
    new = {"grid_series": after.label, "grid_reason": after.reason}
    labels = {
        "grid_series": _("grid emission factor"),
        "grid_reason": _("reason for another grid factor"),
    }
    for year in sorted(set(before.years) | set(after.years)):
        key = f"grid_{year}"
        old[key] = before.years[year].label if year in before.years else None
        new[key] = after.years[year].label if year in after.years else None
        labels[key] = _("%(year)s grid emission factor") % {"year": year}
    return field_changes(old, new, labels)


@transaction.atomic
@transaction.atomic
def accounting_carry(*, report: Plan, plan: Plan) -> Accounting:
    """A report's accounting, starting as the approved plan's: the same coefficient set and
    grid factor series with its reason (the choice the reviewers accepted), each data year of
    the report pinned to the factor the rule picks for it now."""
    source = Accounting.objects.filter(plan=plan).first()
    accounting = Accounting(
        plan=report,
        coefficient_set_id=source.coefficient_set_id if source else None,
        grid_scope=source.grid_scope if source else "",
        grid_region=source.grid_region if source else "",
        grid_reason=source.grid_reason if source else "",
    )
    if accounting.coefficient_set_id is None:
        accounting.coefficient_set = default_coefficient_set()
    accounting.grid_years = grid_pins(accounting, report)
    accounting.full_clean(exclude=["plan"])
    accounting.save()
    return accounting


def accounting_get_or_create(*, plan: Plan) -> Accounting:
    accounting = Accounting.objects.select_related("coefficient_set").filter(plan=plan).first()
    if accounting is None:
        accounting = Accounting(plan=plan, coefficient_set=default_coefficient_set())
        accounting.grid_years = grid_pins(accounting, plan)
        accounting, created = Accounting.objects.get_or_create(
            plan=plan,
            defaults={
                "coefficient_set": accounting.coefficient_set,
                "grid_years": accounting.grid_years,
            },
        )
        if created:
            plan_touch(plan=plan)
    return accounting


@transaction.atomic
def accounting_save(
    *,
    plan: Plan,
    actor,
    coefficient_set: CoefficientSet,
    grid_series: str = grid.DEFAULT,
    grid_reason: str = "",
    expected_revision: int,
) -> Accounting:
    """Choose the coefficient set and the grid factor series (with the reason another series
    than the default needs). Every year's factor is picked anew by the rule (indicators.grid)."""
    assert_editable(plan)
    current = Accounting.objects.select_for_update().get(plan=plan)
    if current.revision != expected_revision:
        raise ConcurrentEditError(current)
    scope, region, reason = grid_choice_clean(
        plan=plan, coefficient_set=coefficient_set, series=grid_series, reason=grid_reason
    )
    before = grid_choice(current, plan)
    old_set = current.coefficient_set
    current.coefficient_set = coefficient_set
    current.grid_scope, current.grid_region, current.grid_reason = scope, region, reason
    current.grid_years = grid_pins(current, plan)
    current.revision += 1
    current.save(
        update_fields=[
            "coefficient_set",
            "grid_scope",
            "grid_region",
            "grid_reason",
            "grid_years",
            "revision",
        ]
    )
    plan_touch(plan=plan)
    changes = field_changes(
        {"coefficient_set": old_set},
        {"coefficient_set": coefficient_set},
        {"coefficient_set": _("coefficient set")},
    )
    changes.update(_grid_audit(before, grid_choice(current, plan)))
    audit_record(
        actor=actor,
        park=plan.park,
        target=current,
        action=AuditEntry.Action.UPDATE,
        changes=changes,
    )
    return current


@transaction.atomic
def accounting_recompute(*, plan: Plan, actor, expected_revision: int) -> list[int]:
    """Recompute the live plan's electricity CO2 with the factors published since: every year
    whose figures use a stand-in gets the factor the rule picks now. Frozen versions keep theirs
    (they are snapshots). Returns the years whose factor changed; audited."""
    assert_editable(plan)
    current = (
        Accounting.objects.select_for_update().select_related("coefficient_set").get(plan=plan)
    )
    if current.revision != expected_revision:
        raise ConcurrentEditError(current)
    before = grid_choice(current, plan)
    if not before.stale_years:
        return []
    current.grid_years = grid_pins(current, plan)
    current.revision += 1
    current.save(update_fields=["grid_years", "revision"])
    plan_touch(plan=plan)
    audit_record(
        actor=actor,
        park=plan.park,
        target=current,
        action=AuditEntry.Action.UPDATE,
        changes=_grid_audit(before, grid_choice(current, plan)),
    )
    return before.stale_years


def table_rows(plan: Plan, table_key: str) -> list[str]:
    table = TABLES[table_key]
    if not table.fuel_rows:
        return [row.key for row in table.rows]
    accounting = accounting_get_or_create(plan=plan)
    rows = list(accounting.coefficient_set.fuels.values_list("code", flat=True))
    rows += [
        custom_fuel_key(pk)
        for pk in CustomFuel.objects.filter(plan=plan).values_list("pk", flat=True)
    ]
    return rows


def cell_changes(old_values: dict, new_values: dict):
    """(row, year, old, new) for every cell that differs between two {row: {year: value}}."""
    for row in sorted(set(old_values) | set(new_values)):
        old_row, new_row = old_values.get(row, {}), new_values.get(row, {})
        for year in sorted(set(old_row) | set(new_row)):
            if old_row.get(year) != new_row.get(year):
                yield row, year, old_row.get(year), new_row.get(year)


def row_labels(plan: Plan, table_key: str) -> dict[str, str]:
    """Row key -> the label users read (fuel names for the energy table)."""
    table = TABLES[table_key]
    if not table.fuel_rows:
        return {row.key: row.label for row in table.rows}
    accounting = accounting_get_or_create(plan=plan)
    labels = dict(accounting.coefficient_set.fuels.values_list("code", "name"))
    labels.update(
        {
            custom_fuel_key(pk): name
            for pk, name in CustomFuel.objects.filter(plan=plan).values_list("pk", "name")
        }
    )
    return labels


@dataclass(frozen=True)
class RowSpec:
    """What indicators.bounds needs of a row: its label, its unit, whether it must be above 0."""

    label: str
    unit: str
    positive: bool = False


def row_specs(plan: Plan, table_key: str) -> dict[str, RowSpec]:
    """Row key -> RowSpec; the energy table's from the plan's coefficient set and own fuels."""
    table = TABLES[table_key]
    if not table.fuel_rows:
        return {row.key: RowSpec(row.label, row.unit, row.positive) for row in table.rows}
    accounting = accounting_get_or_create(plan=plan)
    specs = {
        code: RowSpec(name, unit)
        for code, name, unit in accounting.coefficient_set.fuels.values_list("code", "name", "unit")
    }
    specs.update(
        {
            custom_fuel_key(pk): RowSpec(name, unit)
            for pk, name, unit in CustomFuel.objects.filter(plan=plan).values_list(
                "pk", "name", "unit"
            )
        }
    )
    return specs


def clean_table_values(plan: Plan, table_key: str, raw: dict) -> dict:
    """{row: {year: text}} -> {row: {year: "decimal"}}, by the rules of indicators.bounds (the
    data page's and the import's); every bad cell named in one error."""
    if table_key not in TABLES:
        raise ValidationError(_("Unknown table."))
    specs = row_specs(plan, table_key)
    years = {str(y) for y in plan.data_years}
    errors, clean = {}, {}
    for row, cells in raw.items():
        if row not in specs:
            raise ValidationError(_("The table has no row %(row)s.") % {"row": row})
        spec = specs[row]
        for year, text in cells.items():
            if str(year) not in years:
                raise ValidationError(_("The table has no year %(year)s.") % {"year": year})
            if text in (None, "") or str(text).strip() == "":
                continue
            try:
                clean.setdefault(row, {})[str(year)] = bounds.clean_cell(
                    text, unit=spec.unit, positive=spec.positive, label=spec.label
                )
            except bounds.CellRefused as refused:
                errors[cell_name(row, year)] = refused.message
    if errors:
        raise ValidationError(errors)
    return {row: cells for row, cells in clean.items() if cells}


@transaction.atomic
def table_save(*, plan: Plan, table_key: str, values: dict, expected_revision: int, actor):
    assert_editable(plan)
    clean = clean_table_values(plan, table_key, values)
    record, _created = TableData.objects.get_or_create(plan=plan, table=table_key)
    if record.revision != expected_revision:
        raise ConcurrentEditError(record)
    if clean == record.values:
        return record
    updated = revision_update(
        TableData.objects,
        pk=record.pk,
        revision=expected_revision,
        values=clean,
        updated_at=timezone.now(),
        updated_by=actor,
    )
    if not updated:
        raise ConcurrentEditError(TableData.objects.get(pk=record.pk))
    plan_touch(plan=plan)
    labels = row_labels(plan, table_key)
    changes = {
        cell_name(row, year): {
            "label": f"{TABLES[table_key].title} · {labels.get(row, row)} {year}",
            "old": old,
            "new": new,
        }
        for row, year, old, new in cell_changes(record.values, clean)
    }
    audit_record(
        actor=actor, park=plan.park, target=record, action=AuditEntry.Action.UPDATE, changes=changes
    )
    return TableData.objects.get(pk=record.pk)


@dataclass(frozen=True)
class TableEdit:
    """What the user typed into one table: {row: {year: text}}, from the revision they saw."""

    values: dict
    expected_revision: int


@dataclass(frozen=True)
class GridChoiceEdit:
    """The grid factor series chosen on the data page (grid.DEFAULT or a series key) and the
    reason for it, from the accounting revision the user saw."""

    series: str
    reason: str
    expected_revision: int


class TablesNotSaved(Exception):
    """Nothing was saved. `errors`: {table: ValidationError naming its bad cells};
    `conflicts`: {table or "accounting": what is stored now}, for each part someone else saved
    after the user's revision."""

    def __init__(self, *, errors: dict, conflicts: dict):
        super().__init__(f"{len(errors)} tables with errors, {len(conflicts)} conflicts")
        self.errors, self.conflicts = errors, conflicts


def tables_saved_since(plan: Plan, revisions: dict[str, int]) -> dict:
    """{table: stored record} for each table stored at another revision than the one given."""
    records = TableData.objects.select_related("updated_by").filter(
        plan=plan, table__in=list(revisions)
    )
    return {r.table: r for r in records if r.revision != revisions[r.table]}


@transaction.atomic
def tables_save(
    *,
    plan: Plan,
    edits: dict[str, TableEdit],
    actor,
    grid_choice: GridChoiceEdit | None = None,
) -> list[str]:
    """Save the tables the user changed on the data page (and the grid factor), all or nothing.

    Every table is checked before anything is written: its cells (as `table_save`), and its
    revision. If any cell is wrong or anyone saved one of these tables first, nothing is written
    and TablesNotSaved names every bad cell and every conflict at once, so the page can show
    them all with everything the user typed. Saving only the good tables would leave the
    derived figures (intensities divide one table by another) computed from half an edit, and
    one save that half-happens is hard to read. Returns the keys of the parts that changed."""
    assert_editable(plan)
    errors = {}
    for key, edit in edits.items():
        try:
            clean_table_values(plan, key, edit.values)
        except ValidationError as error:
            errors[key] = error
    conflicts = tables_saved_since(
        plan, {key: edit.expected_revision for key, edit in edits.items()}
    )
    accounting = None
    if grid_choice is not None:
        accounting = accounting_get_or_create(plan=plan)
        if accounting.revision != grid_choice.expected_revision:
            conflicts["accounting"] = accounting
        try:
            grid_choice_clean(
                plan=plan,
                coefficient_set=accounting.coefficient_set,
                series=grid_choice.series,
                reason=grid_choice.reason,
            )
        except ValidationError as error:
            errors["accounting"] = error
    if errors or conflicts:
        raise TablesNotSaved(errors=errors, conflicts=conflicts)
    saved = []
    for key, edit in edits.items():
        try:
            record = table_save(
                plan=plan,
                table_key=key,
                values=edit.values,
                expected_revision=edit.expected_revision,
                actor=actor,
            )
        except ConcurrentEditError as conflict:  # saved between the check and now
            raise TablesNotSaved(errors={}, conflicts={key: conflict.current}) from None
        if record.revision != edit.expected_revision:
            saved.append(key)
    if accounting is not None:
        try:
            accounting_save(
                plan=plan,
                actor=actor,
                coefficient_set=accounting.coefficient_set,
                grid_series=grid_choice.series,
                grid_reason=grid_choice.reason,
                expected_revision=grid_choice.expected_revision,
            )
        except ConcurrentEditError as conflict:
            raise TablesNotSaved(errors={}, conflicts={"accounting": conflict.current}) from None
        saved.append("accounting")
    return saved


@transaction.atomic
def plan_indicators_ensure(*, plan: Plan) -> None:
    """Every required, active catalogue indicator is in the plan (added in catalogue order)."""
    have = set(
        PlanIndicator.objects.filter(plan=plan, indicator__isnull=False).values_list(
            "indicator_id", flat=True
        )
    )
    position = PlanIndicator.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0
    for indicator in Indicator.objects.filter(required=True, is_active=True):
        if indicator.pk not in have:
            position += 1
            PlanIndicator.objects.create(plan=plan, indicator=indicator, position=position)
            plan_touch(plan=plan)


@transaction.atomic
def plan_indicator_add(*, plan: Plan, actor, indicator: Indicator | None = None, **custom):
    assert_editable(plan)
    if (
        indicator is not None
        and PlanIndicator.objects.filter(plan=plan, indicator=indicator).exists()
    ):
        raise ValidationError({"indicator": _("The plan already has this indicator.")})
    position = (PlanIndicator.objects.filter(plan=plan).aggregate(m=Max("position"))["m"] or 0) + 1
    row = PlanIndicator(plan=plan, indicator=indicator, position=position, **custom)
    if indicator is None and not custom.get("custom_direction"):
        raise ValidationError({"custom_direction": _("Say whether lower or higher is better.")})
    plan_touch(plan=plan)
    return audited_create(row, actor=actor, park=plan.park, labels={"name": _("indicator")})


def assert_removable(plan_indicator: PlanIndicator) -> None:
    if plan_indicator.indicator_id and plan_indicator.indicator.required:
        raise ValidationError(_("A required indicator cannot be removed from the plan."))


# --- Excel round-trip ---------------------------------------------------------------------


class WorkbookErrors(Exception):
    """Cells that are wrong: nothing is kept; every error is listed for the user."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@transaction.atomic
def workbook_import_create(*, plan: Plan, actor, upload):
    """Read and check an uploaded workbook; keep it, unapplied, for the user to confirm."""
    assert_editable(plan)
    specs = {key: row_specs(plan, key) for key in TABLES}
    values, errors, notices = read_workbook(
        plan,
        upload,
        rows_by_table={key: list(rows) for key, rows in specs.items()},
        specs_by_table=specs,
    )
    if errors:
        raise WorkbookErrors(errors)
    for key, table_values in values.items():
        try:
            clean_table_values(plan, key, table_values)
        except ValidationError as error:
            raise WorkbookErrors([str(m) for m in error.messages]) from None
    records = {t.table: t for t in TableData.objects.filter(plan=plan)}
    merged = {
        key: _merge_import(records[key].values if key in records else {}, values.get(key, {}))
        for key in TABLES
    }
    pending = WorkbookImport.objects.create(
        plan=plan,
        uploaded_by=actor,
        filename=upload.name[:200],
        values=merged,
        revisions={key: records[key].revision if key in records else 0 for key in TABLES},
    )
    pending.notices = notices  # the units converted, for the page that follows (not stored)
    return pending


def _merge_import(current: dict, read: dict) -> dict:
    """Rows the workbook has replace the stored rows (a cleared cell clears the value); rows it
    lacks (a fuel added after the download) stay. A number Excel gives back as a float equal to
    the stored one keeps the stored spelling and precision ("0.1234567890123456789" stays)."""
    merged = {row: dict(cells) for row, cells in current.items() if row not in read}
    for row, cells in read.items():
        kept = {}
        for year, value in cells.items():
            stored = current.get(row, {}).get(year)
            same = stored is not None and float(Decimal(stored)) == float(Decimal(value))
            kept[year] = stored if same else value
        if kept:
            merged[row] = kept
    return merged


def workbook_changes(pending) -> dict[str, list[tuple[str, str, str | None, str | None]]]:
    """What confirming would change: {table: [(row, year, old, new)]}."""
    current = {t.table: t.values for t in TableData.objects.filter(plan=pending.plan)}
    changes = {}
    for key, new_values in pending.values.items():
        diff = list(cell_changes(current.get(key, {}), new_values))
        if diff:
            changes[key] = diff
    return changes


@transaction.atomic
def workbook_import_apply(*, pending, actor) -> int:
    """Apply a confirmed import; all tables or none. Returns the number of tables changed."""
    pending = WorkbookImport.objects.select_for_update().get(pk=pending.pk)
    if pending.status != WorkbookImport.Status.PENDING:
        raise ValidationError(_("This upload was already applied or discarded."))
    changed = 0
    for key in workbook_changes(pending):
        table_save(
            plan=pending.plan,
            table_key=key,
            values=pending.values[key],
            expected_revision=pending.revisions.get(key, 0),
            actor=actor,
        )
        changed += 1
    pending.status = WorkbookImport.Status.APPLIED
    pending.save(update_fields=["status"])
    return changed


def workbook_import_discard(*, pending) -> None:
    WorkbookImport.objects.filter(pk=pending.pk, status=WorkbookImport.Status.PENDING).update(
        status=WorkbookImport.Status.DISCARDED
    )
