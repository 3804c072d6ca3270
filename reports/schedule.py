"""Which reports an approved plan owes and when each is due.

An annual implementation report per data year of the plan period, once the year is over; the
final evaluation once the period is over. By default a report is due in the spring after its
data year (31 March; the final evaluation, whose data are the whole period, on 30 June); the
national admins set other dates per cycle and kind as data (reports.models.ReportDeadline).
"""

import datetime
from dataclasses import dataclass

from plans.models import Cycle, Plan
from reports.models import ReportDeadline

ANNUAL_DUE = (3, 31)  # month, day of the year after the data year
FINAL_DUE = (6, 30)  # month, day of the year after the plan period


@dataclass(frozen=True)
class Owed:
    """A report the plan owes: its kind, data year (None for the final evaluation), due date."""

    kind: str
    data_year: int | None
    due: datetime.date

    @property
    def key(self) -> tuple[str, int | None]:
        return self.kind, self.data_year


def default_due(cycle: Cycle, kind: str, data_year: int | None) -> datetime.date:
    if kind == Plan.Kind.ANNUAL:
        return datetime.date(data_year + 1, *ANNUAL_DUE)
    return datetime.date(cycle.plan_end_year + 1, *FINAL_DUE)


def owed(cycle: Cycle, *, today: datetime.date) -> list[Owed]:
    """The reports an approved plan of the cycle owes as of `today`: every data year of the
    period that is over, and the final evaluation once the period is over."""
    return owed_by_cycle([cycle], today=today)[cycle.pk]


def owed_by_cycle(cycles, *, today: datetime.date) -> dict[int, list[Owed]]:
    """`owed` for several cycles at once (one query for the admin-set dates, however many
    cycles and plans): {cycle id: the reports an approved plan of that cycle owes}."""
    cycles = {c.pk: c for c in cycles}
    set_dates = {
        (d.cycle_id, d.kind, d.data_year): d.due_date
        for d in ReportDeadline.objects.filter(cycle_id__in=list(cycles))
    }
    result = {}
    for pk, cycle in cycles.items():
        reports = [(Plan.Kind.ANNUAL, year) for year in cycle.plan_years if year < today.year]
        if cycle.plan_end_year < today.year:
            reports.append((Plan.Kind.FINAL, None))
        result[pk] = [
            Owed(kind, year, set_dates.get((pk, kind, year)) or default_due(cycle, kind, year))
            for kind, year in reports
        ]
    return result
