"""Reads of the reports that follow a plan up, scoped to the user; they never write."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan, document_title
from plans.status import State
from reports import schedule


class ReportState(models.TextChoices):
    """Where an owed report stands, as the schedule's lists show it."""

    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    RETURNED = "returned", _("Returned for revision")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")


# A report in one of these states has been handed in: it is no longer late, nor reminded.
HANDED_IN = frozenset({ReportState.IN_REVIEW, ReportState.APPROVED})


def report_state(report: Plan | None) -> ReportState:
    if report is None:
        return ReportState.NOT_STARTED
    if report.status in (State.DRAFT, State.RETURNED, State.APPROVED):
        return ReportState(report.status)
    return ReportState.IN_REVIEW


def report_title(owed: schedule.Owed) -> str:
    """An owed report's name among its plan's reports (plans.models.document_title)."""
    return document_title(owed.kind, data_year=owed.data_year, short=True)


def report_code(owed: schedule.Owed) -> str:
    """The report filter's value: annual-2024, final."""
    return f"{owed.kind}-{owed.data_year}" if owed.data_year else str(owed.kind)


@dataclass(frozen=True)
class ReportLine:
    """A report the plan owes: started (`report`) or not yet, and whether it is late."""

    owed: schedule.Owed
    report: Plan | None
    today: datetime.date

    @property
    def title(self) -> str:
        return report_title(self.owed)

    @property
    def state(self) -> ReportState:
        return report_state(self.report)

    @property
    def is_handed_in(self) -> bool:
        return self.state in HANDED_IN

    @property
    def is_overdue(self) -> bool:
        return not self.is_handed_in and self.today > self.owed.due

    @property
    def days_left(self) -> int:
        return (self.owed.due - self.today).days

    @property
    def days_late(self) -> int:
        return -self.days_left


def report_lines(*, user, plan: Plan, today: datetime.date | None = None) -> list[ReportLine]:
    """What an approved plan owes and what has been started, in the order they fall due. A plan
    that is not approved owes nothing yet; one reopened after approval keeps the reports it
    has (they stay listed, and reachable, while the plan is revised)."""
    if plan.kind != Plan.Kind.PLAN:
        return []
    today = today or timezone.localdate()
    started = {
        (r.kind, r.data_year): r
        for r in Plan.objects.visible_to(user)
        .filter(follows=plan)
        .only("pk", "kind", "data_year", "status", "due_date", "updated_at", "follows_id")
    }
    if plan.status != State.APPROVED:
        owed = [i for i in schedule.owed(plan.cycle, today=today) if i.key in started]
        return [ReportLine(item, started[item.key], today) for item in owed]
    return [
        ReportLine(item, started.get(item.key), today)
        for item in schedule.owed(plan.cycle, today=today)
    ]


# --- the schedule across parks: what is due and overdue, for reviewers and admins --------------


@dataclass(frozen=True)
class DueLine(ReportLine):
    """An owed report of one park's approved plan."""

    plan: Plan | None = None

    @property
    def park(self):
        return self.plan.park


@dataclass(frozen=True)
class DueList:
    """The owed reports, in the order they fall due, and the report filter's choices."""

    lines: list[DueLine]
    reports: list[tuple[str, str]]  # (code, title): annual-2021 ... final

    def filtered(
        self, *, report: str = "", province: str = "", state: str = "", overdue: bool = False
    ) -> "DueList":
        lines = self.lines
        if report:
            lines = [line for line in lines if report_code(line.owed) == report]
        if province:
            lines = [line for line in lines if line.park.province.code == province]
        if state:
            lines = [line for line in lines if line.state == state]
        if overdue:
            lines = [line for line in lines if line.is_overdue]
        return DueList(lines=lines, reports=self.reports)

    @property
    def counts(self) -> dict[str, int]:
        """Owed (due), late (overdue), handed in (submitted: in review or approved), approved."""
        return {
            "due": len(self.lines),
            "overdue": sum(line.is_overdue for line in self.lines),
            "submitted": sum(line.is_handed_in for line in self.lines),
            "approved": sum(line.state == ReportState.APPROVED for line in self.lines),
        }


def owed_lines(plans, reports, *, today: datetime.date) -> list[DueLine]:
    """The reports the approved `plans` owe, each with the report started for it among
    `reports` (a queryset of reports, narrowed here to those following the plans), in the order
    they fall due. Two queries besides the plans', however many: the admin-set due dates of
    their cycles, the reports started."""
    plans = list(plans)
    owed = schedule.owed_by_cycle({p.cycle for p in plans}, today=today)
    started = {
        (r.follows_id, r.kind, r.data_year): r
        for r in reports.filter(follows__in=[p.pk for p in plans]).only(
            "pk", "kind", "data_year", "status", "due_date", "updated_at", "follows_id"
        )
    }
    lines = [
        DueLine(item, started.get((plan.pk, *item.key)), today, plan)
        for plan in plans
        for item in owed[plan.cycle_id]
    ]
    lines.sort(key=lambda line: line.owed.due)  # stable: the plans' order within a date
    return lines


def approved_plans(plans):
    """The approved plans (not reports) of active parks among `plans`, with their parks,
    provinces and cycles, by province and park."""
    return (
        plans.filter(kind=Plan.Kind.PLAN, status=State.APPROVED, park__is_active=True)
        .select_related("park__province", "cycle")
        .order_by("park__province__code", "park__name", "cycle__plan_start_year")
    )


def due_reports(*, user, today: datetime.date | None = None) -> DueList:
    """Every report owed by the approved plans of the active parks the user may see, with its
    state, in the order they fall due (by province and park within a date). Three queries,
    however many parks."""
    visible = Plan.objects.visible_to(user)
    lines = owed_lines(approved_plans(visible), visible, today=today or timezone.localdate())
    reports = sorted(
        {report_code(line.owed): line.title for line in lines}.items(),
        key=lambda item: (item[0].startswith("final"), item[0]),
    )
    return DueList(lines=lines, reports=reports)
