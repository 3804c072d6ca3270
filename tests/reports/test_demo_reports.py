"""The demo's reports (issue 16, item 9): seed_demo approves the demo plan through the workflow
and writes its approved 2021-2024 annual reports and the 2025 report in draft, once."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import IndicatorActual, TableData
from indicators.selectors import report_actuals
from plans.models import Plan, ProgressStatus, ProjectProgress, TaskProgress
from plans.status import State
from portal.demo.park import DEMO_PARK_A, seed_demo
from review.models import StatusChange
from tests.factories import CycleFactory, ensure_catalogue


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True
    CycleFactory()
    ensure_catalogue()
    started = time.perf_counter()
    seed_demo()
    print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    return Plan.objects.get(park__seed_key=DEMO_PARK_A, kind=Plan.Kind.PLAN)


INTENSITY = "单位工业增加值综合能耗"


def reports_of(plan):
    return {r.data_year: r for r in Plan.objects.filter(follows=plan).order_by("data_year")}


def test_the_demo_plan_is_approved_through_the_workflow(demo):
    assert demo.status == State.APPROVED
    assert list(
        StatusChange.objects.filter(plan=demo).order_by("pk").values_list("action", flat=True)
    ) == ["submit", "start", "forward", "start", "approve"]


def test_the_demo_has_approved_2021_2024_reports_and_a_2025_draft(demo):
    reports = reports_of(demo)
    assert sorted(reports) == [2021, 2022, 2023, 2024, 2025]
    assert {y: r.status for y, r in reports.items()} == {
        **dict.fromkeys([2021, 2022, 2023, 2024], State.APPROVED),
        2025: State.DRAFT,
    }
    for year in (2021, 2022, 2023, 2024):
        report = reports[year]
        assert report.versions.count() == 1
        assert TableData.objects.filter(plan=report).count() == 4
        economy = TableData.objects.get(plan=report, table="economy").values
        assert list(economy["iav"]) == [str(year)]
        for line in report_actuals(report):
            assert not line.needs_reason, (year, line.row.name)


def test_the_demo_actuals_fall_from_the_baseline_and_one_target_is_missed(demo):
    reports = reports_of(demo)
    intensity = {
        year: next(r for r in report_actuals(reports[year]) if r.row.name == INTENSITY)
        for year in (2021, 2022, 2023, 2024)
    }
    baseline = intensity[2021].row.baseline
    actuals = [intensity[y].actual for y in (2021, 2022, 2023, 2024)]
    assert baseline > actuals[0] > actuals[1] > actuals[2] > actuals[3]
    assert [intensity[y].result.met for y in (2021, 2022, 2023, 2024)] == [True, False, True, True]
    assert "疫情" in intensity[2022].row.reason
    assert IndicatorActual.objects.filter(plan=reports[2024]).exclude(data_source="").exists()


def test_the_demo_has_a_task_behind_a_project_late_and_one_added(demo):
    reports = reports_of(demo)
    behind = TaskProgress.objects.get(plan=reports[2022], status=ProgressStatus.BEHIND)
    assert "储能" in behind.reason
    late = ProjectProgress.objects.get(plan=reports[2024], name="园区集中供热管网改造项目")
    assert late.status == ProjectProgress.Status.COMPLETED
    assert late.slipped_years(2024) == 1 and "审批" in late.reason
    assert [
        (year, ProjectProgress.objects.filter(plan=reports[year], is_added=True).count())
        for year in (2021, 2022, 2023, 2024, 2025)
    ] == [(2021, 0), (2022, 1), (2023, 1), (2024, 1), (2025, 1)]  # carried forward


def test_seed_demo_twice_writes_nothing_more(demo):
    before = Plan.objects.count(), StatusChange.objects.count(), TableData.objects.count()
    with CaptureQueriesContext(connection) as queries:
        seed_demo()
    assert (Plan.objects.count(), StatusChange.objects.count(), TableData.objects.count()) == before
    assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
