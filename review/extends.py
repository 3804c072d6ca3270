"""What review/ adds to the plan's pages below it, connected once at start-up (ReviewConfig.ready):
the sections that wait for the park's answer and the notice on top of a returned plan; and the
models whose writes renew the review queue kept in the shared cache (core.fragments)."""

from core.fragments import bump_on_change
from parks.models import Park, Province, User
from plans.models import Cycle, Plan
from plans.rows import register_plan_notices, register_revision_counter
from review.models import Version
from review.revision import returned_notice, sections_to_revise

# the review queue's content (review.views.QueueView): the plans in the workflow, their parks and
# provinces, versions, reviewers, the cycles; the filter's lists of provinces, cycles, reviewers
QUEUE = "review-queue"


def extend_plans() -> None:
    register_revision_counter(sections_to_revise)
    register_plan_notices(returned_notice)


def connect_fragments() -> None:
    bump_on_change(
        (QUEUE,), Plan, Version, Park, Province, Cycle, User, ignore_fields={"last_login"}
    )
