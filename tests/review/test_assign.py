"""Giving a plan to a reviewer: any reviewer of the body that holds the plan (or a national
admin) assigns one of that body's reviewers, who is told; nobody else can, in any state."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from parks.models import AuditEntry
from plans.models import Plan
from plans.status import State
from tests.factories import UserFactory
from tests.review.helpers import messages_of, panel_url, text_of


def assign_url(plan) -> str:
    return reverse("review:assign", args=[plan.pk])


def assigned(plan):
    return Plan.objects.get(pk=plan.pk).assigned_to


@pytest.fixture
def colleague(world):
    return UserFactory(
        province_reviewer=True,
        province=world.province_a,
        username="colleague_a",
        full_name="郑省审",
        email="zheng@example.cn",
    )


@pytest.fixture
def second_national(world):
    return UserFactory(national_reviewer=True, username="national_2", full_name="钱国审")


def test_a_provincial_reviewer_gives_a_plan_to_a_colleague(
    world, client_for, plan_in, colleague, django_capture_on_commit_callbacks
):
    # given a plan submitted to province A
    plan = plan_in(State.SUBMITTED)
    client = client_for(world.reviewer_a)

    # when province A's reviewer assigns it to a colleague from the review panel
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(assign_url(plan), {"reviewer": colleague.pk})

    # then the colleague holds it, is notified in the portal and by e-mail, and it is audited
    assert response.status_code == 302
    assert assigned(plan) == colleague
    assert messages_of(response) == ["已分配给 郑省审。"]
    note = Notification.objects.get(user=colleague)
    assert note.kind == Notification.Kind.ASSIGNED
    assert "分配给您审核" in note.message
    assert [m.to for m in mail.outbox] == [["zheng@example.cn"]]
    entry = AuditEntry.objects.get(action="assign")
    assert entry.changes["assigned_to"]["new"] == "郑省审"
    # and the queue filtered by the colleague lists it
    queue = client.get(reverse("review:queue"), {"reviewer": colleague.pk})
    assert [p.pk for p in queue.context["object_list"]] == [plan.pk]


def test_assigning_nobody_clears_the_reviewer(world, client_for, plan_in, colleague):
    plan = plan_in(State.PROVINCE_REVIEW)
    Plan.objects.filter(pk=plan.pk).update(assigned_to=colleague)

    response = client_for(world.reviewer_a).post(assign_url(plan), {"reviewer": ""})

    assert assigned(plan) is None
    assert messages_of(response) == ["已取消分配，目前没有审核负责人。"]


def test_national_level_assigns_national_reviewers_once_forwarded(
    world, client_for, plan_in, second_national
):
    plan = plan_in(State.FORWARDED)

    client_for(world.admin).post(assign_url(plan), {"reviewer": second_national.pk})

    assert assigned(plan) == second_national
    form = client_for(world.national).get(panel_url(plan)).context["assign_form"]
    assert set(form.fields["reviewer"].queryset) == {world.national, second_national}


@pytest.mark.parametrize(
    ("state", "persona", "reviewer", "message"),
    [
        # a reviewer of another body, or of the wrong level, is not in the list
        (State.SUBMITTED, "reviewer_a", "reviewer_b", "请从列表中选择审核人。"),
        (State.SUBMITTED, "reviewer_a", "national", "请从列表中选择审核人。"),
        (State.FORWARDED, "national", "reviewer_a", "请从列表中选择审核人。"),
        # the national reviewer cannot assign while the province holds the plan, nor the
        # province once it has forwarded it
        (
            State.PROVINCE_REVIEW,
            "national",
            "reviewer_a",
            "只有当前审核机构的审核人员才能分配该方案。",
        ),
        (
            State.NATIONAL_REVIEW,
            "reviewer_a",
            "national",
            "只有当前审核机构的审核人员才能分配该方案。",
        ),
    ],
)
def test_assignment_outside_the_holding_body_is_refused(
    world, client_for, plan_in, state, persona, reviewer, message
):
    plan = plan_in(state)

    response = client_for(getattr(world, persona)).post(
        assign_url(plan), {"reviewer": getattr(world, reviewer).pk}
    )

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert assigned(plan) is None
    assert not Notification.objects.filter(kind=Notification.Kind.ASSIGNED).exists()


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED, State.APPROVED])
def test_a_plan_no_body_holds_cannot_be_assigned(world, client_for, plan_in, state):
    plan = plan_in(state)

    response = client_for(world.admin).post(assign_url(plan), {"reviewer": ""})

    assert messages_of(response) == ["只有处于审核阶段的方案才能分配审核人。"]
    assert "审核负责人" not in text_of(
        client_for(world.admin).get(panel_url(plan)).content.decode()
    )


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_cannot_assign_their_own_reviewer(
    world, client_for, plan_in, persona, colleague
):
    plan = plan_in(State.SUBMITTED)

    response = client_for(getattr(world, persona)).post(
        assign_url(plan), {"reviewer": colleague.pk}
    )

    assert messages_of(response) == ["只有当前审核机构的审核人员才能分配该方案。"]
    assert assigned(plan) is None
    assert "审核负责人" not in text_of(
        client_for(getattr(world, persona)).get(panel_url(plan)).content.decode()
    )


def test_another_province_reviewer_gets_404(world, client_for, plan_in, colleague):
    plan = plan_in(State.SUBMITTED)

    response = client_for(world.reviewer_b).post(assign_url(plan), {"reviewer": colleague.pk})

    assert response.status_code == 404
    assert assigned(plan) is None


def test_starting_the_review_assigns_the_reviewer_who_starts(world, plan_in, colleague):
    from tests.review.helpers import act

    plan = plan_in(State.SUBMITTED)

    act(plan, world, "start", "reviewer_a")

    assert assigned(plan) == world.reviewer_a
