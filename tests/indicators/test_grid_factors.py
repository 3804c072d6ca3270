"""Grid factors by data year (issue 15): each year's electricity CO2 uses that year's published
factor, a year without one a stand-in that says so; the park's series by default is its
province's, else its regional grid's, else the national average, and any other needs a reason;
a factor published later marks the stand-ins and a recomputation updates the live plan only.

Hand calculations: 100 万kWh = 1,000 MWh; CO2 = 1,000 × factor."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from documents.schema import Frozen
from documents.thaw import version_document
from indicators import grid, selectors, services
from indicators.models import Accounting, CoefficientSet, GridFactor
from parks.models import AuditEntry
from plans.models import Cycle
from review.services import version_freeze
from tests.factories import ParkFactory, PlanFactory, ProvinceFactory
from tests.indicators.helpers import store_table
from tests.plans.helpers import text_of

D = Decimal
EAST = "regional|华东"
NATIONAL = "national average|全国"


@pytest.fixture
def cycle_2026(db):
    """The next cycle: its history years 2021-2025 span published (2021-2023) and not yet
    published (2024, 2025) factor years."""
    return Cycle.objects.create(
        code="2026-2030",
        name="2026-2030年",
        plan_start_year=2026,
        plan_end_year=2030,
        base_year=2025,
        history_start_year=2021,
        history_end_year=2025,
        deadline="2026-12-31",
    )


@pytest.fixture
def plan_2026(world, catalogue, cycle_2026):
    """Park A (江苏省) in the 2026-2030 cycle, using 100 万kWh of electricity every year."""
    plan = PlanFactory(park=world.park_a, cycle=cycle_2026)
    store_table(
        plan,
        "energy",
        {"electricity": {str(y): "100" for y in range(2021, 2026)}},
        world.editor_a,
    )
    return plan


def numbers_of(plan):
    return selectors.plan_numbers(plan, selectors.accounting_for_reading(plan))


def electricity_co2(numbers) -> dict[int, Decimal]:
    line = next(line for line in numbers.account.lines if line.fuel.key == "electricity")
    return line.co2


def choose(plan, actor, series, reason=""):
    accounting = services.accounting_get_or_create(plan=plan)
    return services.accounting_save(
        plan=plan,
        actor=actor,
        coefficient_set=accounting.coefficient_set,
        grid_series=series,
        grid_reason=reason,
        expected_revision=accounting.revision,
    )


# --- factors by data year -----------------------------------------------------------------------


def test_each_data_year_uses_its_own_factor_and_later_years_the_latest_published(world, plan_2026):
    # given park A in 江苏省 (no provincial factor: the East China grid's, published for 2022
    # and 2023), using 1,000 MWh a year in 2021-2025

    # when its numbers are computed
    numbers = numbers_of(plan_2026)

    # then 2022 and 2023 use their own factors, 2024 and 2025 use 2023's and 2021 (before the
    # grid's first publication) uses 2022's, each stand-in named
    co2 = electricity_co2(numbers)
    assert co2 == {
        2021: D("561.7000"),  # 1,000 × 0.5617 (2022's)
        2022: D("561.7000"),  # 1,000 × 0.5617
        2023: D("550.0000"),  # 1,000 × 0.5500
        2024: D("550.0000"),  # 1,000 × 0.5500 (2023's)
        2025: D("550.0000"),
    }
    years = numbers.account.grid_years
    assert {y: (g.factor_year, g.note) for y, g in years.items()} == {
        2021: (2022, "2021年数据暂用2022年因子"),
        2022: (2022, ""),
        2023: (2023, ""),
        2024: (2023, "2024年数据暂用2023年因子"),
        2025: (2023, "2025年数据暂用2023年因子"),
    }
    assert numbers.account.stand_in_notes == [
        "2021年数据暂用2022年因子",
        "2024-2025年数据暂用2023年因子",
    ]


def test_the_national_average_uses_2021_to_2023_and_2023_for_later_years(world, plan_2026):
    # given park A chose the national average, with a reason
    choose(plan_2026, world.editor_a, NATIONAL, "与所在市温室气体清单口径一致。")

    # when its numbers are computed
    co2 = electricity_co2(numbers_of(plan_2026))

    # then 0.5568 (2021), 0.5366 (2022), 0.5306 (2023, and for 2024 and 2025)
    assert co2 == {
        2021: D("556.8000"),
        2022: D("536.6000"),
        2023: D("530.6000"),
        2024: D("530.6000"),
        2025: D("530.6000"),
    }


def test_the_2016_2020_tables_use_the_first_published_factor_and_say_so(world, catalogue):
    # given park A's 2021-2025 plan with 100 万kWh of electricity in 2016 and 2020
    plan = PlanFactory(park=world.park_a)
    store_table(plan, "energy", {"electricity": {"2016": "100", "2020": "100"}}, world.editor_a)

    # when its numbers are computed
    numbers = numbers_of(plan)

    # then both use the East China grid's 2022 factor, as stand-ins
    assert electricity_co2(numbers)[2016] == electricity_co2(numbers)[2020] == D("561.7000")
    assert numbers.account.stand_in_notes == ["2016-2020年数据暂用2022年因子"]


def test_the_carbon_note_cites_each_factor_in_chinese_without_file_names(world, plan_2026):
    # when park A's carbon note is written
    with translation.override("zh-hans"):
        note = numbers_of(plan_2026).carbon_note

    # then it cites the issuing body, the announcement title and its year, names the stand-ins,
    # and has no file name and no English source string
    assert "生态环境部、国家统计局《关于发布2022年电力二氧化碳排放因子的公告》（2024年）" in note
    assert "生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》（2026年）" in note
    assert "2024-2025年 0.5500 tCO2/MWh（暂用2023年因子）" in note
    assert "华东区域电网（按园区所在地默认）" in note
    for english in (".csv", "grid_emission", "MEE", "announcement", "news", "secondary"):
        assert english not in note


# --- the choice ---------------------------------------------------------------------------------


def province_park(code, name):
    return ParkFactory(province=ProvinceFactory(code=code, name=name))


@pytest.mark.parametrize(
    ("code", "name", "series", "label"),
    [
        ("340000", "安徽省", "provincial|安徽省", "安徽省（省级）"),  # its own 2022 factor
        ("320000", "江苏省", EAST, "华东区域电网"),  # none of its own: its grid's
        ("150000", "内蒙古自治区", "provincial|内蒙古自治区", "内蒙古自治区（省级）"),
        ("440000", "广东省", "regional|南方", "南方区域电网"),
        ("510000", "四川省", "provincial|四川省", "四川省（省级）"),
        ("660000", "新疆生产建设兵团", "regional|西北", "西北区域电网"),
        ("990000", "未划入电网的测试省", NATIONAL, "全国平均"),  # no grid known: national
    ],
)
def test_the_default_is_the_provinces_factor_else_its_grids_else_the_national(
    catalogue, code, name, series, label
):
    # given a park of that province
    plan = PlanFactory(park=province_park(code, name))

    # when its accounting is set up
    choice = selectors.plan_numbers(plan, services.accounting_get_or_create(plan=plan)).grid

    # then it uses the default series, without a reason
    assert (choice.key, choice.label, choice.is_default, choice.reason) == (
        series,
        label,
        True,
        "",
    )


def test_the_province_to_grid_mapping_covers_every_province_with_the_announcements_grids():
    # given the provinces that review (../shared/domain/provinces.csv) and the seven grids
    grids = grid.province_grids()

    # then every province is mapped to one of the grids the announcements name
    assert len(grids) == 32
    assert set(grids.values()) == {"华北", "东北", "华东", "华中", "西北", "南方", "西南"}
    assert (grids["370000"], grids["360000"], grids["500000"]) == ("华北", "华中", "西南")


def test_another_factor_is_refused_without_a_reason(world, plan_a):
    # when park A's editor chooses the fossil-fuel power factor without a reason
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        choose(plan_a, world.editor_a, "national fossil-fuel power|全国", "  ")

    # then nothing is saved and the reason's field says why, in Chinese
    assert "须填写理由" in refused.value.message_dict["grid_reason"][0]
    assert Accounting.objects.get(plan=plan_a).grid_scope == ""


def test_another_factor_with_a_reason_is_kept_and_audited(world, plan_a):
    # when the editor chooses the national average and says why
    choose(plan_a, world.editor_a, NATIONAL, "园区用电主要来自全国电力市场交易。")

    # then the choice and its reason are stored, and an audit row names both
    accounting = Accounting.objects.get(plan=plan_a)
    assert (accounting.grid_scope, accounting.grid_reason) == (
        "national average",
        "园区用电主要来自全国电力市场交易。",
    )
    entry = AuditEntry.objects.filter(park=world.park_a).latest("pk")
    assert entry.changes["grid_series"]["new"] == "全国平均"
    assert entry.changes["grid_2020"]["new"] == "0.5568 tCO2/MWh（全国平均，2021年）"


def test_choosing_the_default_again_drops_the_reason(world, plan_a):
    # given a chosen national average with a reason
    choose(plan_a, world.editor_a, NATIONAL, "理由。")

    # when the editor goes back to the default
    choose(plan_a, world.editor_a, grid.DEFAULT)

    # then the default follows the park's province again, without a reason
    accounting = Accounting.objects.get(plan=plan_a)
    assert (accounting.grid_scope, accounting.grid_region, accounting.grid_reason) == ("", "", "")


def test_unsourced_factors_are_never_offered_nor_accepted(world, plan_a, catalogue):
    # given an admin added the unsourced "enterprise reporting default" 0.5703 to the set
    GridFactor.objects.create(
        coefficient_set=catalogue.coefficient_set,
        data_year=2023,
        scope="enterprise GHG reporting default",
        region="全国",
        t_co2_per_mwh=D("0.5703"),
        status="unverified",
    )

    # when the data page offers the series, and when someone posts that one anyway
    choice = numbers_of(plan_a).grid
    with pytest.raises(ValidationError) as refused:
        choose(plan_a, world.editor_a, "enterprise GHG reporting default|全国", "理由")

    # then it is neither offered nor accepted, and every offered series is a sourced one
    assert "enterprise GHG reporting default|全国" not in choice.offered
    assert "grid_series" in refused.value.message_dict
    assert all(f.is_sourced for s in choice.offered.values() for f in s.factors)
    assert len(choice.offered) == 3 + 7 + 10


def test_the_reviewer_reads_the_reason_in_the_frozen_version(world, plan_a):
    # given park A chose the national average with a reason and submitted a version
    choose(plan_a, world.editor_a, NATIONAL, "与所在市温室气体清单口径一致。")
    store_table(plan_a, "energy", {"electricity": {"2020": "100"}}, world.editor_a)
    version = version_freeze(plan=plan_a, actor=world.manager_a)

    # when the version is laid out again from its snapshot
    doc = version_document(version, file_url=lambda *args: "")

    # then the choice, its reason and each year's factor year are the frozen ones
    account = doc.numbers.account
    assert account.grid_choice == "全国平均（园区自选）"
    assert account.grid_reason == "与所在市温室气体清单口径一致。"
    assert account.grid_years[2020].note == "2020年数据暂用2021年因子"
    assert "选用理由：与所在市温室气体清单口径一致。" in doc.numbers.carbon_note


# --- a factor published later -------------------------------------------------------------------


def publish_2024_east_china(coefficient_set):
    return GridFactor.objects.create(
        coefficient_set=coefficient_set,
        data_year=2024,
        scope="regional",
        region="华东",
        t_co2_per_mwh=D("0.5400"),
        issuer="生态环境部、国家统计局",
        announcement="关于发布2024年电力二氧化碳排放因子的公告",
        announced_year=2027,
        status="test",
    )


def test_a_newer_factor_marks_the_stand_ins_and_changes_nothing_until_recomputed(
    world, plan_2026, catalogue
):
    # given park A's live plan computed with the factors published so far
    services.accounting_get_or_create(plan=plan_2026)
    assert electricity_co2(numbers_of(plan_2026))[2024] == D("550.0000")

    # when the East China grid's 2024 factor (0.5400, made up for the test) is published
    publish_2024_east_china(catalogue.coefficient_set)
    numbers = numbers_of(plan_2026)

    # then the figures stay, and 2024 and 2025 are marked: a newer factor exists for them
    assert electricity_co2(numbers)[2024] == D("550.0000")
    assert numbers.grid.stale_years == [2024, 2025]
    assert numbers.account.grid_years[2024].newer_year == 2024


def test_recomputing_updates_the_live_plan_but_not_a_frozen_version(
    world, plan_2026, catalogue, client_for
):
    # given a version frozen before the 2024 factor was published
    services.accounting_get_or_create(plan=plan_2026)
    version = version_freeze(plan=plan_2026, actor=world.manager_a)
    publish_2024_east_china(catalogue.coefficient_set)
    client = client_for(world.editor_a)
    page = client.get(reverse("indicators:data", args=[plan_2026.pk])).content.decode()
    assert "data-grid-stale" in page
    accounting = Accounting.objects.get(plan=plan_2026)

    # when the editor recomputes from the data page
    response = client.post(
        reverse("indicators:grid-recompute", args=[plan_2026.pk]),
        {"revision": str(accounting.revision)},
    )

    # then the live plan uses 2024's factor for 2024 and 2025 (1,000 × 0.5400), says so, and
    # an audit row records each year's change
    assert response.status_code == 302
    after = client.get(response.url).content.decode()
    assert "已按新公布的电网排放因子重新计算：2024、2025年。" in text_of(after)
    numbers = numbers_of(plan_2026)
    assert electricity_co2(numbers)[2024] == electricity_co2(numbers)[2025] == D("540.0000")
    assert numbers.grid.stale_years == []
    assert numbers.account.stand_in_notes == [
        "2021年数据暂用2022年因子",
        "2025年数据暂用2024年因子",
    ]
    entry = AuditEntry.objects.filter(park=world.park_a).latest("pk")
    assert entry.changes["grid_2024"] == {
        "label": "2024年电网排放因子",
        "old": "0.5500 tCO2/MWh（华东区域电网，2023年）",
        "new": "0.5400 tCO2/MWh（华东区域电网，2024年）",
    }
    # and the frozen version keeps its numbers and the factor year it used
    frozen = Frozen(version.snapshot)
    line = next(line for line in frozen.energy.lines if line.key == "electricity")
    assert line.co2["2024"] == "550.0000"
    year_2024 = next(g for g in frozen.accounting.grid_years if g.year == 2024)
    assert (year_2024.value, year_2024.factor_year) == ("0.5500", 2023)


def test_a_reviewer_cannot_recompute(world, plan_2026, client_for, catalogue):
    # given a newer factor and province A's reviewer
    accounting = services.accounting_get_or_create(plan=plan_2026)
    publish_2024_east_china(catalogue.coefficient_set)

    # when the reviewer posts the recomputation
    response = client_for(world.reviewer_a).post(
        reverse("indicators:grid-recompute", args=[plan_2026.pk]),
        {"revision": str(accounting.revision)},
    )

    # then it is a missing right and nothing changes
    assert response.status_code == 403
    assert Accounting.objects.get(plan=plan_2026).grid_years == accounting.grid_years


def test_the_admin_adds_a_newly_published_year_to_a_set_in_use_but_changes_no_factor(
    world, plan_2026, catalogue, rf
):
    from django.contrib import admin

    from indicators.admin import FuelCoefficientInline, GridFactorInline

    # given the default set, which park A's live plan computes with
    services.accounting_get_or_create(plan=plan_2026)
    request = rf.get("/admin/")
    request.user = world.admin
    factors = GridFactorInline(CoefficientSet, admin.site)
    fuels = FuelCoefficientInline(CoefficientSet, admin.site)
    in_use = catalogue.coefficient_set

    # then the national admin may add a factor row (a newly published year) ...
    assert factors.has_add_permission(request, in_use)
    # ... but neither change nor delete one, nor touch the fuels of a set in use
    assert not factors.has_change_permission(request, in_use)
    assert not factors.has_delete_permission(request, in_use)
    assert not fuels.has_add_permission(request, in_use)
    # and a reviewer may add nothing
    request.user = world.national
    assert not factors.has_add_permission(request, in_use)


def test_a_province_with_its_own_2022_factor_uses_it_for_2023_as_a_stand_in(catalogue, cycle_2026):
    # given a park in 安徽省: its own factor is published for 2022; the 2023 provincial factors
    # are not in the data (../shared/domain/README.md), the 华东 grid's 2023 one is
    plan = PlanFactory(park=province_park("340000", "安徽省"), cycle=cycle_2026)

    # when its grid factors are resolved for 2021-2025
    years = numbers_of(plan).account.grid_years

    # then 2023 uses 安徽's 2022 factor and says so, never the grid's or the nation's 2023 one
    assert {y: (g.value, g.factor_year, g.series, g.note) for y, g in years.items()}[2023] == (
        D("0.6782"),
        2022,
        "安徽省（省级）",
        "2023年数据暂用2022年因子",
    )
    assert all(g.value == D("0.6782") for g in years.values())
