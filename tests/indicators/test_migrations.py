"""Migrations 0003 (grid factors by data year), 0004 (GB/T 2589-2020 coefficients) and 0005 run
on data written before them (issue 15): plans that used the unsourced 0.5703 "enterprise
reporting default", the old default (the province's factor, else the newest national average)
or a factor of another province end on a sourced series; the parks' tables stay as they were;
frozen versions keep their snapshots and their numbers.

The test database is taken back to indicators 0002 with Django's MigrationExecutor (only the
indicators app goes back: no other app's migration depends on its later ones), given rows
through the historical models as the old code wrote them, and migrated forward again.

Hand calculations (2020; 100 万m³ of natural gas and 100 万kWh = 1,000 MWh of electricity):
- tce: gas 100 × 12.143 = 1,214.3 before 0004, 100 × 13.300 = 1,330.0 after; electricity
  100 × 1.229 = 122.9.
- CO2: gas 100 × 389.31/1000 × 15.3 × 0.99 × 44/12 = 2,162.188809 (0004 leaves it as it is);
  electricity 1,000 × 0.5703 = 570.3 (the unsourced factor), 1,000 × 0.5617 (华东 2022)."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents.freeze import content_hash
from documents.schema import Frozen
from documents.thaw import version_document
from indicators import grid
from indicators.models import Accounting, FuelCoefficient, GridFactor, TableData
from review.models import Version
from review.selectors import submission_checklist
from review.services import version_freeze
from tests.factories import ParkFactory, PlanFactory, ProvinceFactory, ensure_catalogue
from tests.indicators.helpers import numbers_of, store_table

D = Decimal
OLD = ("indicators", "0002_seed_catalogue_and_coefficients")
GRID = ("indicators", "0003_grid_factors_by_data_year")
YEARS = [str(y) for y in range(2016, 2021)]
TABLES = {
    "energy": {"natural_gas": {"2020": "100"}, "electricity": {"2020": "100"}},
    "economy": {"iav": {"2020": "50000"}},
}
GAS_CO2 = D(100) * D("389.31") / 1000 * D("15.3") * D("0.99") * 44 / 12  # 2,162.188809 t


def migrate(*targets):
    """Take the database to `targets` (every app's latest without); the models as they were."""
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())
    executor.loader.build_graph()
    applied = executor.loader.applied_migrations
    return executor.loader.project_state(tuple(applied)).apps


def format_2_snapshot(park_name):
    """A version frozen before 0003 as the old code froze it (format 2): one grid factor, the
    unsourced 0.5703, its label as the old page printed it; gas at 12.143 tce/万m³."""
    return {
        "format": 2,
        "park": {"id": 1, "name": park_name},
        "tables": TABLES,
        "accounting": {
            "coefficient_set": "能源折标与排放系数（初始数据）（seed-2024）",
            "grid_factor": "2023-2025 reporting年 enterprise GHG reporting default："
            "0.5703 tCO2/MWh",
            "missing_co2": [],
        },
        "energy": {
            "total_tce": {"2020": "1337.2"},
            "total_co2": {"2020": str(GAS_CO2 + D("570.3"))},
            "lines": [
                {"key": "natural_gas", "name": "天然气", "unit": "万立方米",
                 "quantity": {"2020": "100"}, "tce": {"2020": "1214.3"},
                 "co2": {"2020": str(GAS_CO2)}},
                {"key": "electricity", "name": "电力", "unit": "万千瓦时",
                 "quantity": {"2020": "100"}, "tce": {"2020": "122.9"}, "co2": {"2020": "570.3"}},
            ],
        },
        "carbon_note": "",
    }  # fmt: skip


@pytest.fixture
def old_world(world, catalogue):
    """Four parks' plans with the same tables: 苏州 and a second 江苏 park (no provincial factor:
    华东 by the rule), two 安徽 parks (a provincial factor of their own)."""
    anhui = ProvinceFactory(code="340000", name="安徽省")
    plans = {
        "unsourced": PlanFactory(park=world.park_a),
        "old_default": PlanFactory(park=ParkFactory(name="南京高新区", province=world.province_a)),
        "other_province": PlanFactory(park=ParkFactory(name="合肥高新区", province=anhui)),
        "own_province": PlanFactory(park=ParkFactory(name="芜湖高新区", province=anhui)),
    }
    for plan in plans.values():
        for table, values in TABLES.items():
            store_table(plan, table, values, world.editor_a)
    return plans


