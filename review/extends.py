"""What review/ adds to the plan's pages below it, connected once at start-up (ReviewConfig.ready):
the sections that wait for the park's answer and the notice on top of a returned plan."""

from plans.rows import register_plan_notices, register_revision_counter
from review.revision import returned_notice, sections_to_revise


def extend_plans() -> None:
    register_revision_counter(sections_to_revise)
    register_plan_notices(returned_notice)
