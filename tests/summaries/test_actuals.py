"""The national and provincial view of the reports' actuals (issue 16 item 8), worked out by
hand for three parks in two provinces and two data years: the zones' energy intensity as a ratio
of sums against 0.4, the share of parks below 0.3, the 4 % a year CO2 cut, the attainment rate,
investment executed against planned, who has not reported; the page, its scoping and its
queries, which do not grow with the number of parks; the page kept in the shared cache and
what each kind of write changes on it showing in the very next reading."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import IndicatorActual, TableData
from parks.services import park_update
from plans.models import Plan, ProjectProgress
from plans.status import State
from reports.models import ReportDeadline
from reports.services import report_start
from review.services import version_freeze
from summaries import actuals
from summaries.exports import export_request
from summaries.figures import Scope
from summaries.models import ExportJob
from summaries.services import summary_snapshot_create
from tests.factories import ParkFactory, UserFactory
from tests.queries import signed_in_queries, unread_count_queries
from tests.review.helpers import act, text_of
from tests.summaries.test_dashboard import plan_with_numbers

TODAY = datetime.date(2026, 11, 30)
ACTUALS = reverse("summaries:actuals")
COAL_TCE = Decimal("0.7143")  # 原煤 tce per tonne (the default coefficient set)
# t CO2 per tonne: 20.908 GJ/t × 26.37 tC/TJ × 0.94 oxidised × 44/12 ÷ 1000 = 1.90030
COAL_CO2 = Decimal("20.908") * Decimal("26.37") * Decimal("0.94") * 44 / 12 / 1000


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def approved_plan(park, editor):
    return plan_with_numbers(park, editor, status=State.APPROVED)


def report(plan, editor, year, *, coal, iav, co2_baseline, target, projects, approve=True):
    """An annual report of `year` on `plan`: its data tables (raw coal in tonnes, industrial
    added value in 万元), its CO2 baseline and energy intensity target, its projects ((planned,
    invested) in 万元); frozen and approved as the workflow would leave it."""
    made = report_start(plan=plan, kind="annual", data_year=year, actor=editor)
    TableData.objects.update_or_create(
        plan=made, table="economy", defaults={"values": {"iav": {str(year): str(iav)}}}
    )
    TableData.objects.update_or_create(
        plan=made, table="energy", defaults={"values": {"raw_coal": {str(year): str(coal)}}}
    )
    IndicatorActual.objects.filter(plan=made, derivation="co2_intensity_iav").update(
        baseline=co2_baseline
    )
    IndicatorActual.objects.filter(plan=made, derivation="energy_intensity_iav").update(
        target=target
    )
    ProjectProgress.objects.filter(plan=made).delete()
    for position, (planned, invested) in enumerate(projects, start=1):
        ProjectProgress.objects.create(
            plan=made,
            position=position,
            name=f"项目{position}",
            planned_start_year=2021,
            planned_end_year=2025,
            planned_investment=Decimal(planned),
            invested=Decimal(invested),
            status=ProjectProgress.Status.UNDER_CONSTRUCTION,
        )
    if approve:
        version_freeze(plan=made, actor=editor)
        Plan.objects.filter(pk=made.pk).update(status=State.APPROVED)
    return made


@pytest.fixture
def three(world, catalogue):
    """Park A (江苏), park C (江苏), park B (浙江), each with an approved plan; 2025 reports of
    all three, 2024 reports of A and B (C's 2024 report is a draft)."""
    editor_b = UserFactory(park_editor=True, park=world.park_b)
    park_c = ParkFactory(name="南京高新技术产业开发区", province=world.province_a)
    editor_c = UserFactory(park_editor=True, park=park_c)
    plans = {
        "a": approved_plan(world.park_a, world.editor_a),
        "b": approved_plan(world.park_b, editor_b),
        "c": approved_plan(park_c, editor_c),
    }
    # 2025: A 4000 t coal / 20000 万元, C 7000 / 5000, B 3000 / 10000
    report(plans["a"], world.editor_a, 2025, coal=4000, iav=20000, co2_baseline="0.5",
           target="0.3", projects=[(1000, 800)])  # fmt: skip
    report(plans["c"], editor_c, 2025, coal=7000, iav=5000, co2_baseline="3.0",
           target="0.3", projects=[(300, 100), (200, 0)])  # fmt: skip
    report(plans["b"], editor_b, 2025, coal=3000, iav=10000, co2_baseline="0.65",
           target="0.3", projects=[(2000, 2000)])  # fmt: skip
    # 2024: A 5000 / 20000, B 3000 / 8000; C started and left in draft
    report(plans["a"], world.editor_a, 2024, coal=5000, iav=20000, co2_baseline="0.5",
           target="0.3", projects=[(1000, 500)])  # fmt: skip
    report(plans["b"], editor_b, 2024, coal=3000, iav=8000, co2_baseline="0.65",
           target="0.2", projects=[(2000, 1500)])  # fmt: skip
    report(plans["c"], editor_c, 2024, coal=1, iav=1, co2_baseline="3.0",
           target="0.3", projects=[(1, 1)], approve=False)  # fmt: skip
    return plans | {"park_c": park_c}


def board(user, year=2025):
    return actuals.actuals_board(user=user, scope=Scope(cycle="2021-2025"), year=year)


def test_the_2025_scoreboard_by_hand(world, three):
    national = board(world.national)
    score = national.scoreboard

    # Σ tce = (4000 + 7000 + 3000) × 0.7143 = 10000.2; Σ 工业增加值 = 35000
    assert score.energy.numerator == 14000 * COAL_TCE == Decimal("10000.2")
    assert score.energy.denominator == 35000
    assert score.intensity.value.quantize(Decimal("0.000001")) == Decimal("0.285720")
    assert score.intensity.parks == 3
    assert score.zones_met is True  # 0.2857 ≤ 0.4 (the parks' average, 0.4524, would miss)
    # each park's own: A 0.14286, C 1.00002, B 0.21429: two of three below 0.3
    assert (score.half.parks, score.half.within) == (3, 2)
    assert score.half.share.quantize(Decimal("0.01")) == Decimal("66.67")
    assert score.half.met is True
    # CO2 intensity: A 4000×1.9003/20000 = 0.38006 ≤ 0.5 × 0.96^5 = 0.40769: met;
    # C 2.66042 > 3.0 × 0.96^5 = 2.44612; B 0.57009 > 0.65 × 0.96^5 = 0.52999: missed
    assert (score.cut_parks, score.cut_met) == (3, 1)
    assert score.co2.numerator.quantize(Decimal("0.01")) == (14000 * COAL_CO2).quantize(
        Decimal("0.01")
    )  # 26604.18 t
    # investment executed: (800 + 100 + 0 + 2000) / (1000 + 300 + 200 + 2000) = 2900 / 3500
    assert (score.invested, score.planned) == (Decimal(2900), Decimal(3500))
    assert score.executed.quantize(Decimal("0.01")) == Decimal("82.86")
    assert score.project_count == 4

    # by province: 江苏 (A, C) 7857.3 / 25000; 浙江 (B) 2142.9 / 10000
    by_province = dict(national.by_province(2025))
    jiangsu, zhejiang = by_province["江苏省"], by_province["浙江省"]
    assert jiangsu.intensity.value == Decimal("7857.3") / 25000
    assert (jiangsu.half.within, jiangsu.half.parks, jiangsu.cut_met) == (1, 2, 1)
    assert jiangsu.executed == Decimal(900) * 100 / 1500  # 60 %
    assert zhejiang.intensity.value == Decimal("2142.9") / 10000
    assert (zhejiang.cut_met, zhejiang.cut_parks) == (0, 1)


def test_attainment_rate_per_indicator_by_hand(world, three):
    rows = {row.name: row for row in board(world.national).indicators}
    energy = rows["单位工业增加值综合能耗"]
    # target 0.3: A 0.14286 met, B 0.21429 met, C 1.00002 missed
    assert (energy.met, energy.missed, energy.compared) == (2, 1, 3)
    assert energy.rate.quantize(Decimal("0.01")) == Decimal("66.67")
    # 2024: A 3571.5/20000 = 0.1786 ≤ 0.3 met; B 2142.9/8000 = 0.2679 > 0.2 missed
    rows_2024 = {row.name: row for row in board(world.national, 2024).indicators}
    energy_2024 = rows_2024["单位工业增加值综合能耗"]
    assert (energy_2024.met, energy_2024.missed) == (1, 1)


def test_a_year_is_its_own_ratio_of_sums_and_a_draft_counts_for_nothing(world, three):
    year = board(world.national, 2024).figures.group(2024)
    # A and B only (C's 2024 report is a draft): (5000 + 3000) × 0.7143 / (20000 + 8000)
    assert year.parks == 2
    assert year.intensity.value == Decimal("5714.4") / 28000
    assert (year.half.within, year.cut_parks) == (2, 2)
    assert year.executed == Decimal(2000) * 100 / 3000


def test_who_has_not_reported(world, three):
    national = board(world.national, 2024)
    missing = national.missing_year
    assert [(m.park, m.started) for m in missing] == [("南京高新技术产业开发区", True)]
    counts = {owed.key: n for owed, n in national.missing_by_year}
    # 2021-2023 owed by all three parks, 2024 by C, 2025 by none, the final evaluation by all
    assert counts == {
        ("annual", 2021): 3,
        ("annual", 2022): 3,
        ("annual", 2023): 3,
        ("annual", 2024): 1,
        ("final", None): 3,
    }


def test_a_provincial_reviewer_sees_their_province_only(world, three, client_for):
    mine = board(world.reviewer_b)
    assert [name for name, _group in mine.year_provinces] == ["浙江省"]
    assert mine.scoreboard.intensity.value == Decimal("2142.9") / 10000
    assert {m.park for m in mine.missing} == {world.park_b.name}

    page = client_for(world.reviewer_b).get(ACTUALS)
    assert page.status_code == 200
    html = page.content.decode()
    assert world.park_b.name in html and "南京高新技术产业开发区" not in html


def test_the_page_in_chinese(world, three, client_for):
    page = client_for(world.national).get(ACTUALS, {"year": "2024"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025年计分板" in html
    assert "table-scroll" in html
    assert "南京高新技术产业开发区" in html  # not reported for 2024
    assert client_for(world.editor_a).get(ACTUALS).status_code == 403


def test_queries_do_not_grow_with_the_parks(world, three, client_for, catalogue):
    client = client_for(world.national)
    client.get(ACTUALS)  # warm what is cached per process (sessions, content types)
    cache.clear()  # the figures worked out each time, not read from the shared cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(ACTUALS).status_code == 200
    # two more parks with approved plans and 2025 reports
    for name in ("杭州高新区（滨江）二园", "宁波国家高新区"):
        park = ParkFactory(name=name, province=world.province_b)
        editor = UserFactory(park_editor=True, park=park)
        plan = approved_plan(park, editor)
        report(plan, editor, 2025, coal=100, iav=1000, co2_baseline="0.3",
               target="0.3", projects=[(10, 5)])  # fmt: skip
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        assert client.get(ACTUALS).status_code == 200
    assert len(more) == len(few)


def test_the_export_has_the_actuals_attainment_and_execution_sheets(
    world, three, django_capture_on_commit_callbacks
):
    # when the national admin exports the approved plans (and so the approved reports)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=world.admin, scope=Scope(cycle=world.cycle.code))
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    with job.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))

    # then the actuals sheet has the figures worked out by hand, nationally and by province
    rows = {(r[1], r[0]): r for r in workbook["6 实际值（全国及分省）"].iter_rows(values_only=True)}
    national = rows[("全国", 2025)]
    assert national[2] == 3  # parks reported
    assert national[3] == pytest.approx(10000.2) and national[4] == 35000
    assert national[5] == pytest.approx(10000.2 / 35000)
    assert national[6] == "是"
    assert national[7:10] == (3, 2, pytest.approx(200 / 3))
    assert national[12:14] == (3, 1)
    assert rows[("江苏省", 2025)][5] == pytest.approx(7857.3 / 25000)
    assert rows[("全国", 2024)][2] == 2
    attainment = {
        (r[1], r[0], r[2]): r for r in workbook["7 指标达成情况"].iter_rows(values_only=True)
    }
    energy = attainment[("全国", 2025, "单位工业增加值综合能耗")]
    assert energy[4:8] == (2, 1, 0, pytest.approx(200 / 3))
    execution = {(r[1], r[0]): r for r in workbook["8 项目执行情况"].iter_rows(values_only=True)}
    assert execution[("全国", 2025)][-4:] == (3500, 2900, 0, pytest.approx(2900 * 100 / 3500))
    assert execution[("江苏省", 2025)][-1] == pytest.approx(60)


def test_a_snapshot_keeps_the_reports_figures(world, three):
    # given a snapshot frozen now
    snapshot = summary_snapshot_create(actor=world.admin, name="2026年报告", cycle=world.cycle)
    scope = Scope(cycle=world.cycle.code, snapshot=snapshot.pk)
    before = actuals.actuals_board(user=world.national, scope=scope).scoreboard.intensity

    # when park C's 2025 report is returned and another park reports 2025 since
    Plan.objects.filter(follows=three["c"], data_year=2025).update(status=State.RETURNED)

    # then the snapshot's figures stay those of the three reports
    kept = actuals.actuals_board(user=world.national, scope=scope).scoreboard.intensity
    live = board(world.national).scoreboard.intensity
    assert kept == before and kept.parks == 3
    assert live.parks == 2
    assert snapshot.versions.filter(plan__kind="plan").count() == 3


# --- the page kept in the shared cache (core.fragments, summaries.extends.ACTUALS) ------------


def read(client, params=None):
    """(the page's text, whether its content was rendered anew) for one reading."""
    response = client.get(ACTUALS, params or {})
    assert response.status_code == 200
    fresh = "summaries/_actuals_body.html" in {t.name for t in response.templates}
    return text_of(response.content.decode()), fresh


def missing_rows(client, year):
    """The parks of the selected year's "not reported" table, with whether each started."""
    html = client.get(ACTUALS, {"year": str(year)}).content.decode()
    table = html.split("data-missing>", 1)[1].split("</table>", 1)[0]
    return [text_of(row) for row in table.split("<tr>")[2:]]


def test_a_warm_reading_renders_nothing_and_costs_three_queries_at_most(world, three, client_for):
    client = client_for(world.national)
    assert read(client)[1] is True
    with CaptureQueriesContext(connection) as warm:
        text, fresh = read(client)
    # the session and the user (from the cache where Redis is configured) and the menu's unread
    # notifications: the cycle, the versions, who owes what are not read
    assert fresh is False and "2025年计分板" in text
    assert len(warm) == unread_count_queries() + signed_in_queries(), [
        q["sql"] for q in warm.captured_queries
    ]
    # another year is another part; a provincial reviewer has their own
    assert read(client, {"year": "2024"})[1] is True
    assert read(client_for(world.reviewer_a))[1] is True


def test_a_report_started_submitted_and_approved_shows_in_the_next_reading(
    world, three, client_for, writes
):
    client, name = client_for(world.national), world.park_a.name
    assert f"江苏省 {name} 2023年度实施情况报告 否" in missing_rows(client, 2023)
    report_2023 = writes(
        lambda: report_start(plan=three["a"], kind="annual", data_year=2023, actor=world.editor_a)
    )
    assert f"江苏省 {name} 2023年度实施情况报告 是" in missing_rows(client, 2023)

    # submitted and in national review (what a submission checks is the workflow's tests'):
    # frozen, and its state saved as the workflow's service saves it
    def submit():
        version_freeze(plan=report_2023, actor=world.manager_a)
        report_2023.status = State.NATIONAL_REVIEW
        report_2023.save(update_fields=["status"])

    writes(submit)
    assert not any(name in row for row in missing_rows(client, 2023))
    assert "来自 5 份已通过的报告" in read(client)[0]

    writes(lambda: act(report_2023, world, "approve", "national"))
    text, fresh = read(client)
    assert fresh and "来自 6 份已通过的报告" in text


def test_a_plan_approved_owes_its_reports_in_the_next_reading(world, three, client_for, writes):
    client = client_for(world.national)
    park = ParkFactory(name="宁波国家高新区", province=world.province_b)
    plan = plan_with_numbers(
        park, UserFactory(park_editor=True, park=park), status=State.NATIONAL_REVIEW
    )
    assert not any("宁波国家高新区" in row for row in missing_rows(client, 2025))

    writes(lambda: act(plan, world, "approve", "national"))
    assert "浙江省 宁波国家高新区 2025年度实施情况报告 否" in missing_rows(client, 2025)


def test_a_park_renamed_or_moved_shows_in_the_next_reading(world, three, client_for, writes):
    client, park_c = client_for(world.national), three["park_c"]
    assert "江苏省 南京高新技术产业开发区 2024年度实施情况报告 是" in missing_rows(client, 2024)

    writes(lambda: park_update(actor=world.admin, park=park_c, name="南京江北新区高新园"))
    assert "江苏省 南京江北新区高新园 2024年度实施情况报告 是" in missing_rows(client, 2024)

    park_c.refresh_from_db()
    writes(lambda: park_update(actor=world.admin, park=park_c, province=world.province_b))
    assert "浙江省 南京江北新区高新园 2024年度实施情况报告 是" in missing_rows(client, 2024)


def test_a_province_renamed_shows_in_the_next_reading(world, three, client_for, writes):
    client = client_for(world.national)
    assert "江苏省 南京高新技术产业开发区" in " ".join(missing_rows(client, 2024))

    def rename():
        world.province_a.name = "江苏"
        world.province_a.save(update_fields=["name"])

    writes(rename)
    assert "江苏 南京高新技术产业开发区" in " ".join(missing_rows(client, 2024))


def test_a_due_date_set_or_a_cycle_renamed_shows_in_the_next_reading(
    world, three, client_for, writes
):
    client = client_for(world.national)
    assert "2024年度实施情况报告 2025-03-31" in read(client)[0]

    writes(
        lambda: ReportDeadline.objects.create(
            cycle=world.cycle,
            kind=Plan.Kind.ANNUAL,
            data_year=2024,
            due_date=datetime.date(2025, 5, 15),
        )
    )
    assert "2024年度实施情况报告 2025-05-15" in read(client)[0]

    def rename():
        world.cycle.name = "“十四五”绿色发展行动"
        world.cycle.save(update_fields=["name"])

    writes(rename)
    assert "“十四五”绿色发展行动" in read(client)[0]


def test_a_snapshot_frozen_is_offered_in_the_next_reading(world, three, client_for, writes):
    client = client_for(world.national)
    assert "2026年报告" not in read(client)[0]

    writes(lambda: summary_snapshot_create(actor=world.admin, name="2026年报告", cycle=world.cycle))
    assert "2026年报告" in read(client)[0]