@pytest.mark.django_db(transaction=True)
def test_old_choices_migrate_to_sourced_series_and_frozen_versions_keep_their_numbers(
    world, old_world
):
    plans = old_world
    tables_before = {
        (r.plan_id, r.table): r.values for r in TableData.objects.filter(plan__in=plans.values())
    }
    try:
        # given the database as it was before issue 15: indicators at 0002 (0004 reversed puts
        # back 12.143 for natural gas), one grid factor per plan, chosen any way the old page let
        old = migrate(OLD)
        OldFactor = old.get_model("indicators", "GridFactor")
        OldAccounting = old.get_model("indicators", "Accounting")
        OldFuel = old.get_model("indicators", "FuelCoefficient")
        seed = old.get_model("indicators", "CoefficientSet").objects.get(version="seed-2024")
        assert OldFuel.objects.get(coefficient_set=seed, code="natural_gas").tce_per_unit == D(
            "12.143"
        )
        # the factors 0003 adds were not there yet (going back leaves them)
        OldFactor.objects.filter(data_year="2023").delete()
        unsourced = OldFactor.objects.create(
            coefficient_set=seed,
            data_year="2023-2025 reporting",
            scope="enterprise GHG reporting default",
            region="全国",
            t_co2_per_mwh=D("0.5703"),
            source="environment ministry notice for 2023-2025 reporting (recalled); not found",
            status="unverified",
            position=99,
        )

        def factor(scope, region, year):
            return OldFactor.objects.get(
                coefficient_set=seed, scope=scope, region=region, data_year=year
            )

        chosen = {
            "unsourced": unsourced,
            # the old default of a province without its own factor: the newest national average
            "old_default": factor("national average", "全国", "2022"),
            "other_province": factor("provincial", "云南省", "2022"),  # any factor could be picked
            "own_province": factor("provincial", "安徽省", "2022"),  # the old default
        }
        for name, plan in plans.items():
            OldAccounting.objects.update_or_create(
                plan_id=plan.pk,
                defaults={"coefficient_set": seed, "grid_factor": chosen[name]},
            )
        frozen_old = Version.objects.create(
            plan=plans["unsourced"],
            number=1,
            outline_version=plans["unsourced"].outline_version,
            snapshot=format_2_snapshot(world.park_a.name),
            content_hash=content_hash(format_2_snapshot(world.park_a.name)),
            submitted_by=world.manager_a,
        )

        # when 0003 runs
        migrate(GRID)

        # then the unsourced factor is gone, and each plan has a sourced series
        assert not GridFactor.objects.filter(t_co2_per_mwh=D("0.5703")).exists()
        assert all(f.is_sourced for f in GridFactor.objects.all())
        east = GridFactor.objects.get(scope="regional", region="华东", data_year=2022)
        anhui = GridFactor.objects.get(scope="provincial", region="安徽省", data_year=2022)
        yunnan = GridFactor.objects.get(scope="provincial", region="云南省", data_year=2022)
        accounting = {n: Accounting.objects.get(plan=p) for n, p in plans.items()}
        # the unsourced factor and the old default follow the rule's default: 华东 for 江苏
        for name, pinned in (("unsourced", east), ("old_default", east), ("own_province", anhui)):
            assert (accounting[name].grid_scope, accounting[name].grid_region) == ("", ""), name
            assert accounting[name].grid_years == dict.fromkeys(YEARS, pinned.pk), name
        # another province's factor stays chosen, each year pinned; the reason is asked for
        other = accounting["other_province"]
        assert (other.grid_scope, other.grid_region, other.grid_reason) == (
            "provincial",
            "云南省",
            "",
        )
        assert other.grid_years == dict.fromkeys(YEARS, yunnan.pk)
        missing = [m.message for m in submission_checklist(plans["other_province"])]
        assert any("云南省（省级）" in m and "理由" in m for m in missing), missing
        assert not any("理由" in m.message for m in submission_checklist(plans["own_province"]))

        # and the numbers before 0004: 1,214.3 + 122.9 tce; 华东 2022 for 2020's electricity
        numbers = numbers_of(plans["unsourced"])
        assert numbers.account.total_tce[2020] == D("1337.2")
        assert numbers.account.total_co2[2020] == GAS_CO2 + D("561.7")
        assert numbers.grid.key == grid.series_key("regional", "华东")
        frozen_before_0004 = version_freeze(plan=plans["unsourced"], actor=world.manager_a)

        # when 0004 and every later migration run
        migrate()

        # then the coefficients are the 2020 edition's, and the live plan recomputes with them
        gas = FuelCoefficient.objects.get(coefficient_set__version="seed-2024", code="natural_gas")
        assert gas.tce_per_unit == D("13.300")
        oven = FuelCoefficient.objects.get(
            coefficient_set__version="seed-2024", code="coke_oven_gas"
        )
        assert (oven.ncv_gj_per_unit, oven.co2_t_per_unit) == (D("179.81"), D("7.898"))
        numbers = numbers_of(plans["unsourced"])
        assert numbers.account.total_tce[2020] == D("1452.9")  # 1,330.0 + 122.9
        assert numbers.account.total_co2[2020] == GAS_CO2 + D("561.7")
        # the parks' tables are as they were
        assert {
            (r.plan_id, r.table): r.values
            for r in TableData.objects.filter(plan__in=plans.values())
        } == tables_before
        # the frozen versions are as they were stored, and read with their own numbers
        for version in (frozen_old, frozen_before_0004):
            version.refresh_from_db()
            assert content_hash(version.snapshot) == version.content_hash
        assert Frozen(frozen_old.snapshot).energy_totals("tce", [2020]) == {2020: D("1337.2")}
        assert Frozen(frozen_old.snapshot).energy_totals("co2", [2020]) == {
            2020: GAS_CO2 + D("570.3")
        }
        account = version_document(frozen_old, file_url=lambda *a: "").numbers.account
        assert "0.5703" in account.grid_factor_label  # what it was computed with, printed
        account = version_document(frozen_before_0004, file_url=lambda *a: "").numbers.account
        assert account.total_tce[2020] == D("1337.2")
        assert account.total_co2[2020] == GAS_CO2 + D("561.7")
        assert {y: (g.value, g.factor_year) for y, g in account.grid_years.items()} == {
            y: (D("0.5617"), 2022) for y in range(2016, 2021)
        }
    finally:
        migrate()
        ensure_catalogue()


