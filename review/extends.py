"""What review/ adds to the plan's pages below it, connected once at start-up (ReviewConfig.ready):
the sections that wait for the park's answer and the notice on top of a returned plan; and the
models whose writes renew the review queue and the version pages' comment threads kept in the
shared cache (core.fragments)."""

from django.db.models.signals import post_delete, post_save

from core.fragments import bump_on_change
from parks.models import Park, Province, User
from plans.models import Cycle, Plan
from plans.rows import register_plan_notices, register_revision_counter
from review.models import Comment, Version
from review.revision import returned_notice, sections_to_revise
from review.version_page import comments_changed

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
    post_save.connect(_comment_written, sender=Comment, dispatch_uid="review:threads:save")
    post_delete.connect(_comment_written, sender=Comment, dispatch_uid="review:threads:delete")


def _comment_written(sender, instance: Comment, **kwargs) -> None:
    if Comment.version.is_cached(instance):
        plan_id = instance.version.plan_id
    else:  # a comment saved by its id alone; deleted with its version, the page is gone too
        plan_id = Version.objects.filter(pk=instance.version_id).values_list("plan_id").first()
        plan_id = plan_id and plan_id[0]
    comments_changed(plan_id)
