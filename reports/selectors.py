"""Reads of the reports that follow a plan up, scoped to the user; they never write."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from plans.models import Plan
from plans.status import State
from reports import schedule


@dataclass(frozen=True)
class ReportLine:
    """A report the plan owes: started (`report`) or not yet, and whether it is late."""

    owed: schedule.Owed
    report: Plan | None
    today: datetime.date

    @property
    def title(self) -> str:
        if self.owed.kind == Plan.Kind.ANNUAL:
            return f"{self.owed.data_year}年度实施情况报告"
        return str(Plan.Kind.FINAL.label)

    @property
    def is_overdue(self) -> bool:
        done = self.report is not None and self.report.status not in (
            State.DRAFT,
            State.RETURNED,
        )
        return not done and self.today > self.owed.due

    @property
    def days_left(self) -> int:
        return (self.owed.due - self.today).days


def report_lines(*, user, plan: Plan, today: datetime.date | None = None) -> list[ReportLine]:
    """What an approved plan owes and what has been started, in the order they fall due. A plan
    that is not approved owes nothing yet."""
    if plan.kind != Plan.Kind.PLAN or plan.status != State.APPROVED:
        return []
    today = today or timezone.localdate()
    started = {
        (r.kind, r.data_year): r
        for r in Plan.objects.visible_to(user)
        .filter(follows=plan)
        .only("pk", "kind", "data_year", "status", "due_date", "updated_at", "follows_id")
    }
    return [
        ReportLine(item, started.get(item.key), today)
        for item in schedule.owed(plan.cycle, today=today)
    ]
