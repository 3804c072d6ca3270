"""The review queue: a reviewer sees the plans in the workflow that they may see (their province's,
or every province's at the national level), with counts per state and filters; park users have no
queue. The page's query count does not grow with the number of plans."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Cycle
from plans.status import State
from tests.factories import CycleFactory, ParkFactory, PlanFactory, UserFactory
from tests.review.helpers import text_of

QUEUE = reverse("review:queue")
REVIEW_STATES = [s for s in State.values if s != State.DRAFT]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def queue(world, today):
    """Plans of both provinces in several states; one of province A past an earlier deadline."""
    Cycle.objects.filter(pk=world.cycle.pk).update(deadline=today + datetime.timedelta(days=30))
    late_cycle = CycleFactory(
        code="2016-2020",
        name="2016-2020年",
        plan_start_year=2016,
        plan_end_year=2020,
        base_year=2015,
        history_start_year=2011,
        history_end_year=2015,
        deadline=today - datetime.timedelta(days=10),
        is_current=False,
    )
    neighbour = ParkFactory(name="苏州高新技术产业开发区", province=world.province_a)
    third = ParkFactory(name="南京高新技术产业开发区", province=world.province_a)
    draft = ParkFactory(name="常州高新技术产业开发区", province=world.province_a)
    plans = {
        "a_submitted": PlanFactory(park=world.park_a, status=State.SUBMITTED),
        "a_late": PlanFactory(park=world.park_a, cycle=late_cycle, status=State.SUBMITTED),
        "neighbour_review": PlanFactory(
            park=neighbour, status=State.PROVINCE_REVIEW, assigned_to=world.reviewer_a
        ),
        "third_approved_late": PlanFactory(
            park=third, cycle=late_cycle, status=State.APPROVED, assigned_to=world.national
        ),
        "draft": PlanFactory(park=draft),
        "b_submitted": PlanFactory(park=world.park_b, status=State.SUBMITTED),
        "b_forwarded": PlanFactory(park=world.park_b, cycle=late_cycle, status=State.FORWARDED),
    }
    return plans


def listed(response) -> set:
    return {plan.pk for plan in response.context["object_list"]}


def pks(queue, *names) -> set:
    return {queue[name].pk for name in names}


def test_provincial_reviewer_sees_only_their_province_plans_in_the_workflow(
    world, client_for, queue
):
    # when province A's reviewer opens the queue
    response = client_for(world.reviewer_a).get(QUEUE)

    # then province A's plans past the draft are listed, not its draft nor province B's plans
    assert response.status_code == 200
    assert listed(response) == pks(
        queue, "a_submitted", "a_late", "neighbour_review", "third_approved_late"
    )
    text = text_of(response.content.decode())
    assert "审核队列" in text
    assert "苏州高新技术产业开发区" in text
    assert "常州高新技术产业开发区" not in text
    assert world.park_b.name not in text
    # ... each linked to its review panel
    html = response.content.decode()
    assert reverse("review:panel", args=[queue["neighbour_review"].pk]) in html
    assert reverse("review:panel", args=[queue["b_submitted"].pk]) not in html


def test_queue_counts_the_plans_per_state(world, client_for, queue):
    # when province A's reviewer opens the queue, filtered to one state
    response = client_for(world.reviewer_a).get(QUEUE, {"state": State.PROVINCE_REVIEW})

    # then the counts cover every state past the draft, whatever the filter
    counts = {state: n for _label, state, n in response.context["counts"]}
    assert counts == {
        "submitted": 2,
        "province_review": 1,
        "forwarded": 0,
        "national_review": 0,
        "returned": 0,
        "approved": 1,
    }
    assert [label for label, _s, _n in response.context["counts"]] == [
        "已提交省级审核",
        "省级审核中",
        "已报送国家审核",
        "国家审核中",
        "退回修改",
        "审核通过",
    ]
    assert "已提交省级审核 2" in text_of(response.content.decode())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "submitted"}, {"a_submitted", "a_late"}),
        ({"state": "province_review"}, {"neighbour_review"}),
        ({"state": "returned"}, set()),
        ({"overdue": "on"}, {"a_late"}),
        ({"mine": "on"}, {"neighbour_review"}),
        ({"cycle": "2016-2020"}, {"a_late", "third_approved_late"}),
        ({"reviewer": "none"}, {"a_submitted", "a_late"}),
        ({"cycle": "2016-2020", "reviewer": "none"}, {"a_late"}),
        ({"state": "submitted", "overdue": "on"}, {"a_late"}),
        (
            {"province": "320000"},
            {"a_submitted", "a_late", "neighbour_review", "third_approved_late"},
        ),
    ],
)
def test_provincial_reviewer_filters_the_queue(world, client_for, queue, params, expected):
    response = client_for(world.reviewer_a).get(QUEUE, params)

    assert response.status_code == 200
    assert listed(response) == pks(queue, *expected)


def test_overdue_plans_are_marked_on_the_queue(world, client_for, queue):
    response = client_for(world.reviewer_a).get(QUEUE, {"overdue": "on"})

    assert "已逾期" in text_of(response.content.decode())


def test_empty_filter_result_says_there_is_nothing_to_review(world, client_for, queue):
    response = client_for(world.reviewer_a).get(QUEUE, {"state": "returned"})

    assert "暂无待审核的方案。" in text_of(response.content.decode())


@pytest.mark.parametrize("persona", ["national", "admin"])
def test_national_level_sees_every_province(world, client_for, queue, persona):
    # when a national reviewer or administrator opens the queue
    response = client_for(getattr(world, persona)).get(QUEUE)

    # then every plan past the draft is listed, of both provinces
    assert listed(response) == pks(
        queue,
        "a_submitted",
        "a_late",
        "neighbour_review",
        "third_approved_late",
        "b_submitted",
        "b_forwarded",
    )
    counts = {state: n for _label, state, n in response.context["counts"]}
    assert counts["submitted"] == 3
    assert counts["forwarded"] == 1


def test_national_reviewer_filters_by_province(world, client_for, queue):
    response = client_for(world.national).get(QUEUE, {"province": "330000"})

    assert listed(response) == pks(queue, "b_submitted", "b_forwarded")


def test_national_reviewer_filters_by_assigned_to_me(world, client_for, queue):
    response = client_for(world.national).get(QUEUE, {"mine": "on"})

    assert listed(response) == pks(queue, "third_approved_late")


@pytest.mark.parametrize("persona", ["editor_a", "manager_a", "editor_b"])
def test_park_users_have_no_queue(world, client_for, queue, persona):
    response = client_for(getattr(world, persona)).get(QUEUE)

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _plans_in_review(world, count: int, start: int) -> None:
    for n in range(start, start + count):
        park = ParkFactory(name=f"测试高新区{n:03d}", province=world.province_a)
        PlanFactory(
            park=park,
            status=REVIEW_STATES[n % len(REVIEW_STATES)],
            assigned_to=world.reviewer_a if n % 2 else None,
        )


def _queries_for_queue(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries), len(response.context["object_list"])


@pytest.mark.parametrize("persona", ["reviewer_a", "national"])
def test_queue_query_count_does_not_grow_with_the_number_of_plans(world, client_for, persona):
    # given 10 plans in review states, and the reviewer's session warmed up
    client = client_for(getattr(world, persona))
    client.get(QUEUE)
    _plans_in_review(world, 10, start=0)
    ten = _queries_for_queue(client)

    # when there are 40
    _plans_in_review(world, 30, start=10)
    forty = _queries_for_queue(client)

    # then the page lists them all with the same number of queries
    assert (ten[1], forty[1]) == (10, 40)
    assert forty[0] == ten[0]


def test_queue_filters_by_a_named_reviewer_and_counts_within_the_cycle(world, client_for, queue):
    # when the national reviewer filters by province A's reviewer, then by the earlier cycle
    by_reviewer = client_for(world.national).get(QUEUE, {"reviewer": world.reviewer_a.pk})
    by_cycle = client_for(world.national).get(QUEUE, {"cycle": "2016-2020"})

    # then the reviewer's plans are listed; the state counts follow the cycle chosen
    assert listed(by_reviewer) == pks(queue, "neighbour_review")
    counts = {state: n for _label, state, n in by_cycle.context["counts"]}
    assert (counts["submitted"], counts["forwarded"], counts["approved"]) == (1, 1, 1)
    assert "共 3 个方案" in text_of(by_cycle.content.decode())


def test_reviewer_filter_offers_colleagues_not_other_provinces(world, client_for, queue):
    colleague = UserFactory(province_reviewer=True, province=world.province_a, full_name="郑同事")

    choices = dict(
        client_for(world.reviewer_a).get(QUEUE).context["filter_form"].fields["reviewer"].choices
    )

    assert str(colleague.pk) in choices and str(world.reviewer_a.pk) in choices
    assert str(world.reviewer_b.pk) not in choices
    assert str(world.national.pk) not in choices


def test_queue_links_the_latest_submitted_version(world, client_for, catalogue):
    from review.services import version_freeze

    plan = PlanFactory(park=world.park_a, status=State.SUBMITTED)
    version_freeze(plan=plan, actor=world.manager_a)
    version_freeze(plan=plan, actor=world.manager_a)

    html = client_for(world.reviewer_a).get(QUEUE).content.decode()

    assert reverse("review:version", args=[plan.pk, 2]) in html


def test_queue_counts_a_plan_with_two_versions_once(world, client_for, catalogue):
    from review.services import version_freeze

    # given a forwarded plan submitted twice (two versions)
    plan = PlanFactory(park=world.park_a, status=State.FORWARDED)
    version_freeze(plan=plan, actor=world.manager_a)
    version_freeze(plan=plan, actor=world.manager_a)

    # when the national reviewer opens the queue
    response = client_for(world.national).get(QUEUE)

    # then the plan counts once in its state, as many as the plans listed
    counts = {state: n for _label, state, n in response.context["counts"]}
    assert counts["forwarded"] == 1
    assert sum(counts.values()) == response.context["paginator"].count == 1
