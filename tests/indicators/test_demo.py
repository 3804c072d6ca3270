"""The demo numbers (portal.demo.numbers): tables and targets that agree with each other."""

from decimal import Decimal

import pytest

from indicators.models import PlanIndicator, TableData
from indicators.tables import TABLES
from parks.models import AuditEntry
from portal.demo.numbers import DEMO_SOURCE, INTENSITY, seed_demo_numbers
from tests.indicators.helpers import YEARS, numbers_of

D = Decimal


@pytest.fixture
def demo_plan(world, plan_a):
    seed_demo_numbers(plan_a, world.editor_a)
    return plan_a


def test_the_demo_tables_imply_an_energy_intensity_falling_to_0_17(demo_plan):
    # when the demo plan's numbers are read
    derived = numbers_of(demo_plan).derived["energy_intensity_iav"]

    # then 2020 is 0.17 tce/万元 to four places, and each year the intended value
    assert derived[2020].quantize(D("0.0001")) == D("0.1700")
    assert {y: derived[y].quantize(D("0.0001")) for y in YEARS} == {
        y: INTENSITY[y].quantize(D("0.0001")) for y in YEARS
    }


def test_every_demo_table_has_a_value_for_every_year(demo_plan):
    numbers = numbers_of(demo_plan)
    for key, table in TABLES.items():
        rows = numbers.values[key]
        expected = (
            {"electricity", "natural_gas", "raw_coal", "heat", "diesel"}
            if table.fuel_rows
            else {row.key for row in table.rows}
        )
        assert set(rows) == expected, key
        assert all(set(cells) == {str(y) for y in YEARS} for cells in rows.values()), key


def test_the_demo_baselines_raise_no_baseline_mismatch(demo_plan):
    # when the demo plan's indicators are checked against its tables
    rows = numbers_of(demo_plan).indicators

    # then the required indicators are there, none disagrees with the tables, and the
    # baselines of derivable indicators are the tables' figures to four places
    assert len(rows) == 6
    assert all(w.code != "baseline_mismatch" for row in rows for w in row.warnings)
    for row in rows:
        pi = row.plan_indicator
        if pi.indicator.code in ("energy_intensity_iav", "co2_intensity_iav"):
            assert D(pi.baseline) == row.derived_baseline.quantize(D("0.0001")), pi.name


def test_the_demo_targets_meet_the_policy_and_every_warning_is_justified(demo_plan):
    rows = {row.plan_indicator.indicator.code: row for row in numbers_of(demo_plan).indicators}

    # the CO2 intensity path is the policy's 4 % a year, so no policy warning
    assert all(w.code != "policy_cut" for row in rows.values() for w in row.warnings)
    # 2025 energy intensity 0.17 × 0.85 = 0.1445 meets the national reference (< 0.4)
    assert rows["energy_intensity_iav"].plan_indicator.targets["2025"] == "0.1445"
    assert rows["energy_intensity_iav"].warnings == []
    # the one warning the demo keeps (the cut rate below 2016-2020's) comes with its reason
    assert [row.unjustified for row in rows.values()] == [[]] * len(rows)
    assert [w.code for w in rows["co2_intensity_cut_rate"].warnings] == ["direction"]


def test_the_demo_says_its_data_is_demo_data(demo_plan):
    sources = set(
        PlanIndicator.objects.filter(plan=demo_plan).values_list("data_source", flat=True)
    )
    assert sources == {DEMO_SOURCE}
    assert "演示数据" in DEMO_SOURCE


def test_seeding_the_demo_twice_changes_nothing(world, demo_plan):
    # given the demo seeded once
    tables = {t.table: (t.values, t.revision) for t in TableData.objects.filter(plan=demo_plan)}
    indicators = list(
        PlanIndicator.objects.filter(plan=demo_plan).values_list(
            "pk", "baseline", "targets", "revision"
        )
    )
    audits = AuditEntry.objects.count()

    # when it is seeded again
    seed_demo_numbers(demo_plan, world.editor_a)

    # then nothing changed and nothing was audited
    assert {
        t.table: (t.values, t.revision) for t in TableData.objects.filter(plan=demo_plan)
    } == tables
    assert (
        list(
            PlanIndicator.objects.filter(plan=demo_plan).values_list(
                "pk", "baseline", "targets", "revision"
            )
        )
        == indicators
    )
    assert AuditEntry.objects.count() == audits
