"""National and provincial dashboards: figures from submitted versions only (never drafts),
ratios of sums worked out by hand, province scoping, named snapshots that keep their numbers,
queries that do not grow with the number of parks; the peer view on the review page, which
shows park staff no comparison among fewer than five parks."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import fragments
from indicators.models import PlanIndicator, TableData
from plans.models import Cycle, Plan
from plans.status import State
from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import seed_demo_plan
from review.models import Version
from review.services import version_freeze
from summaries.extends import DASHBOARD as DASHBOARD_FRAGMENT
from summaries.models import SummarySnapshot
from summaries.services import summary_snapshot_create
from tests.factories import ParkFactory, PlanFactory, UserFactory
from tests.review.helpers import act, text_of

DASHBOARD = reverse("summaries:dashboard")
APPROVED_AND_IN_REVIEW = {"states": ["approved", "submitted"]}


def plan_with_numbers(park, editor, *, status, iav_factor=1):
    """A park's demo plan with its numbers, frozen as a version and put in `status`;
    `iav_factor` scales its 工业增加值 (so its intensities differ from the other parks')."""
    plan = PlanFactory(park=park)
    seed_demo_plan(plan, editor)
    seed_demo_numbers(plan, editor)
    if iav_factor != 1:
        record = TableData.objects.get(plan=plan, table="economy")
        record.values["iav"] = {
            year: str(Decimal(value) * iav_factor) for year, value in record.values["iav"].items()
        }
        record.save()
        stated = PlanIndicator.objects.get(plan=plan, indicator__code="energy_intensity_iav")
        stated.baseline = str((Decimal(stated.baseline) / iav_factor).quantize(Decimal("0.0001")))
        stated.save()
    version_freeze(plan=plan, actor=editor)
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def parks(world, catalogue):
    """Park A (江苏) approved, park B (浙江) approved with twice the industrial added value, a
    second 江苏 park submitted, and a 江苏 draft with a distinctive (huge) added value."""
    editor_b = UserFactory(park_editor=True, park=world.park_b)
    third = ParkFactory(name="南京高新技术产业开发区", province=world.province_a)
    drafty = ParkFactory(name="常州高新技术产业开发区", province=world.province_a)
    plans = {
        "a": plan_with_numbers(world.park_a, world.editor_a, status=State.APPROVED),
        "b": plan_with_numbers(world.park_b, editor_b, status=State.APPROVED, iav_factor=2),
        "third": plan_with_numbers(
            third, UserFactory(park_editor=True, park=third), status=State.SUBMITTED
        ),
    }
    draft = PlanFactory(park=drafty)
    seed_demo_numbers(draft, UserFactory(park_editor=True, park=drafty))
    plans["draft"] = draft
    return plans


def snapshot_of(plan) -> dict:
    return Version.objects.filter(plan=plan).order_by("-number").first().snapshot


def row(board, code):
    return next(i for i in board.indicators if i.code == code)


def test_national_figures_are_ratios_of_sums_of_approved_versions(world, client_for, parks):
    # given the snapshots' own inputs for 2020: total tce and industrial added value (万元)
    a, b = snapshot_of(parks["a"]), snapshot_of(parks["b"])
    tce_a = Decimal(a["energy"]["total_tce"]["2020"])
    tce_b = Decimal(b["energy"]["total_tce"]["2020"])
    iav_a = Decimal(a["tables"]["economy"]["iav"]["2020"])
    iav_b = Decimal(b["tables"]["economy"]["iav"]["2020"])
    assert iav_b == 2 * iav_a

    # when a national admin opens the dashboard (approved plans by default)
    response = client_for(world.admin).get(DASHBOARD)
    board = response.context["board"]

    # then two parks are covered, and the national 2020 energy intensity is Σ tce / Σ added
    # value, not the average of the two parks' intensities
    assert response.status_code == 200
    assert board.parks_covered == 2
    energy = row(board, "energy_intensity_iav")
    by_hand = (tce_a + tce_b) / (iav_a + iav_b)
    average_of_ratios = (tce_a / iav_a + tce_b / iav_b) / 2
    assert energy.national_baseline().value == by_hand
    assert energy.national_baseline().value != average_of_ratios
    assert energy.national_baseline().parks == 2
    # ... the 2025 targets weighted by each park's 2020 added value
    target_a = Decimal(
        next(i for i in a["indicators"] if i["code"] == "energy_intensity_iav")["targets"]["2025"]
    )
    target_b = Decimal(
        next(i for i in b["indicators"] if i["code"] == "energy_intensity_iav")["targets"]["2025"]
    )
    assert energy.national_target().value == (target_a * iav_a + target_b * iav_b) / (iav_a + iav_b)
    # ... and the page says what it covers
    text = text_of(response.content.decode())
    assert "2 个园区" in text and "审核通过" in text
    # the totals add the two parks' energy use
    assert board.totals.tce["*"][2020] == tce_a + tce_b


def test_drafts_never_count(world, client_for, parks):
    from summaries.figures import SUMMARY_STATES, Scope

    # when every state the form offers is asked for
    board = (
        client_for(world.admin).get(DASHBOARD, {"states": list(SUMMARY_STATES)}).context["board"]
    )

    # then the three submitted plans count, the draft and its numbers do not
    assert board.parks_covered == 3
    assert State.DRAFT not in board.scope.states
    assert Scope(cycle="2021-2025", states=(State.DRAFT,)).states == (State.APPROVED,)
    energy = row(board, "energy_intensity_iav")
    assert energy.national_baseline().parks == 3


def test_progress_by_province_counts_parks_and_states(world, client_for, parks):
    board = client_for(world.admin).get(DASHBOARD).context["board"]

    jiangsu = next(p for p in board.provinces if p.code == "320000")
    assert (jiangsu.parks, jiangsu.approved, jiangsu.in_review, jiangsu.not_submitted) == (
        3,
        1,
        1,
        1,
    )
    assert board.national.parks == 4 and board.national.approved == 2


def test_a_provincial_reviewer_sees_their_province_only(world, client_for, parks):
    # when province A's reviewer opens the dashboard, even asking for province B
    mine = client_for(world.reviewer_a).get(DASHBOARD, APPROVED_AND_IN_REVIEW).context["board"]
    other = client_for(world.reviewer_a).get(
        DASHBOARD, {**APPROVED_AND_IN_REVIEW, "province": "330000"}
    )

    # then only 江苏's parks are counted, and asking for 浙江 is not a choice they have
    assert [p.code for p in mine.provinces] == ["320000"]
    assert mine.parks_covered == 2
    assert other.context["form"].errors.get("province")
    assert other.context["board"].parks_covered == 2


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_have_no_dashboard(world, client_for, persona):
    assert client_for(getattr(world, persona)).get(DASHBOARD).status_code == 403


def test_overdue_parks_and_returns_are_listed(world, client_for, parks):
    from review.services import comment_add
    from review.workflow import ReturnReason

    # given the deadline passed, and the submitted 江苏 plan returned with a comment on 4.3
    Cycle.objects.filter(pk=world.cycle.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    third = parks["third"]
    version = Version.objects.get(plan=third)
    comment_add(
        version=version, actor=world.reviewer_a, body="投资来源不明。", anchor="section:4.3"
    )
    Plan.objects.filter(pk=third.pk).update(status=State.PROVINCE_REVIEW)
    act(third, world, "return", "reviewer_a", reason=ReturnReason.ATTACHMENT, comment="请补充。")

    board = client_for(world.admin).get(DASHBOARD).context["board"]

    # then the parks not approved are overdue, and the return is counted by reason and chapter
    assert board.overdue_count == 2
    assert {park.name for park, _state in board.overdue} == {
        "南京高新技术产业开发区",
        "常州高新技术产业开发区",
    }
    assert board.returns_by_reason == [("缺少支撑材料", 1)]
    assert dict(board.returns_by_section) == {"第四章  重点任务": 1, "方案整体": 1}


def test_a_named_snapshot_keeps_its_numbers(world, client_for, parks):
    # given a snapshot of the approved plans
    snapshot = summary_snapshot_create(
        actor=world.admin, name="2025-06 审核通过方案", cycle=world.cycle
    )
    before = client_for(world.admin).get(DASHBOARD, {"snapshot": snapshot.pk, "cycle": "2021-2025"})
    figure = row(before.context["board"], "energy_intensity_iav").national_baseline()

    # when park B's approval is reopened and a new version with other numbers submitted
    Plan.objects.filter(pk=parks["b"].pk).update(status=State.RETURNED)
    record = TableData.objects.get(plan=parks["b"], table="economy")
    record.values["iav"]["2020"] = "1"
    record.save()
    version_freeze(plan=parks["b"], actor=world.manager_a)
    Plan.objects.filter(pk=parks["b"].pk).update(status=State.APPROVED)

    # then the live dashboard changes, the snapshot's does not
    live = client_for(world.admin).get(DASHBOARD).context["board"]
    again = client_for(world.admin).get(DASHBOARD, {"snapshot": snapshot.pk, "cycle": "2021-2025"})
    assert row(live, "energy_intensity_iav").national_baseline().value != figure.value
    assert row(again.context["board"], "energy_intensity_iav").national_baseline() == figure
    assert snapshot.versions.count() == 2
    assert "2025-06 审核通过方案" in text_of(again.content.decode())


def test_only_an_admin_freezes_a_snapshot(world, client_for, parks):
    url = reverse("summaries:snapshot-create")

    assert client_for(world.national).post(url, {"name": "越权"}).status_code == 403
    response = client_for(world.admin).post(url, {"name": "2026 年度"})
    assert response.status_code == 302
    assert SummarySnapshot.objects.get().name == "2026 年度"
    again = client_for(world.admin).post(url, {"name": "2026 年度"})
    assert SummarySnapshot.objects.count() == 1
    assert again.status_code == 302


def test_dashboard_queries_do_not_grow_with_the_parks(world, client_for, parks, catalogue):
    from django.core.cache import cache

    client = client_for(world.admin)
    client.get(DASHBOARD)  # warm
    cache.clear()  # both measured with the snapshots read (no cached figures)
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD, APPROVED_AND_IN_REVIEW)
    editor = UserFactory(park_editor=True, park=world.park_a)
    for n in range(6):
        park = ParkFactory(name=f"测试园区{n}", province=world.province_b)
        plan = PlanFactory(park=park)
        seed_demo_numbers(plan, editor)
        version_freeze(plan=plan, actor=editor)
        Plan.objects.filter(pk=plan.pk).update(status=State.APPROVED)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(DASHBOARD, APPROVED_AND_IN_REVIEW)

    assert response.context["board"].parks_covered == 9
    assert len(many) == len(few)


def test_peer_view_places_the_park_among_the_others(world, client_for, parks):
    # given park B states half the 2020 energy intensity (lower is better) of park A and the
    # third park (0.0850 against 0.1700), park B's review page as the national reviewer reads it
    page = client_for(world.national).get(reverse("summaries:peers", args=[parks["b"].pk, 1]))
    peers = {row["name"]: row for row in page.context["peers"]}

    # then park B does better than both other parks nationally (lower is better: 100 %, not
    # the lowest third), and alone in 浙江 it is compared with no other park, not "100 %"
    energy = peers["单位工业增加值综合能耗"]
    assert energy["baseline"] == Decimal("0.0850")
    assert (energy["parks"], energy["province_parks"]) == (3, 1)
    assert energy["baseline_national"] == 100
    assert energy["baseline_province"] is None and energy["baseline_province_alone"]
    text = text_of(page.content.decode())
    assert "100% / 无其他园区" in text
    assert "数值差于本园区" in text
    # ... and park A's reviewer sees that no other park does worse than A, in 江苏 or anywhere
    page_a = client_for(world.reviewer_a).get(reverse("summaries:peers", args=[parks["a"].pk, 1]))
    energy_a = {row["name"]: row for row in page_a.context["peers"]}["单位工业增加值综合能耗"]
    assert (energy_a["baseline_national"], energy_a["baseline_province"]) == (0, 0)
    assert "在其他园区中的位置" in text_of(page_a.content.decode())


def test_a_higher_is_better_indicator_counts_the_lower_values_as_worse(world):
    from summaries.figures import IndicatorSummary

    # given three parks' stated shares of renewable energy (higher is better): 10, 20 and 30 %
    summary = IndicatorSummary(
        code="x",
        name="x",
        unit="%",
        direction="higher",
        required=True,
        reference_value=None,
        reference_text="",
        baselines=[Decimal(10), Decimal(20), Decimal(30)],
    )

    # when the park that states 20 % is placed among the others (its own value left out)
    place = summary.standing(Decimal(20), own=Decimal(20))

    # then one of the two other parks does worse: 50 %
    assert (place.worse, place.others, place.percent_worse) == (1, 2, 50)


ENERGY = "单位工业增加值综合能耗"


def energy_peers(client, plan) -> tuple[dict, str]:
    """The peer row of 单位工业增加值综合能耗 on the plan's version 1, and the page's text."""
    page = client.get(reverse("summaries:peers", args=[plan.pk, 1]))
    row = {row["name"]: row for row in page.context["peers"]}[ENERGY]
    return row, text_of(page.content.decode())


def more_submitted_parks(province, n: int) -> None:
    for i in range(n):
        park = ParkFactory(name=f"{province.short_name}第{i + 1}高新区", province=province)
        plan_with_numbers(park, UserFactory(park_editor=True, park=park), status=State.SUBMITTED)


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_see_no_percentile_among_fewer_than_five_parks(
    world, client_for, parks, persona
):
    # given park A and one other 江苏 park with a submitted plan (three parks nationally)
    # when park A's staff read their own version
    row, text = energy_peers(client_for(getattr(world, persona)), parks["a"])

    # then neither comparison is shown, nor could the other 江苏 park's side be read from it
    assert (row["province_parks"], row["parks"]) == (2, 3)
    assert row["baseline_province"] is None and row["baseline_province_withheld"]
    assert row["baseline_national"] is None and row["baseline_national_withheld"]
    assert row["target_province"] is None and row["target_national"] is None
    assert "—* / —*" in text
    assert "参与比较的园区少于 5 个" in text


def test_reviewer_sees_the_percentiles_of_a_province_with_two_parks(world, client_for, parks):
    # when province A's reviewer reads park A's version, where park A's staff see none
    row, text = energy_peers(client_for(world.reviewer_a), parks["a"])

    # then both comparisons are there (no other park does worse than A), and no note about
    # withholding them
    assert (row["baseline_national"], row["baseline_province"]) == (0, 0)
    assert not row["withheld"]
    assert "参与比较的园区少于" not in text


def test_park_staff_see_the_national_percentile_once_five_parks_are_compared(
    world, client_for, parks
):
    # given three more 浙江 parks: six parks nationally, still two in 江苏
    more_submitted_parks(world.province_b, 3)

    # when park A's manager reads park A's version
    row, text = energy_peers(client_for(world.manager_a), parks["a"])

    # then the national comparison is shown, the province's still withheld
    assert (row["province_parks"], row["parks"]) == (2, 6)
    assert row["baseline_national"] == 0
    assert row["baseline_province"] is None and row["baseline_province_withheld"]
    assert "参与比较的园区少于 5 个" in text


def test_park_staff_see_the_province_percentile_once_five_parks_are_compared(
    world, client_for, parks
):
    # given three more 江苏 parks: five in 江苏
    more_submitted_parks(world.province_a, 3)

    # when park A's editor reads park A's version
    row, text = energy_peers(client_for(world.editor_a), parks["a"])

    # then both comparisons are shown, with no note
    assert (row["province_parks"], row["parks"]) == (5, 6)
    assert row["baseline_province"] == 0 and row["baseline_national"] == 0
    assert not row["withheld"]
    assert "参与比较的园区少于" not in text


def test_the_figures_are_cached_by_the_versions_they_come_from(world, client_for, parks):
    from django.core.cache import cache

    client = client_for(world.admin)
    cache.clear()
    # (with Redis the session is cached too: read it once, so both readings below take it from
    # the cache and differ only by the figures)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as cold:
        first = client.get(DASHBOARD).context["board"]
    # the page's content is kept too (core.fragments): a new generation renders it anew
    fragments.bump(DASHBOARD_FRAGMENT)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(DASHBOARD).context["board"]

    # the second reading takes the sums from the cache (one query fewer: no snapshots read) ...
    assert len(warm) == len(cold) - 1
    assert (
        row(second, "energy_intensity_iav").national_baseline()
        == row(first, "energy_intensity_iav").national_baseline()
    )
    # ... and a new standing version is a new key: the figures follow at once
    Plan.objects.filter(pk=parks["third"].pk).update(status=State.APPROVED)
    fragments.bump(DASHBOARD_FRAGMENT)  # an update() sends no signal; a transition does
    assert client.get(DASHBOARD).context["board"].parks_covered == 3
