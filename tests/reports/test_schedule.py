"""The reports' schedule (issue 16, item 7): the due and overdue list for reviewers and admins,
what is due on the park's home, and the reminders before and after each due date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from notifications.services import deadline_reminders_send
from plans.models import Plan
from plans.status import State
from reports import schedule
from reports.models import ReportDeadline
from reports.reminders import report_reminders_send
from reports.selectors import ReportState, due_reports, report_lines
from tests.factories import ParkFactory, PlanFactory, UserFactory
from tests.test_chinese_pages import english_words

TODAY = datetime.date(2026, 11, 30)
DUE = reverse("reports:due")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _approved(park, cycle) -> Plan:
    return PlanFactory(park=park, cycle=cycle, status=State.APPROVED)


def _report(plan, kind, year=None, status=State.DRAFT) -> Plan:
    return Plan.objects.create(
        park=plan.park,
        cycle=plan.cycle,
        kind=kind,
        follows=plan,
        data_year=year,
        status=status,
        outline_version=Plan.OUTLINES[kind],
    )


@pytest.fixture
def plans(world):
    """Both parks' plans approved; park A has its 2021 report approved, 2022 in provincial
    review, 2023 returned, 2024 a draft; park B has started nothing."""
    plan_a = _approved(world.park_a, world.cycle)
    plan_b = _approved(world.park_b, world.cycle)
    _report(plan_a, "annual", 2021, State.APPROVED)
    _report(plan_a, "annual", 2022, State.PROVINCE_REVIEW)
    _report(plan_a, "annual", 2023, State.RETURNED)
    _report(plan_a, "annual", 2024, State.DRAFT)
    return plan_a, plan_b


def _states(lines, park):
    """{(kind, data year): state} of the lines of `park` (None: every line)."""
    return {
        (line.owed.kind, line.owed.data_year): str(line.state)
        for line in lines
        if park is None or line.park == park
    }


# --- the due and overdue list ------------------------------------------------------------------


def test_the_due_list_gives_each_owed_report_its_state(world, plans):
    due = due_reports(user=world.national, today=TODAY)

    assert _states(due.lines, world.park_a) == {
        ("annual", 2021): ReportState.APPROVED,
        ("annual", 2022): ReportState.IN_REVIEW,
        ("annual", 2023): ReportState.RETURNED,
        ("annual", 2024): ReportState.DRAFT,
        ("annual", 2025): ReportState.NOT_STARTED,
        ("final", None): ReportState.NOT_STARTED,
    }
    assert set(_states(due.lines, world.park_b).values()) == {ReportState.NOT_STARTED}
    # in the order they fall due
    assert [line.owed.due for line in due.lines] == sorted(line.owed.due for line in due.lines)
    # 12 owed; park A's 2021 and 2022 handed in, every other one is past due on 2026-11-30
    assert due.counts == {"due": 12, "overdue": 10, "submitted": 2, "approved": 1}
    assert due.reports[0] == ("annual-2021", "2021年度实施情况报告")
    assert due.reports[-1][0] == "final"


def test_a_report_not_yet_due_is_neither_overdue_nor_late(world, plans):
    ReportDeadline.objects.create(
        cycle=world.cycle, kind="final", data_year=None, due_date=datetime.date(2026, 12, 31)
    )
    lines = due_reports(user=world.national, today=TODAY).lines
    final = [line for line in lines if line.owed.kind == "final"]
    assert [(line.is_overdue, line.days_left) for line in final] == [(False, 31), (False, 31)]


def test_a_provincial_reviewer_sees_their_province_only(world, plans):
    due = due_reports(user=world.reviewer_a, today=TODAY)
    assert {line.park for line in due.lines} == {world.park_a}


def test_a_plan_not_approved_owes_nothing_in_the_list(world):
    PlanFactory(park=world.park_a, cycle=world.cycle, status=State.NATIONAL_REVIEW)
    assert due_reports(user=world.national, today=TODAY).lines == []


def test_filters_by_report_province_and_state(world, plans):
    due = due_reports(user=world.national, today=TODAY)
    assert [line.park for line in due.filtered(report="annual-2024").lines] == [
        world.park_a,
        world.park_b,
    ]
    assert {line.park for line in due.filtered(province=world.province_b.code).lines} == {
        world.park_b
    }
    assert [line.owed.data_year for line in due.filtered(state="returned").lines] == [2023]
    assert len(due.filtered(overdue=True).lines) == 10


def test_the_due_page_lists_counts_and_filters(world, plans, client_for):
    client = client_for(world.national)
    page = client.get(DUE)
    html = page.content.decode()

    assert page.status_code == 200
    assert page.context["counts"] == {"due": 12, "overdue": 10, "submitted": 2, "approved": 1}
    assert world.park_a.name in html and world.park_b.name in html
    assert "已逾期" in html and "2021年度实施情况报告" in html
    assert 'name="province"' in html

    filtered = client.get(DUE, {"report": "annual-2023", "state": "returned"})
    assert [(line.park, line.owed.data_year) for line in filtered.context["lines"]] == [
        (world.park_a, 2023)
    ]
    # the counts follow the report chosen, not the state
    assert filtered.context["counts"] == {"due": 2, "overdue": 2, "submitted": 0, "approved": 0}


def test_the_province_filter_is_the_national_levels_only(world, plans, client_for):
    page = client_for(world.reviewer_a).get(DUE, {"province": world.province_b.code})
    assert 'name="province"' not in page.content.decode()
    assert {line.park for line in page.context["lines"]} == {world.park_a}


@pytest.mark.parametrize("persona", ["reviewer_a", "national", "admin"])
def test_reviewers_and_admins_reach_the_due_page_from_the_navigation(world, client_for, persona):
    page = client_for(getattr(world, persona)).get(reverse("home"), follow=True)
    assert page.status_code == 200
    assert f'href="{DUE}"' in page.content.decode()


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_lack_the_right_to_the_due_page(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(DUE).status_code == 403


def test_the_due_list_reads_the_same_number_of_queries_for_2_and_6_parks(world, client_for):
    def add_parks(n: int) -> None:
        for _i in range(n):
            plan = _approved(ParkFactory(province=world.province_a), world.cycle)
            _report(plan, "annual", 2021, State.APPROVED)
            _report(plan, "annual", 2022, State.SUBMITTED)

    def count() -> tuple[int, int]:
        client = client_for(world.national)
        client.get(DUE, {"report": "annual-2021"})  # the user and the unread count read once
        with CaptureQueriesContext(connection) as queries:
            page = client.get(DUE, {"report": "annual-2021"})
        assert page.status_code == 200
        return len(page.context["lines"]), len(queries)

    add_parks(2)
    lines_2, queries_2 = count()
    add_parks(4)
    lines_6, queries_6 = count()

    assert (lines_2, lines_6) == (2, 6)
    assert queries_2 == queries_6


def test_selector_reads_three_queries(world, plans, django_assert_num_queries):
    with django_assert_num_queries(3):
        due_reports(user=world.national, today=TODAY)


# --- the park's home ---------------------------------------------------------------------------


def test_the_parks_home_shows_what_is_due(world, plans, client_for):
    page = client_for(world.editor_a).get(reverse("park-detail", args=[world.park_a.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    lines = page.context["report_lines"]
    assert [str(line.state) for line in lines][:2] == ["approved", "in_review"]
    assert "应交报告" in html
    assert "逾期" in html
    assert reverse("reports:list", args=[plans[0].pk]) in html
    started = Plan.objects.get(follows=plans[0], data_year=2024)
    assert reverse("plans:plan-detail", args=[started.pk]) in html


def test_the_parks_home_counts_the_days_left(world, plans, client_for):
    ReportDeadline.objects.create(
        cycle=world.cycle, kind="final", data_year=None, due_date=datetime.date(2026, 12, 10)
    )
    html = client_for(world.editor_a).get(reverse("park-detail", args=[world.park_a.pk]))
    assert "剩余 10 天" in html.content.decode()


def test_the_parks_home_shows_nothing_due_before_the_plan_is_approved(world, client_for):
    PlanFactory(park=world.park_a, cycle=world.cycle, status=State.PROVINCE_REVIEW)
    page = client_for(world.editor_a).get(reverse("park-detail", args=[world.park_a.pk]))
    assert page.status_code == 200
    assert page.context["report_lines"] == []
    assert "data-reports-due" not in page.content.decode()


def test_the_parks_home_without_a_plan_shows_nothing_due(world, client_for):
    page = client_for(world.editor_a).get(reverse("park-detail", args=[world.park_a.pk]))
    assert page.status_code == 200
    assert page.context["report_lines"] == []


# --- reminders before and after the due date --------------------------------------------------


def _reminded():
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.REPORT_DUE).values_list(
            "user__username", "message"
        )
    )


def test_reminders_go_before_and_after_the_due_date_once(world, plans):
    # 2025's annual report is due on 2026-03-31: 30 days before is 2026-03-01
    first = report_reminders_send(today=datetime.date(2026, 3, 1))
    again = report_reminders_send(today=datetime.date(2026, 3, 1))

    reminded = _reminded()
    assert (first, again) == (3, 0)
    assert {user for user, _message in reminded} == {"manager_a", "editor_a", "editor_b"}
    assert (
        "manager_a",
        "苏州工业园区：2025年度实施情况报告将于2026-03-31截止提交，还剩30天。",
    ) in reminded
    notification = Notification.objects.filter(user=world.editor_b).get()
    assert notification.url == reverse("reports:list", args=[plans[1].pk])


def test_reminders_after_the_due_date_say_how_late(world, plans):
    # 7 days after 2026-03-31
    assert report_reminders_send(today=datetime.date(2026, 4, 7)) == 3
    assert (
        "editor_b",
        "杭州高新技术产业开发区：2025年度实施情况报告已于2026-03-31截止，已逾期7天，请尽快提交。",
    ) in _reminded()


def test_a_report_handed_in_is_not_reminded(world, plans):
    # park A's 2022 report is in review: its due date was 2023-03-31, one day after is 2023-04-01
    today = datetime.date(2023, 4, 1)
    assert report_reminders_send(today=today) == 1  # park B's editor only
    assert [user for user, _m in _reminded()] == ["editor_b"]


def test_a_draft_or_returned_report_is_still_reminded(world, plans):
    # park A's 2023 report is returned: one day before its due date 2024-03-31
    assert report_reminders_send(today=datetime.date(2024, 3, 30)) == 3


def test_no_reminder_on_a_day_not_in_the_schedule(world, plans):
    assert report_reminders_send(today=datetime.date(2026, 3, 2)) == 0


def test_the_final_evaluation_is_reminded_in_chinese(world, plans):
    # due 2026-06-30; 1 day before
    report_reminders_send(today=datetime.date(2026, 6, 29))
    messages = [m for _u, m in _reminded()]
    assert "苏州工业园区：终期评估报告将于2026-06-30截止提交，还剩1天。" in messages


def test_a_deactivated_park_or_inactive_user_is_not_reminded(world, plans):
    world.park_b.is_active = False
    world.park_b.save()
    world.editor_a.is_active = False
    world.editor_a.save()
    report_reminders_send(today=datetime.date(2026, 3, 1))
    assert [user for user, _m in _reminded()] == ["manager_a"]


def test_plan_reminders_and_report_reminders_do_not_hide_each_other(world, plans):
    today = datetime.date(2026, 3, 1)
    report_reminders_send(today=today)
    world.cycle.deadline = today + datetime.timedelta(days=7)
    world.cycle.save()
    # the cycle's plans are approved: no plan reminder is owed, and the report reminders stand
    assert deadline_reminders_send(today=today) == 0
    assert Notification.objects.filter(kind=Notification.Kind.REPORT_DUE).count() == 3


def test_the_owed_schedule_for_several_cycles_reads_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        owed = schedule.owed_by_cycle([world.cycle], today=TODAY)
    assert owed[world.cycle.pk] == schedule.owed(world.cycle, today=TODAY)


def test_report_lines_on_the_park_page_match_the_due_list(world, plans):
    mine = report_lines(user=world.editor_a, plan=plans[0], today=TODAY)
    theirs = due_reports(user=world.national, today=TODAY).lines
    assert _states(mine, None) == _states(theirs, world.park_a)


def test_a_new_editor_of_a_park_is_reminded_too(world, plans):
    UserFactory(park_editor=True, park=world.park_b, username="editor_b2")
    assert report_reminders_send(today=datetime.date(2026, 3, 1)) == 4


@pytest.mark.parametrize(
    ("persona", "page"),
    [("national", "due"), ("reviewer_a", "due"), ("editor_a", "park"), ("national", "park")],
)
def test_the_schedule_pages_show_no_english_in_chinese(world, plans, client, persona, page):
    client.force_login(getattr(world, persona))
    client.cookies["django_language"] = "zh-hans"
    url = DUE if page == "due" else reverse("park-detail", args=[world.park_a.pk])
    response = client.get(url)
    usernames = {u.username for u in vars(world).values() if hasattr(u, "username")}
    assert response.status_code == 200
    assert english_words(response.content.decode(), also_allowed=usernames) == []
