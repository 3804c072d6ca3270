"""The models whose writes renew the summaries' pages kept in the shared cache (core.fragments),
connected once at start-up (SummariesConfig.ready)."""

from core.fragments import bump_on_change
from parks.models import Park, Province, User
from plans.models import Cycle, Plan
from reports.models import ReportDeadline
from review.models import Comment, StatusChange, Version
from summaries.models import SummarySnapshot

# the dashboard's content (summaries.views.DashboardView): parks and provinces, the plans'
# states, the returns and the comments of the returned versions, the standing versions and
# their figures, the cycles and the named snapshots (and the versions each holds)
DASHBOARD = "summaries-dashboard"

# the actuals page's content (summaries.views.ActualsView, summaries.actuals): the figures come
# from the approved reports' frozen versions only (their data tables, actuals, projects and the
# CO2 figures as frozen, with the coefficients and grid factors of the day), so a draft's
# actuals, data tables or projects, the coefficient sets and the grid factors change nothing on
# it until a version is frozen; what does: the plans' and reports' states (approval, submission,
# return, a report started), the versions, the parks (name, province) and provinces, the cycles
# (years, name), the admin-set due dates, the named snapshots (the filter's list, their versions)
ACTUALS = "summaries-actuals"


def connect_fragments() -> None:
    bump_on_change(
        (DASHBOARD,),
        Park,
        Province,
        User,
        Cycle,
        Plan,
        Version,
        StatusChange,
        Comment,
        SummarySnapshot,
        ignore_fields={"last_login"},
    )
    bump_on_change(
        (ACTUALS,), Park, Province, Cycle, Plan, Version, ReportDeadline, SummarySnapshot
    )