def test_0005_gives_the_default_back_to_plans_0003_had_left_on_the_old_national_default(
    world, catalogue
):
    # given two 江苏 plans on the national average as 0003 first left them: one without a
    # reason (the old default, never chosen), one with (chosen since, as the page asks)
    national = GridFactor.objects.get(scope="national average", data_year=2021)
    plans = [PlanFactory(park=world.park_a), PlanFactory(park=world.park_b)]
    for plan, reason in zip(plans, ["", "与所在市温室气体清单口径一致。"], strict=True):
        Accounting.objects.create(
            plan=plan,
            coefficient_set=catalogue.coefficient_set,
            grid_scope="national average",
            grid_region="全国",
            grid_reason=reason,
            grid_years=dict.fromkeys(YEARS, national.pk),
        )

    # when 0005 runs
    import_module("indicators.migrations.0005_old_default_grid_factor_follows_the_default").forward(
        global_apps, None
    )

    # then the first follows the default (华东 for 江苏), each year pinned by the rule; the
    # second keeps its choice and its reason
    east = GridFactor.objects.get(scope="regional", region="华东", data_year=2022)
    first, second = (Accounting.objects.get(plan=p) for p in plans)
    assert (first.grid_scope, first.grid_region, first.grid_years) == (
        "",
        "",
        dict.fromkeys(YEARS, east.pk),
    )
    assert numbers_of(plans[0]).grid.key == grid.series_key("regional", "华东")
    assert (second.grid_scope, second.grid_reason) == (
        "national average",
        "与所在市温室气体清单口径一致。",
    )
    assert second.grid_years == dict.fromkeys(YEARS, national.pk)
