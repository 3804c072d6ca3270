"""The bench fixture of issue 16: all 174 parks with five years of approved annual reports, their
data tables and actuals, bulk-made in seconds (bench.seeding.approved_reports)."""

import time

from bench.seeding import REPORT_INDICATORS, approved_reports
from indicators.models import Accounting, IndicatorActual, TableData
from indicators.selectors import report_actuals
from parks.models import Park
from parks.services import reference_data_load
from plans.models import Plan, Section
from plans.status import State
from tests.factories import CycleFactory, ensure_catalogue


def test_every_park_gets_five_approved_reports_with_tables_and_actuals(
    db, django_assert_max_num_queries
):
    # given the 174 parks
    CycleFactory()
    ensure_catalogue()
    reference_data_load()
    parks = list(Park.objects.order_by("pk"))
    assert len(parks) == 174

    # when the bench seeds their reports
    started = time.perf_counter()
    reports = approved_reports(parks)
    elapsed = time.perf_counter() - started
    print(f"approved_reports: 174 parks × 5 years in {elapsed:.1f} s")

    # then each park's plan is approved with an approved report for 2021-2025
    assert len(reports) == 174 * 5
    annual = Plan.objects.filter(kind=Plan.Kind.ANNUAL)
    assert annual.count() == 870
    assert set(annual.values_list("status", flat=True)) == {State.APPROVED}
    assert set(Plan.objects.filter(kind=Plan.Kind.PLAN).values_list("status", flat=True)) == {
        State.APPROVED
    }
    assert sorted(set(annual.values_list("data_year", flat=True))) == [2021, 2022, 2023, 2024, 2025]
    assert TableData.objects.filter(plan__kind=Plan.Kind.ANNUAL).count() == 870 * 4
    assert Accounting.objects.filter(plan__kind=Plan.Kind.ANNUAL).count() == 870
    assert IndicatorActual.objects.count() == 870 * len(REPORT_INDICATORS)
    assert Section.objects.filter(plan__kind=Plan.Kind.ANNUAL, is_done=True).exists()

    # and a report's actuals are what its data tables imply, some targets met and some missed
    report = annual.get(park=parks[0], data_year=2024)
    lines = {line.row.derivation: line for line in report_actuals(report)}
    energy = lines["energy_intensity_iav"]
    assert energy.computed
    assert abs(energy.actual - energy.row.actual) < energy.row.actual / 1000
    results = {
        line.result.met for r in annual.filter(data_year=2025)[:40] for line in report_actuals(r)
    }
    assert results == {True, False}
