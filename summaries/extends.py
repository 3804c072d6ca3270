"""The models whose writes renew the dashboards kept in the shared cache (core.fragments),
connected once at start-up (SummariesConfig.ready)."""

from core.fragments import bump_on_change
from parks.models import Park, Province, User
from plans.models import Cycle, Plan
from review.models import Comment, StatusChange, Version
from summaries.models import SummarySnapshot

# the dashboard's content (summaries.views.DashboardView): parks and provinces, the plans'
# states, the returns and the comments of the returned versions, the standing versions and
# their figures, the cycles and the named snapshots (and the versions each holds)
DASHBOARD = "summaries-dashboard"


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
