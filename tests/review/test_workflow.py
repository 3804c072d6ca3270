"""The workflow is its table (review.workflow.TRANSITIONS): every state × every role × every
action either moves the plan as the table says or is refused with a message in Chinese, through
the service and through the page alike, and nothing else changes."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from parks.roles import Role
from plans.status import State
from review.models import Comment, StatusChange, Version
from review.services import TransitionRefused, transition_apply
from review.workflow import TRANSITIONS, find
from tests.review.helpers import (
    ACTION_DATA,
    messages_of,
    panel_url,
    status_of,
    text_of,
    transition_url,
)

# The persona of `world` acting in each role (the provincial reviewer is park A's own).
PERSONAS = {
    Role.PARK_EDITOR: "editor_a",
    Role.PARK_MANAGER: "manager_a",
    Role.PROVINCE_REVIEWER: "reviewer_a",
    Role.NATIONAL_REVIEWER: "national",
    Role.NATIONAL_ADMIN: "admin",
}
ACTIONS = sorted({t.action for t in TRANSITIONS})
CASES = [
    pytest.param(state, role, action, id=f"{state}-{role}-{action}")
    for state in State.values
    for role in PERSONAS
    for action in ACTIONS
]

# The workflow as the specification states it: (state, action, role) -> the state it leads to.
SPECIFIED = {
    ("draft", "submit", "park_manager"): "submitted",
    ("returned", "submit", "park_manager"): "submitted",
    ("submitted", "withdraw", "park_manager"): "draft",
    ("submitted", "start", "province_reviewer"): "province_review",
    ("province_review", "forward", "province_reviewer"): "forwarded",
    ("province_review", "return", "province_reviewer"): "returned",
    ("forwarded", "start", "national_reviewer"): "national_review",
    ("national_review", "approve", "national_reviewer"): "approved",
    ("national_review", "return", "national_reviewer"): "returned",
    ("approved", "reopen", "national_reviewer"): "national_review",
}


def allowed(state: str, role: str, action: str) -> bool:
    return any(t.source == state and t.action == action and role in t.roles for t in TRANSITIONS)


def refusal(state: str, action: str) -> str:
    """The Chinese message the refusal must carry."""
    if find(state, action) is None:
        return f"当前不能执行此操作：方案状态为“{State(state).label}”。"
    return "您的角色在此阶段不能执行此操作。"


def _records() -> tuple[int, int, int, int]:
    return (
        StatusChange.objects.count(),
        Version.objects.count(),
        Comment.objects.count(),
        Notification.objects.count(),
    )


def test_the_table_is_the_specified_workflow():
    # given every row of the transition table, spelled out role by role
    table = {(t.source, t.action, role): t.target for t in TRANSITIONS for role in t.roles}

    # then it allows exactly the specified moves, one row per state and action
    assert table == SPECIFIED
    assert len({(t.source, t.action) for t in TRANSITIONS}) == len(TRANSITIONS)
    assert set(State.values) == {s for s, _a, _r in SPECIFIED}


@pytest.mark.parametrize(("state", "role", "action"), CASES)
def test_transition_apply_does_exactly_what_the_table_allows(world, plan_in, state, role, action):
    # given park A's plan in `state` (ready to submit when the action is submit)
    plan = plan_in(state, ready=action == "submit")
    actor = getattr(world, PERSONAS[role])
    before = _records()

    # when the user in `role` applies the action through the service
    if allowed(state, role, action):
        change = transition_apply(
            plan=plan, action=action, actor=actor, **ACTION_DATA.get(action, {})
        )

        # then the plan moves to the table's target, and the move is on the timeline
        target = find(state, action).target
        assert status_of(plan) == target
        assert (change.action, change.source, change.target, change.actor) == (
            action,
            state,
            target,
            actor,
        )
        assert StatusChange.objects.count() == before[0] + 1
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition_apply(plan=plan, action=action, actor=actor, **ACTION_DATA.get(action, {}))

        # then it is refused in Chinese, and nothing was written
        assert refused.value.messages == [refusal(state, action)]
        assert status_of(plan) == state
        assert _records() == before


@pytest.mark.parametrize(("state", "role", "action"), CASES)
def test_transition_page_does_exactly_what_the_table_allows_and_never_fails(
    world, client_for, plan_in, state, role, action
):
    # given park A's plan in `state` and the user in `role` on its review panel
    plan = plan_in(state, ready=action == "submit")
    client = client_for(getattr(world, PERSONAS[role]))
    before = _records()

    # when they post the action's form
    response = client.post(transition_url(plan, action), ACTION_DATA.get(action, {}))

    # then a role that never takes the action is refused (403, nothing written) ...
    if not any(t.action == action and role in t.roles for t in TRANSITIONS):
        assert response.status_code == 403
        assert status_of(plan) == state
        assert _records() == before
        return
    # ... any other is sent back to the panel with a message; the plan moved only if allowed
    assert response.status_code == 302
    assert response.url == panel_url(plan)
    if allowed(state, role, action):
        transition = find(state, action)
        expected = f"已完成：{transition.label}。"
        assert status_of(plan) == transition.target
    else:
        expected = refusal(state, action)
        assert status_of(plan) == state
        assert _records() == before
    assert messages_of(response) == [expected]
    # ... and the panel they land on shows it
    page = client.get(response.url)
    assert page.status_code == 200
    assert expected in text_of(page.content.decode())


def test_each_role_is_offered_exactly_its_table_rows_on_the_panel(world, client_for, plan_in):
    # given park A's plan under provincial review
    plan = plan_in(State.PROVINCE_REVIEW)

    # when each role opens the review panel
    offered = {
        role: sorted(
            t.action
            for t in client_for(getattr(world, p)).get(panel_url(plan)).context["transitions"]
        )
        for role, p in PERSONAS.items()
    }

    # then only the province's reviewer may forward or return it
    assert offered == {
        Role.PARK_EDITOR: [],
        Role.PARK_MANAGER: [],
        Role.PROVINCE_REVIEWER: ["forward", "return"],
        Role.NATIONAL_REVIEWER: [],
        Role.NATIONAL_ADMIN: [],
    }


def test_unknown_action_is_refused_without_an_error(world, client_for, plan_in):
    # given park A's submitted plan
    plan = plan_in(State.SUBMITTED)

    # when its reviewer posts an action the workflow does not have
    response = client_for(world.reviewer_a).post(transition_url(plan, "delete"))

    # then it is refused (no role takes it: 403), and the plan stays submitted
    assert response.status_code == 403
    assert status_of(plan) == State.SUBMITTED


@pytest.mark.parametrize("state", [State.SUBMITTED, State.PROVINCE_REVIEW])
def test_reviewer_of_another_province_gets_404_on_the_panel_and_every_transition(
    world, client_for, plan_in, state
):
    # given park A's plan in the province's hands, and province B's reviewer
    plan = plan_in(state)
    client = client_for(world.reviewer_b)
    before = _records()

    # when they open its panel and post each action, its version page too
    statuses = {"panel": client.get(panel_url(plan)).status_code}
    statuses |= {
        action: client.post(transition_url(plan, action), ACTION_DATA.get(action, {})).status_code
        for action in ACTIONS
    }
    statuses["version"] = client.get(reverse("review:version", args=[plan.pk, 1])).status_code

    # then none of it exists for them, and nothing changed
    assert statuses == dict.fromkeys(statuses, 404)
    assert status_of(plan) == state
    assert _records() == before


def test_anonymous_visitor_is_sent_to_login_and_nothing_moves(client, plan_in):
    plan = plan_in(State.SUBMITTED)

    response = client.post(transition_url(plan, "start"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert status_of(plan) == State.SUBMITTED
