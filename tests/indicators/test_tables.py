"""The 2016-2020 data tables page: every table of indicators.tables.TABLES with its rows, saving
(numbers as users type them, refusals, concurrent saves, the audit), the energy account, the grid
factor and the park's own fuels. The page is one grid with one save: tests/indicators/
test_grid.py has what saving several tables at once adds."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Accounting, CustomFuel, TableData
from indicators.tables import TABLES
from parks.models import AuditEntry
from tests.factories import CustomFuelFactory
from tests.indicators.helpers import (
    YEARS,
    cell_feedback,
    data_url,
    grid_values,
    numbers_of,
    open_grid,
    post_grid,
    revision_of,
    save_table,
    store_table,
    stored,
    table_section,
)
from tests.plans.helpers import form_values, text_of

D = Decimal
NUMBER_MESSAGE = "请填写数字，例如 1234.5 或 1,234.5。"
NEGATIVE_MESSAGE = "数值不能为负数。"


def total_cell(html: str, kind: str, year: int) -> str:
    match = re.search(rf'data-total-{kind}="{year}">([^<]*)<', html)
    assert match, f"no total {kind} for {year}"
    return match.group(1).strip()


def table_audits(plan):
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(TableData), park=plan.park
    ).order_by("pk")


# --- the page -----------------------------------------------------------------------------------


def test_the_data_page_shows_every_table_with_its_rows_and_a_cell_per_year(
    world, client_for, plan_a, catalogue
):
    # given a park's own fuel besides the coefficient set's
    own = CustomFuelFactory(plan=plan_a, name="生物质成型燃料", unit="吨")

    # when park A's editor opens the data tables
    response = client_for(world.editor_a).get(data_url(plan_a))

    # then every declared table is there, titled with the years, with a cell per row and year
    assert response.status_code == 200
    html = response.content.decode()
    fuels = list(catalogue.coefficient_set.fuels.all())
    assert len(fuels) == 15
    for key, table in TABLES.items():
        section = table_section(html, key)
        assert f"2016-2020年{table.title}" in text_of(section)
        if table.fuel_rows:
            rows = [(f.code, f.name, f.unit) for f in fuels]
            rows.append((f"custom-{own.pk}", "生物质成型燃料", "吨"))
        else:
            rows = [(row.key, row.label, row.unit) for row in table.rows]
        fields = form_values(section)
        for row_key, label, unit in rows:
            assert f"{label}（{unit}）2020" in section, (key, row_key)
            assert {f"{key}-{row_key}__{year}" for year in YEARS} <= set(fields), (key, row_key)


def test_the_data_page_shows_the_stored_values_as_entered(world, client_for, plan_a):
    # given stored values
    store_table(plan_a, "economy", {"iav": {"2020": "1234.5"}}, world.editor_a)
    store_table(plan_a, "water", {"fresh": {"2016": "0.12345678"}}, world.editor_a)

    # when the page is opened
    html = client_for(world.editor_a).get(data_url(plan_a)).content.decode()

    # then each cell holds its value, with the table's revision in its form
    economy = form_values(table_section(html, "economy"))
    water = form_values(table_section(html, "water"))
    assert (
        economy["economy-iav__2020"],
        economy["economy-gdp__2020"],
        economy["economy-revision"],
    ) == ("1234.5", "", "1")
    assert water["water-fresh__2016"] == "0.12345678"


# --- saving a table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("1,234.5", "1234.5"),
        ("１２３４．５", "1234.5"),
        ("1，234。5", "1234.5"),
        (" 1234.5 ", "1234.5"),
        ("1,234,567", "1234567"),
        ("0.12345678", "0.12345678"),
        ("1234.50", "1234.50"),
        ("1e3", "1000"),
    ],
)
def test_a_saved_cell_keeps_the_decimal_the_user_meant(world, client_for, plan_a, typed, kept):
    # when park A's editor types a number as users do and saves the table
    response = save_table(client_for(world.editor_a), plan_a, "economy", {"iav__2020": typed})

    # then the decimal string meant is stored, every digit kept
    assert response.status_code == 302
    assert response.url == data_url(plan_a)
    assert stored(plan_a, "economy") == {"iav": {"2020": kept}}


def test_saving_a_table_stores_every_typed_cell_and_leaves_out_empty_ones(
    world, client_for, plan_a
):
    # when the economy table is saved with three cells typed and the rest empty
    client = client_for(world.editor_a)
    response = save_table(
        client,
        plan_a,
        "economy",
        {"iav__2019": "１２３４．５", "iav__2020": "1,234.5", "gdp__2016": "0.12345678"},
    )

    # then exactly those are stored, and the page says the table was saved
    assert stored(plan_a, "economy") == {
        "iav": {"2019": "1234.5", "2020": "1234.5"},
        "gdp": {"2016": "0.12345678"},
    }
    assert revision_of(plan_a, "economy") == 1
    page = client.get(response.url)
    assert "已保存：园区主要经济指标。" in text_of(page.content.decode())


def test_clearing_a_cell_removes_its_value(world, client_for, plan_a):
    # given a stored value
    store_table(plan_a, "economy", {"iav": {"2019": "10", "2020": "20"}}, world.editor_a)

    # when the 2020 cell is emptied and the table saved
    save_table(client_for(world.editor_a), plan_a, "economy", {"iav__2019": "10", "iav__2020": ""})

    # then only 2019 is left
    assert stored(plan_a, "economy") == {"iav": {"2019": "10"}}


def test_text_and_negative_numbers_are_refused_next_to_their_cells_and_nothing_is_saved(
    world, client_for, plan_a
):
    # given a stored table
    store_table(plan_a, "economy", {"iav": {"2016": "100"}}, world.editor_a)
    audits = AuditEntry.objects.count()

    # when the editor types text in one cell, a negative number in another, a good one in a third
    response = save_table(
        client_for(world.editor_a),
        plan_a,
        "economy",
        {"iav__2016": "100", "iav__2020": "一千二", "iav__2019": "-5", "gdp__2020": "1,234.5"},
    )

    # then the page comes back with each message under its cell and everything typed kept
    assert response.status_code == 200
    section = table_section(response.content.decode(), "economy")
    assert "未保存。请更正标红的单元格，您填写的其他内容均已保留。" in text_of(section)
    assert cell_feedback(section, "economy-iav__2020") == [NUMBER_MESSAGE]
    assert cell_feedback(section, "economy-iav__2019") == [NEGATIVE_MESSAGE]
    assert cell_feedback(section, "economy-gdp__2020") == []
    typed = form_values(section)
    assert (typed["economy-iav__2020"], typed["economy-iav__2019"], typed["economy-gdp__2020"]) == (
        "一千二",
        "-5",
        "1,234.5",
    )
    # ... and nothing was saved, not even the good cell
    assert stored(plan_a, "economy") == {"iav": {"2016": "100"}}
    assert revision_of(plan_a, "economy") == 1
    assert AuditEntry.objects.count() == audits


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1,23", "12..5", "1 234", "五"])
def test_what_is_not_a_number_is_refused(world, client_for, plan_a, typed):
    # when a cell holds something that is not a number and the table is saved
    response = save_table(client_for(world.editor_a), plan_a, "economy", {"iav__2020": typed})
    # then the cell says so and nothing is stored
    assert response.status_code == 200
    assert cell_feedback(
        table_section(response.content.decode(), "economy"), "economy-iav__2020"
    ) == [NUMBER_MESSAGE]
    assert not TableData.objects.filter(plan=plan_a).exists()


def test_the_service_refuses_an_unknown_row_year_or_table(world, plan_a, zh):
    # given a table saved through the service (as the Excel import does)
    def save(table, values):
        services.table_save(
            plan=plan_a, table_key=table, values=values, expected_revision=0, actor=world.editor_a
        )

    # when / then a row, a year or a table the tables do not declare is refused, in Chinese
    with pytest.raises(ValidationError) as row:
        save("economy", {"iav": {"2020": "1"}, "exports": {"2020": "5"}})
    with pytest.raises(ValidationError) as year:
        save("economy", {"iav": {"2015": "1"}})
    with pytest.raises(ValidationError) as table:
        save("budget", {"iav": {"2020": "1"}})
    with pytest.raises(ValidationError) as fuel_of_another_table:
        save("economy", {"raw_coal": {"2020": "1"}})
    assert row.value.messages == ["数据表中没有“exports”这一行。"]
    assert year.value.messages == ["数据表中没有 2015 年。"]
    assert table.value.messages == ["没有这张数据表。"]
    assert fuel_of_another_table.value.messages == ["数据表中没有“raw_coal”这一行。"]
    assert not TableData.objects.filter(plan=plan_a).exists()


def test_the_service_names_every_bad_cell_at_once(world, plan_a, zh):
    with pytest.raises(ValidationError) as error:
        services.table_save(
            plan=plan_a,
            table_key="water",
            values={"total": {"2019": "abc", "2020": "-1"}, "fresh": {"2020": "5"}},
            expected_revision=0,
            actor=world.editor_a,
        )
    assert error.value.message_dict == {
        "total__2019": [NUMBER_MESSAGE],
        "total__2020": [NEGATIVE_MESSAGE],
    }
    assert stored(plan_a, "water") == {}


def test_a_posted_cell_of_an_unknown_row_or_table_is_not_stored(world, client_for, plan_a):
    # when a POST carries fields no table has
    client = client_for(world.editor_a)
    save_table(client, plan_a, "economy", {"iav__2020": "5", "exports__2020": "9"})
    save_table(client, plan_a, "budget", {"iav__2020": "7"})

    # then only the tables' own cells are stored
    assert stored(plan_a, "economy") == {"iav": {"2020": "5"}}
    assert list(TableData.objects.filter(plan=plan_a).values_list("table", flat=True)) == [
        "economy"
    ]


# --- two people saving the same table -------------------------------------------------------


def test_a_second_save_from_the_same_revision_is_refused_and_keeps_both_values(
    world, client_for, plan_a
):
    # given the manager saved 2020 = 100 while the editor had the page open at revision 0
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)

    # when the editor saves 200 from revision 0
    response = save_table(
        client_for(world.editor_a), plan_a, "economy", {"iav__2020": "200"}, revision=0
    )

    # then it is not saved: the page says who saved first, the editor's 200 is still typed
    assert response.status_code == 200
    section = table_section(response.content.decode(), "economy")
    assert f"未保存：在您打开本页之后，{world.manager_a.display_name} 已于" in text_of(section)
    assert "您填写的数字保留在下方" in text_of(section)
    assert form_values(section)["economy-iav__2020"] == "200"
    # ... and the database still holds the manager's value
    assert stored(plan_a, "economy") == {"iav": {"2020": "100"}}
    assert revision_of(plan_a, "economy") == 1


def test_saving_again_after_a_conflict_keeps_the_users_numbers(world, client_for, plan_a):
    # given a conflict: the manager saved first
    store_table(plan_a, "economy", {"iav": {"2020": "100"}}, world.manager_a)
    client = client_for(world.editor_a)
    conflict = save_table(client, plan_a, "economy", {"iav__2020": "200"}, revision=0)

    # when the editor submits the form the conflict page shows (it carries the new revision)
    again = client.post(data_url(plan_a), grid_values(conflict.content.decode()))

    # then the editor's number is saved
    assert again.status_code == 302
    assert stored(plan_a, "economy") == {"iav": {"2020": "200"}}
    assert revision_of(plan_a, "economy") == 2


def test_the_conflict_page_shows_the_values_saved_now_under_the_cells(world, client_for, plan_a):
    # given the manager saved 2020 = 4,321 while the editor had the page open
    store_table(plan_a, "economy", {"iav": {"2020": "4321"}}, world.manager_a)

    # when the editor's save from revision 0 is refused
    response = save_table(
        client_for(world.editor_a), plan_a, "economy", {"iav__2020": "200"}, revision=0
    )

    # then the cell shows the value saved now beside the editor's
    section = table_section(response.content.decode(), "economy")
    match = re.search(
        r'name="economy-iav__2020".*?text-danger-emphasis[^>]*>.*?</span>([^<]*)<',
        section,
        flags=re.S,
    )
    assert match.group(1).strip() == "4,321"


# --- the audit ----------------------------------------------------------------------------------


def test_each_save_writes_an_audit_row_with_the_changed_cells(world, client_for, plan_a):
    # given a first save
    client = client_for(world.editor_a)
    save_table(client, plan_a, "economy", {"iav__2019": "10", "iav__2020": "20"})

    # when 2020 is changed, 2019 kept and 2016 added
    save_table(client, plan_a, "economy", {"iav__2016": "5", "iav__2019": "10", "iav__2020": "25"})

    # then two audit rows: the first with both new cells, the second with only what changed
    first, second = table_audits(plan_a)
    assert first.actor == world.editor_a
    assert first.action == AuditEntry.Action.UPDATE
    assert {k: (v["old"], v["new"]) for k, v in first.changes.items()} == {
        "iav__2019": (None, "10"),
        "iav__2020": (None, "20"),
    }
    assert {k: (v["old"], v["new"]) for k, v in second.changes.items()} == {
        "iav__2016": (None, "5"),
        "iav__2020": ("20", "25"),
    }


def test_saving_the_same_values_again_writes_nothing(world, client_for, plan_a):
    # given a saved table
    client = client_for(world.editor_a)
    save_table(client, plan_a, "economy", {"iav__2020": "10"})

    # when it is saved again unchanged
    response = save_table(client, plan_a, "economy", {"iav__2020": "10"})

    # then no new revision and no audit row
    assert response.status_code == 302
    assert table_audits(plan_a).count() == 1
    assert revision_of(plan_a, "economy") == 1


def test_the_audit_log_names_the_changed_cell_as_users_know_it(world, client_for, plan_a):
    # given a saved table
    save_table(client_for(world.editor_a), plan_a, "economy", {"iav__2020": "10"})

    # when the park manager reads the audit log
    html = client_for(world.manager_a).get(reverse("parks:park-audit", args=[world.park_a.pk]))

    # then the change is labelled with the table's and the row's names, not their codes
    (entry,) = table_audits(plan_a)
    assert entry.changes["iav__2020"]["label"] == "园区主要经济指标 · 工业增加值 2020"
    assert "工业增加值" in text_of(html.content.decode())


# --- the energy account -------------------------------------------------------------------------


def test_the_page_shows_standard_coal_and_co2_computed_from_the_energy_table(
    world, client_for, plan_a
):
    # when 1000 t raw coal are saved for 2020 and 2019
    client = client_for(world.editor_a)
    save_table(client, plan_a, "energy", {"raw_coal__2019": "1000", "raw_coal__2020": "1,000"})

    # then the account shows 714.30 tce and 1,900.30 t CO2 (1000 × 20.908/1000 × 26.37 × 0.94
    # × 44/12) per year, and nothing for years without data
    html = client.get(data_url(plan_a)).content.decode()
    assert total_cell(html, "tce", 2020) == "714.30"
    assert total_cell(html, "co2", 2020) == "1,900.30"
    assert total_cell(html, "tce", 2019) == "714.30"
    assert total_cell(html, "tce", 2018) == "—"
    account = table_section(html, "energy")
    assert "系统计算：折标准煤与二氧化碳排放量" in text_of(account)
    assert 'data-fuel="raw_coal"' in account
    assert 'data-fuel="coke"' not in account  # only the fuels used are listed


def test_totals_add_up_over_the_fuels(world, client_for, plan_a):
    # given raw coal, natural gas and electricity in 2020 (park A is in 江苏省, which has no
    # factor of its own: the East China grid's, 2020 using 2022's 0.5617 as a stand-in)
    store_table(
        plan_a,
        "energy",
        {
            "raw_coal": {"2020": "1000"},
            "natural_gas": {"2020": "100"},
            "electricity": {"2020": "500"},
        },
        world.editor_a,
    )

    # when the page is read
    html = client_for(world.editor_a).get(data_url(plan_a)).content.decode()

    # then 714.3 + 1330.0 + 614.5 = 2658.8 tce; 1900.2988 + 2162.1888 + 2808.5 = 6870.99 t CO2
    assert total_cell(html, "tce", 2020) == "2,658.80"
    assert total_cell(html, "co2", 2020) == "6,870.99"


def test_choosing_another_grid_factor_changes_the_electricity_co2(world, client_for, plan_a):
    # given 100 万kWh of electricity in 2020, accounted with the default factor: park A's
    # province (江苏省) has none of its own, so the East China grid's (2020 uses 2022's 0.5617)
    store_table(plan_a, "energy", {"electricity": {"2020": "100"}}, world.editor_a)
    client = client_for(world.editor_a)
    html = client.get(data_url(plan_a)).content.decode()
    assert total_cell(html, "co2", 2020) == "561.70"

    # when the editor chooses the national average (2020 uses 2021's 0.5568), with a reason
    response = post_grid(
        client,
        plan_a,
        open_grid(client, plan_a),
        {
            "accounting-grid_series": "national average|全国",
            "accounting-grid_reason": "与园区所在市的温室气体清单口径一致。",
        },
    )

    # then 1000 MWh × 0.5568 = 556.80 t, and the page names the factor and its year
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "已保存：电网排放因子。" in text_of(page)
    assert total_cell(page, "co2", 2020) == "556.80"
    assert total_cell(page, "tce", 2020) == "122.90"  # standard coal does not change
    assert "2020年数据暂用2021年因子" in text_of(page)
    accounting = Accounting.objects.get(plan=plan_a)
    assert (accounting.grid_scope, accounting.grid_region) == ("national average", "全国")


def test_a_grid_factor_saved_from_an_old_revision_is_refused(world, client_for, plan_a, catalogue):
    # given the editor opened the page, then the manager changed the factor
    editor = client_for(world.editor_a)
    page = open_grid(editor, plan_a)
    manager = client_for(world.manager_a)
    post_grid(
        manager,
        plan_a,
        open_grid(manager, plan_a),
        {
            "accounting-grid_series": "regional|华北",
            "accounting-grid_reason": "园区由华北电网供电。",
        },
    )
    editor = client_for(world.editor_a)

    # when the editor saves another factor from the page opened before
    response = post_grid(
        editor,
        plan_a,
        page,
        {"accounting-grid_series": "national average|全国", "accounting-grid_reason": "清单口径。"},
    )

    # then the first choice stays, the editor is told, and their choice is still selected
    html = response.content.decode()
    assert response.status_code == 200
    assert "未保存：在您打开本页之后，其他用户选择了另一个电网排放因子" in text_of(html)
    assert grid_values(html)["accounting-grid_series"] == "national average|全国"
    assert Accounting.objects.get(plan=plan_a).grid_region == "华北"


# --- the park's own fuels -----------------------------------------------------------------------


def test_an_own_fuel_adds_a_row_to_the_energy_table_and_counts_in_the_total(
    world, client_for, plan_a
):
    # given 1000 t raw coal in 2020
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.editor_a)
    client = client_for(world.editor_a)

    # when the editor adds the park's own fuel through the row editor
    response = client.post(
        reverse("plans:row-create", args=[plan_a.pk, "fuels"]),
        {
            "name": "生物质成型燃料",
            "unit": "吨",
            "tce_per_unit": "0.5",
            "co2_t_per_unit": "0",
            "source": "园区能源审计报告（2020年）",
        },
    )
    assert response.status_code == 200
    fuel = CustomFuel.objects.get(plan=plan_a)
    key = f"custom-{fuel.pk}"

    # then the energy table has a row for it ...
    section = table_section(client.get(data_url(plan_a)).content.decode(), "energy")
    assert "生物质成型燃料（吨）2020" in section
    assert f"energy-{key}__2020" in form_values(section)

    # ... and 200 t of it add 100 tce to the 714.3 of raw coal
    cells = {"raw_coal__2020": "1000", f"{key}__2020": "200"}
    assert save_table(client, plan_a, "energy", cells).status_code == 302
    html = client.get(data_url(plan_a)).content.decode()
    assert total_cell(html, "tce", 2020) == "814.30"
    assert stored(plan_a, "energy")[key] == {"2020": "200"}


def test_removing_an_own_fuel_removes_its_values_from_the_energy_table(world, client_for, plan_a):
    # given the park's own fuel with a 2020 quantity beside raw coal
    fuel = CustomFuelFactory(plan=plan_a, tce_per_unit=D("0.5"))
    key = f"custom-{fuel.pk}"
    store_table(
        plan_a,
        "energy",
        {"raw_coal": {"2020": "1000"}, key: {"2019": "50", "2020": "200"}},
        world.editor_a,
    )
    client = client_for(world.editor_a)

    # when the editor removes the fuel
    response = client.post(
        reverse("plans:row-delete", args=[plan_a.pk, "fuels", fuel.pk]), {"revision": 0}
    )

    # then its quantities are gone with it, the rest kept, and the total is raw coal's again
    assert response.status_code == 200
    assert not CustomFuel.objects.filter(pk=fuel.pk).exists()
    assert stored(plan_a, "energy") == {"raw_coal": {"2020": "1000"}}
    html = client.get(data_url(plan_a)).content.decode()
    assert f"energy-{key}__2020" not in form_values(table_section(html, "energy"))
    assert total_cell(html, "tce", 2020) == "714.30"
    # the table moved to a new revision: a form opened before the removal cannot overwrite it
    stale = save_table(client, plan_a, "energy", {"raw_coal__2020": "1"}, revision=1)
    assert stale.status_code == 200
    assert stored(plan_a, "energy") == {"raw_coal": {"2020": "1000"}}


def test_an_own_fuel_needs_its_name_unit_coefficient_and_source(world, client_for, plan_a):
    # when the editor adds a fuel without anything but its name
    response = client_for(world.editor_a).post(
        reverse("plans:row-create", args=[plan_a.pk, "fuels"]), {"name": "沼气"}
    )

    # then nothing is added and the form says what is missing
    assert response.status_code == 200
    assert not CustomFuel.objects.filter(plan=plan_a).exists()
    assert text_of(response.content.decode()).count("这个字段是必填项。") == 3


def test_an_own_fuel_with_a_negative_coefficient_is_refused(world, client_for, plan_a):
    client_for(world.editor_a).post(
        reverse("plans:row-create", args=[plan_a.pk, "fuels"]),
        {"name": "沼气", "unit": "万立方米", "tce_per_unit": "-7", "source": "自测"},
    )
    assert not CustomFuel.objects.filter(plan=plan_a).exists()


def test_the_numbers_read_the_same_values_the_page_saved(world, client_for, plan_a):
    # given the economy and energy tables saved through the page
    client = client_for(world.editor_a)
    save_table(client, plan_a, "economy", {"iav__2020": "7,143"})
    save_table(client, plan_a, "energy", {"raw_coal__2020": "1000"})

    # when the plan's numbers are read
    numbers = numbers_of(plan_a)

    # then 714.3 tce over 7143 万元 is 0.1 tce/万元
    assert numbers.account.total_tce[2020] == D("714.3")
    assert numbers.derived["energy_intensity_iav"][2020] == D("0.1")


def test_the_energy_account_shows_each_fuels_share_of_standard_coal(world, client_for, plan_a):
    # given 1000 t raw coal (714.3 tce) and 500 万kWh electricity (614.5 tce) in 2020
    client = client_for(world.editor_a)
    save_table(client, plan_a, "energy", {"raw_coal__2020": "1000", "electricity__2020": "500"})

    # when the data tables page is read
    html = client.get(reverse("indicators:data", args=[plan_a.pk])).content.decode()

    # then each fuel shows its share of the 1,328.8 tce total: 53.8 % and 46.2 %
    shares = re.findall(
        r"<div class=\"small text-body-secondary\" data-share>([\d.]+)%</div>", html
    )
    assert shares == ["53.8", "46.2"]
