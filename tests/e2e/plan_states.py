"""The demo plan taken around the revision loop by the workflow's own services, for the browser
tests that read its pages: submitted (v1), returned with a comment the park answers, then
changed and submitted again (v2) and taken up by the province."""

from plans import services as plan_services
from plans.models import Plan, Section
from review.models import Comment
from review.services import comment_post, transition_apply

RETURN_COMMENT = "请补充重点建设项目的资金来源。"
ANSWER = "已在第四章补充资金来源。"
ADDED_TEXT = "（已按审核意见补充资金来源）"


def return_with_a_comment(world, plan: Plan) -> None:
    """v1 submitted by park A's manager, returned by the province with a comment that the park
    has answered: the park may edit again."""
    transition_apply(plan=plan, action="submit", actor=world.manager_a, declared=True)
    transition_apply(plan=plan, action="start", actor=world.reviewer_a)
    transition_apply(
        plan=plan,
        action="return",
        actor=world.reviewer_a,
        reasons=["content"],
        comment=RETURN_COMMENT,
        opinion="请按意见修改后重新提交。",
        acknowledged=True,
    )
    comment = Comment.objects.get(version__plan=plan, parent=None)
    comment_post(
        version=comment.version,
        actor=world.manager_a,
        body=ANSWER,
        anchor=comment.anchor,
        parent=comment,
    )


def resubmit_changed(world, plan: Plan) -> None:
    """Section 1.1 changed, v2 submitted, and the province reviewing it."""
    section = Section.objects.get(plan=plan, key="1.1")
    plan_services.section_save(
        plan=plan,
        key="1.1",
        body=section.body.replace("</p>", ADDED_TEXT + "</p>", 1),
        expected_revision=section.revision,
        actor=world.editor_a,
    )
    transition_apply(plan=plan, action="submit", actor=world.manager_a, declared=True)
    transition_apply(plan=plan, action="start", actor=world.reviewer_a)


def approve(world, plan: Plan) -> None:
    """The plan submitted, forwarded by its province and approved by the national reviewer."""
    for action, actor in (
        ("submit", world.manager_a),
        ("start", world.reviewer_a),
        ("forward", world.reviewer_a),
        ("start", world.national),
        ("approve", world.national),
    ):
        transition_apply(
            plan=plan,
            action=action,
            actor=actor,
            declared=True,
            opinion="同意。",
            acknowledged=True,
        )
    plan.refresh_from_db()
