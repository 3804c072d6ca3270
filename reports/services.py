"""Starting a report that follows an approved plan up, carried forward so nothing is typed twice.

A report is a plan of another kind (plans.models.Plan.Kind) on its own outline: once started it
is written, checked, submitted, reviewed and printed like the plan. What it starts with:
- from the approved version (its frozen snapshot, documents.schema): each indicator with its
  2020 baseline and the data year's target (the final evaluation: the period's last year), each
  key task with the year's milestone and department, each key project with its planned period
  and investment;
- from the previous year's approved report (the final evaluation: the latest approved annual
  report): each task's and project's status, notes and reasons, the projects' actual dates and
  cumulative investment executed, and the projects added during implementation.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import to_decimal
from documents.schema import Frozen
from indicators.attainment import CO2_INTENSITY, derived_actual
from indicators.models import IndicatorActual
from indicators.services import accounting_carry
from parks.audit import audited_create
from parks.roles import Perm, has_perm
from plans.models import Plan, ProgressStatus, ProjectProgress, Section, TaskProgress
from plans.outline import outline_for
from plans.status import State
from reports import schedule


def _approved_version(plan: Plan):
    """The version the plan was approved on: its latest (nothing is frozen after approval)."""
    return plan.versions.order_by("-number").first()


def _previous_report(plan: Plan, kind: str, data_year: int | None) -> Plan | None:
    reports = Plan.objects.filter(follows=plan, kind=Plan.Kind.ANNUAL, status=State.APPROVED)
    if kind == Plan.Kind.ANNUAL:
        reports = reports.filter(data_year__lt=data_year)
    return reports.order_by("-data_year").first()


def _rows_by_origin(frozen: Frozen | None, slug: str) -> tuple[dict[int, dict], list[dict]]:
    """A report's frozen rows of `slug`: those carried from the plan by the plan row's id, and
    those added during implementation."""
    carried, added = {}, []
    for row in frozen.rows(slug) if frozen else []:
        values = dict(row.values)
        origin = values.pop("carried_from", None)
        if origin is None:
            added.append(values)
        else:
            carried[origin] = values
    return carried, added


@transaction.atomic
def report_start(*, plan: Plan, kind: str, data_year: int | None, actor) -> Plan:
    """Start the annual report of `data_year` (or the final evaluation) of an approved plan,
    pre-filled. Checks the right itself: park staff who may edit, within their park."""
    if not has_perm(actor, Perm.EDIT_PLAN):
        raise PermissionDenied
    plan = (
        Plan.objects.visible_to(actor)
        .select_for_update()
        .select_related("park", "cycle")
        .filter(pk=plan.pk, kind=Plan.Kind.PLAN)
        .first()
    )
    if plan is None:
        raise PermissionDenied
    if plan.status != State.APPROVED:
        raise ValidationError(_("Reports follow an approved plan: this plan is not approved."))
    today = timezone.localdate()
    owed = {item.key: item for item in schedule.owed(plan.cycle, today=today)}
    if (kind, data_year) not in owed:
        raise ValidationError(_("This report is not due: its data year is not over yet."))
    year = data_year if kind == Plan.Kind.ANNUAL else plan.cycle.plan_end_year
    report = Plan(
        park=plan.park,
        cycle=plan.cycle,
        kind=kind,
        follows=plan,
        data_year=data_year,
        due_date=owed[(kind, data_year)].due,
        outline_version=Plan.OUTLINES[kind],
    )
    try:
        with transaction.atomic():
            audited_create(report, actor=actor, park=plan.park, labels={"kind": _("kind")})
    except (IntegrityError, ValidationError) as error:
        if isinstance(error, ValidationError) and "__all__" not in error.message_dict:
            raise
        raise ValidationError(_("This report has already been started.")) from error
    outline = outline_for(report.outline_version)
    Section.objects.bulk_create(Section(plan=report, key=entry.key) for entry in outline.sections)

    version = _approved_version(plan)
    frozen = version.frozen if version else None
    previous = _previous_report(plan, kind, data_year)
    previous_version = _approved_version(previous) if previous else None
    before = previous_version.frozen if previous_version else None
    accounting_carry(report=report, plan=plan)
    _carry_indicators(report, frozen, before, year)
    _carry_tasks(report, frozen, before, year)
    _carry_projects(report, frozen, before)
    # what the progress was carried from, for the park to read (not stored)
    report.carried_from_year = previous.data_year if previous else None
    return report


def _earlier_actuals(report: Plan, before: Frozen | None) -> dict[int, dict]:
    """The previous approved report's actuals by the plan indicator they follow up: its own
    earlier years and its year's actual (typed, or computed from its tables as its document
    did), as {"2022": "0.163", "2023": "0.158"}."""
    if before is None:
        return {}
    year, base_year = before.plan.data_year, report.cycle.base_year
    rows = before.rows("actuals")
    co2_baseline = next(
        (to_decimal(r.get("baseline")) for r in rows if r.get("derivation") == CO2_INTENSITY),
        None,
    )

    def series_of(key, at):
        return to_decimal(before.derived(key).get(str(at)))

    result = {}
    for row in rows:
        derivation = row.get("derivation") or ""
        actual = (
            derived_actual(derivation, series_of, year, base_year, co2_baseline)
            if derivation
            else to_decimal(row.get("actual"))
        )
        history = dict(row.get("earlier") or {})
        if actual is not None:
            history[str(year)] = str(actual)
        result[row.get("carried_from")] = history
    return result


def _carry_indicators(
    report: Plan, frozen: Frozen | None, before: Frozen | None, year: int
) -> None:
    earlier = _earlier_actuals(report, before)
    rows = []
    for position, item in enumerate(frozen.indicators if frozen else [], start=1):
        baseline = to_decimal(item.baseline)
        if baseline is None:
            baseline = to_decimal(item.derived_baseline)
        rows.append(
            IndicatorActual(
                plan=report,
                position=position,
                indicator_id=item.indicator_id,
                name=item.name,
                unit=item.unit,
                direction=item.direction,
                derivation=item.derivation,
                baseline=baseline,
                target=item.target(year),
                carried_from=item.id,
                planned=dict(item.targets or {}),
                earlier=earlier.get(item.id, {}),
            )
        )
    IndicatorActual.objects.bulk_create(rows)


def _carry_tasks(report: Plan, frozen: Frozen | None, before: Frozen | None, year: int) -> None:
    earlier, added = _rows_by_origin(before, "task_progress")
    rows = []
    for task in frozen.rows("tasks") if frozen else []:
        last = earlier.get(task.id, {})
        status = last.get("status") or ProgressStatus.IN_PROGRESS
        if status == ProgressStatus.ON_SCHEDULE and report.kind == Plan.Kind.ANNUAL:
            status = ProgressStatus.IN_PROGRESS  # a new year's milestone starts open
        rows.append(
            TaskProgress(
                name=task.get("name", ""),
                group=task.get("group", "other"),
                milestone=(task.get("yearly") or {}).get(str(year), ""),
                department=task.get("department", ""),
                status=status,
                reason=last.get("reason", "") if status in (ProgressStatus.CANCELLED,) else "",
                carried_from=task.id,
            )
        )
    rows += [TaskProgress(**_fields(TaskProgress, values)) for values in added]
    for position, row in enumerate(rows, start=1):
        row.plan, row.position = report, position
    TaskProgress.objects.bulk_create(rows)


def _carry_projects(report: Plan, frozen: Frozen | None, before: Frozen | None) -> None:
    earlier, added = _rows_by_origin(before, "project_progress")
    rows = []
    for project in frozen.rows("projects") if frozen else []:
        last = earlier.get(project.id, {})
        rows.append(
            ProjectProgress(
                name=project.get("name", ""),
                implementer=project.get("implementer", ""),
                planned_start_year=project.get("start_year"),
                planned_end_year=project.get("end_year"),
                planned_investment=to_decimal(project.get("investment")) or 0,
                status=last.get("status") or _project_status(project.get("status")),
                actual_start=_date(last.get("actual_start")),
                actual_finish=_date(last.get("actual_finish")),
                invested=to_decimal(last.get("invested")) or 0,
                invested_government=to_decimal(last.get("invested_government")) or 0,
                note=last.get("note", ""),
                reason=last.get("reason", ""),
                carried_from=project.id,
            )
        )
    rows += [ProjectProgress(**_fields(ProjectProgress, values)) for values in added]
    for position, row in enumerate(rows, start=1):
        row.plan, row.position = report, position
    ProjectProgress.objects.bulk_create(rows)


def _project_status(planned: str | None) -> str:
    """The plan's project status (planned / under construction / completed) as progress."""
    return {
        "under_construction": ProjectProgress.Status.UNDER_CONSTRUCTION,
        "completed": ProjectProgress.Status.COMPLETED,
    }.get(planned or "", ProjectProgress.Status.NOT_STARTED)


def _date(value) -> datetime.date | None:
    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _fields(model, values: dict) -> dict:
    """A frozen row's values that are fields of `model` (a row added during implementation)."""
    names = {f.name for f in model._meta.concrete_fields} - {"id", "plan", "position"}
    result = {k: v for k, v in values.items() if k in names}
    for name in ("actual_start", "actual_finish"):
        if name in result:
            result[name] = _date(result[name])
    for name in ("planned_investment", "invested", "invested_government"):
        if name in result:
            result[name] = to_decimal(result[name]) or 0
    return result
