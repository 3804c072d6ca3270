"""Who may do which review write, checked by the service itself: every role (and an outsider of
another park or province) × every review write (comment, reply, resolve, reopen a comment,
assign, each transition of the workflow, returning being the one that publishes comments to the
park). A role without the right gets PermissionDenied and nothing is written; a role with it
writes. The expectations are the table below, written from the rules, not read from the code."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from notifications.models import Notification
from plans.models import Plan
from plans.status import State
from review.models import Comment, StatusChange, Version
from review.services import (
    comment_add,
    comment_post,
    comment_resolve,
    plan_assign,
    transition_apply,
)
from review.workflow import TRANSITIONS
from tests.review.helpers import ACTION_DATA, text_of

PERSONAS = ("editor_a", "manager_a", "reviewer_a", "national", "admin", "editor_b", "reviewer_b")

# Who may do each write on park A's plan (editor_b and reviewer_b are outsiders: never).
MAY: dict[str, frozenset[str]] = {
    # comments on the version: reviewers start threads; reviewers and park A's staff answer and
    # resolve those sent to the park; the national admin writes none
    "comment": frozenset({"reviewer_a", "national"}),
    "reply": frozenset({"editor_a", "manager_a", "reviewer_a", "national"}),
    "resolve": frozenset({"editor_a", "manager_a", "reviewer_a", "national"}),
    "unresolve": frozenset({"editor_a", "manager_a", "reviewer_a", "national"}),
    "reply-unsent": frozenset({"reviewer_a", "national"}),
    "resolve-unsent": frozenset({"reviewer_a", "national"}),
    # assignment: a reviewer of the body holding the plan, or a national admin
    "assign-province": frozenset({"reviewer_a", "admin"}),
    "assign-national": frozenset({"national", "admin"}),
    # the workflow's rows: the park manager, the province's reviewer, the national reviewer
    "submit-draft": frozenset({"manager_a"}),
    "submit-returned": frozenset({"manager_a"}),
    "withdraw": frozenset({"manager_a"}),
    "start-province": frozenset({"reviewer_a"}),
    "forward": frozenset({"reviewer_a"}),
    "return-province": frozenset({"reviewer_a"}),
    "start-national": frozenset({"national"}),
    "approve": frozenset({"national"}),
    "return-national": frozenset({"national"}),
    "reopen": frozenset({"national"}),
}


@dataclass(frozen=True)
class Write:
    state: str  # park A's plan is put in this state first
    comment: str = ""  # a reviewer's comment on version 1: "sent" to the park, "unsent", "resolved"
    action: str = ""  # a transition
    ready: bool = False  # the plan passes the submission checklist


WRITES: dict[str, Write] = {
    "comment": Write(State.PROVINCE_REVIEW),
    "reply": Write(State.RETURNED, comment="sent"),
    "resolve": Write(State.RETURNED, comment="sent"),
    "unresolve": Write(State.RETURNED, comment="resolved"),
    "reply-unsent": Write(State.PROVINCE_REVIEW, comment="unsent"),
    "resolve-unsent": Write(State.PROVINCE_REVIEW, comment="unsent"),
    "assign-province": Write(State.SUBMITTED),
    "assign-national": Write(State.FORWARDED),
    "submit-draft": Write(State.DRAFT, action="submit", ready=True),
    "submit-returned": Write(State.RETURNED, action="submit", ready=True),
    "withdraw": Write(State.SUBMITTED, action="withdraw"),
    "start-province": Write(State.SUBMITTED, action="start"),
    "forward": Write(State.PROVINCE_REVIEW, action="forward"),
    "return-province": Write(State.PROVINCE_REVIEW, action="return"),
    "start-national": Write(State.FORWARDED, action="start"),
    "approve": Write(State.NATIONAL_REVIEW, action="approve"),
    "return-national": Write(State.NATIONAL_REVIEW, action="return"),
    "reopen": Write(State.APPROVED, action="reopen"),
}

CASES = [
    pytest.param(write, persona, id=f"{write}-{persona}")
    for write in WRITES
    for persona in PERSONAS
]


def stage(world, plan_in, write: Write) -> SimpleNamespace:
    """Park A's plan in the write's state, with version 1 and the comment the write needs."""
    plan = plan_in(write.state, ready=write.ready)
    version = Version.objects.filter(plan=plan).order_by("-number").first()
    comment = None
    if write.comment:
        comment = comment_add(
            version=version, actor=world.reviewer_a, body="基准值请核对。", anchor="plan"
        )
        Comment.objects.filter(pk=comment.pk).update(
            published=write.comment != "unsent", is_resolved=write.comment == "resolved"
        )
        comment.refresh_from_db()
    return SimpleNamespace(plan=plan, version=version, comment=comment)


def perform(name: str, write: Write, world, staged, actor) -> None:
    """The write, through its service."""
    if write.action:
        transition_apply(
            plan=staged.plan, action=write.action, actor=actor, **ACTION_DATA.get(write.action, {})
        )
    elif name == "comment":
        comment_post(version=staged.version, actor=actor, body="请补充投资来源。", anchor="plan")
    elif name.startswith("reply"):
        comment_post(
            version=staged.version,
            actor=actor,
            body="已核对。",
            anchor="",
            parent=staged.comment,
        )
    elif name.startswith("resolve"):
        comment_resolve(comment=staged.comment, actor=actor)
    elif name == "unresolve":
        comment_resolve(comment=staged.comment, actor=actor, resolved=False)
    elif name == "assign-province":
        plan_assign(plan=staged.plan, actor=actor, reviewer=world.reviewer_a)
    elif name == "assign-national":
        plan_assign(plan=staged.plan, actor=actor, reviewer=world.national)
    else:
        raise AssertionError(f"no way to perform {name}")


def recorded(plan) -> tuple:
    """Everything a review write can change."""
    return (
        Plan.objects.values_list("status", "assigned_to").get(pk=plan.pk),
        StatusChange.objects.count(),
        Version.objects.count(),
        list(Comment.objects.order_by("pk").values_list("pk", "published", "is_resolved")),
        Notification.objects.count(),
    )


def test_the_table_covers_every_row_of_the_workflow():
    covered = {(w.state, w.action) for w in WRITES.values() if w.action}

    assert covered == {(t.source, t.action) for t in TRANSITIONS}
    assert set(MAY) == set(WRITES)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_each_review_write_is_refused_exactly_where_the_role_lacks_the_right(
    world, plan_in, name, persona
):
    # given park A's plan staged for the write, and the user acting
    write = WRITES[name]
    staged = stage(world, plan_in, write)
    actor = getattr(world, persona)
    before = recorded(staged.plan)

    # when they do it through the service
    if persona in MAY[name]:
        perform(name, write, world, staged, actor)

        # then it is written
        assert recorded(staged.plan) != before
    else:
        with pytest.raises(PermissionDenied):
            perform(name, write, world, staged, actor)

        # then nothing changed
        assert recorded(staged.plan) == before


# --- through the pages ------------------------------------------------------------------------


@pytest.fixture
def returned_with_comment(world, plan_in):
    """Park A's plan returned, with a reviewer's comment sent to the park on version 1."""
    return stage(world, plan_in, WRITES["reply"])


def test_national_admin_gets_403_replying_and_resolving_and_nothing_is_written(
    world, client_for, returned_with_comment
):
    # given park A's returned plan with a comment sent to the park, and the national admin
    staged = returned_with_comment
    client = client_for(world.admin)
    before = recorded(staged.plan)

    # when the admin posts a reply in its thread, and resolves it
    reply = client.post(
        reverse("review:comment-post", args=[staged.plan.pk, 1]),
        {"parent": staged.comment.pk, "body": "已阅。"},
    )
    resolve = client.post(
        reverse("review:comment-resolve", args=[staged.plan.pk, 1, staged.comment.pk]),
        {"resolved": "1"},
    )

    # then both are forbidden, and the thread is as it was
    assert (reply.status_code, resolve.status_code) == (403, 403)
    assert recorded(staged.plan) == before


def test_national_admin_is_offered_no_comment_reply_or_resolve_form(
    world, client_for, returned_with_comment
):
    # given park A's returned plan with a comment sent to the park
    staged = returned_with_comment

    # when the national admin reads version 1
    page = client_for(world.admin).get(reverse("review:version", args=[staged.plan.pk, 1]))

    # then the comment is there, with no form to comment, answer or resolve
    html = page.content.decode()
    assert "基准值请核对" in text_of(html)
    assert 'name="parent"' not in html
    assert 'name="resolved"' not in html
    assert 'name="anchor"' not in html


def test_park_editor_starting_a_thread_gets_403(world, client_for, returned_with_comment):
    # given park A's returned plan, and its editor posting a comment of their own on version 1
    staged = returned_with_comment

    # when
    response = client_for(world.editor_a).post(
        reverse("review:comment-post", args=[staged.plan.pk, 1]),
        {"anchor": "plan", "body": "园区自己的意见。"},
    )

    # then only reviewers start threads
    assert response.status_code == 403
    assert not Comment.objects.filter(author=world.editor_a).exists()


@pytest.mark.parametrize("persona", ["editor_a", "manager_a", "reviewer_a", "national"])
def test_those_with_the_right_reply_and_resolve_through_the_page(
    world, client_for, returned_with_comment, persona
):
    # given park A's returned plan with a comment sent to the park, and a user who may answer it
    staged = returned_with_comment
    client = client_for(getattr(world, persona))

    # when they open version 1, reply in the thread and resolve the comment
    page = client.get(reverse("review:version", args=[staged.plan.pk, 1])).content.decode()
    reply = client.post(
        reverse("review:comment-post", args=[staged.plan.pk, 1]),
        {"parent": staged.comment.pk, "body": "已核对。"},
    )
    resolve = client.post(
        reverse("review:comment-resolve", args=[staged.plan.pk, 1, staged.comment.pk]),
        {"resolved": "1"},
    )

    # then the page offered the reply form, and both went through
    assert f'name="parent" value="{staged.comment.pk}"' in page
    assert (reply.status_code, resolve.status_code) == (302, 302)
    assert Comment.objects.filter(parent=staged.comment, body="已核对。").exists()
    assert Comment.objects.get(pk=staged.comment.pk).is_resolved is True
