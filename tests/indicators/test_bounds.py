"""Input that is checked: one set of rules (indicators.bounds) on the data page and in the Excel
import. Absurd magnitudes, noise and a zero 工业增加值 are refused with a Chinese message next to
the cell and the typed value kept; "-0" is stored as 0; a 100-fold jump only warns; the import
converts a unit of the same kind (千瓦时 → 万千瓦时) and says so, and refuses any other unit."""

import re

import pytest

from indicators import bounds
from indicators.models import TableData, WorkbookImport
from indicators.workbook import FIRST_DATA_ROW, KEY_COLUMN, SHEET_NAMES, UNIT_COLUMN
from tests.indicators.helpers import data_url, open_grid, post_grid, save_table, store_table, stored
from tests.indicators.test_workbook import (
    assert_refused,
    download,
    everything_stored,
    fill,
    opened,
    upload,
)
from tests.plans.helpers import form_values, text_of

# --- the data page ------------------------------------------------------------------------------


def error_of(html: str, field: str) -> str:
    """The message shown under one cell of the data page (its invalid-feedback)."""
    match = re.search(rf'id="id_{field}-error">(.*?)</div>', html, flags=re.S)
    assert match, f"no error under {field}"
    return text_of(match.group(1))


def test_1e20_is_refused_next_to_the_cell_and_kept_as_typed(world, client_for, plan_a):
    # given park A's editor on the data page
    client = client_for(world.editor_a)
    page = open_grid(client, plan_a)

    # when 1e20 万千瓦时 of electricity is typed and saved
    response = post_grid(client, plan_a, page, {"energy-electricity__2020": "1e20"})

    # then the page comes back with the reason in Chinese under the cell, the typed text kept ...
    html = response.content.decode()
    assert response.status_code == 200
    assert error_of(html, "energy-electricity__2020") == (
        "“1e20”万千瓦时 超出任何园区可能的数量（最多 10,000,000 万千瓦时）：请核对计量单位和位数。"
    )
    assert form_values(html)["energy-electricity__2020"] == "1e20"
    # ... and nothing is saved
    assert stored(plan_a, "energy") == {}


def test_a_value_at_the_maximum_is_accepted(world, client_for, plan_a):
    response = save_table(
        client_for(world.editor_a), plan_a, "energy", {"electricity__2020": "10,000,000"}
    )
    assert response.status_code == 302
    assert stored(plan_a, "energy") == {"electricity": {"2020": "10000000"}}


@pytest.mark.parametrize(("row", "label"), [("iav", "工业增加值"), ("gdp", "园区生产总值")])
def test_a_zero_denominator_is_refused(world, client_for, plan_a, row, label):
    # when 0 is saved as the 2020 工业增加值 (or 园区生产总值), which intensities divide by
    response = save_table(client_for(world.editor_a), plan_a, "economy", {f"{row}__2020": "0"})

    # then it is refused with the reason, and nothing is saved
    html = response.content.decode()
    assert response.status_code == 200
    assert error_of(html, f"economy-{row}__2020") == (
        f"{label}必须大于 0：单位{label}的强度指标以它为分母。数值不详时请留空。"
    )
    assert form_values(html)[f"economy-{row}__2020"] == "0"
    assert stored(plan_a, "economy") == {}


@pytest.mark.parametrize("typed", ["-0", "-0.000", "0.00", "－0"])
def test_minus_zero_is_stored_as_zero(world, client_for, plan_a, typed):
    response = save_table(client_for(world.editor_a), plan_a, "water", {"fresh__2020": typed})
    assert response.status_code == 302
    assert stored(plan_a, "water") == {"fresh": {"2020": "0"}}


def test_noise_like_1e_30_is_refused_not_rounded(world, client_for, plan_a):
    response = save_table(client_for(world.editor_a), plan_a, "water", {"fresh__2020": "1e-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert error_of(html, "water-fresh__2020") == (
        "“1e-30”小于 0.000001，不是以“万立方米”计的实际数量：请填写 0，或以“万立方米”为单位的数量。"
    )
    assert stored(plan_a, "water") == {}


def test_the_service_applies_the_same_rules(world, plan_a, zh):
    from django.core.exceptions import ValidationError

    from indicators.services import clean_table_values

    # when the service (the import's last check) is handed 1e20 and a zero added value
    with pytest.raises(ValidationError) as refused:
        clean_table_values(plan_a, "economy", {"iav": {"2020": "0"}, "gdp": {"2020": "1e20"}})
    # then both cells are named with the page's messages
    assert set(refused.value.message_dict) == {"iav__2020", "gdp__2020"}
    assert "必须大于 0" in refused.value.message_dict["iav__2020"][0]


def test_a_hundredfold_jump_warns_but_saves(world, client_for, plan_a):
    # given electricity of 100 万kWh in 2019 and 20,000 in 2020 (200 times)
    client = client_for(world.editor_a)
    response = save_table(
        client, plan_a, "energy", {"electricity__2019": "100", "electricity__2020": "20000"}
    )

    # then it is saved, and the page warns under the 2020 cell
    assert response.status_code == 302
    assert stored(plan_a, "energy") == {"electricity": {"2019": "100", "2020": "20000"}}
    html = client.get(data_url(plan_a)).content.decode()
    warning = re.search(
        r'id="id_energy-electricity__2020-warning"[^>]*>(.*?)</div>', html, flags=re.S
    )
    assert warning
    assert text_of(warning.group(1)) == (
        "2020年为2019年的 200 倍（100 → 20000）：请核对计量单位和位数。"
    )
    # a 99-fold step does not warn
    assert bounds.jump_warnings({"x": {"2019": "1", "2020": "99"}}, [2019, 2020]) == {}
    assert bounds.jump_warnings({"x": {"2019": "100", "2020": "1"}}, [2019, 2020])


# --- the Excel import ----------------------------------------------------------------------------


@pytest.fixture
def editor(world, client_for):
    return client_for(world.editor_a)


@pytest.fixture
def economy_plan(world, plan_a):
    store_table(plan_a, "economy", {"iav": {"2020": "1000"}}, world.editor_a)
    return plan_a


def relabel(workbook, table: str, row_key: str, unit: str) -> int:
    """Write `unit` into a row's (locked) unit column, as a user who unprotects the sheet
    does; the row's number in the sheet."""
    sheet = workbook[SHEET_NAMES[table]]
    for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=r, column=KEY_COLUMN).value == row_key:
            sheet.cell(row=r, column=UNIT_COLUMN).value = unit
            return r
    raise AssertionError(row_key)


def test_electricity_relabelled_in_kwh_is_converted_and_the_import_says_so(editor, economy_plan):
    # given the workbook with 电力 relabelled 千瓦时 and 5,000,000 kWh typed for 2020
    workbook = opened(download(editor, economy_plan))
    r = relabel(workbook, "energy", "electricity", "千瓦时")
    content = fill(workbook, {("energy", "electricity", 2020): 5000000})

    # when it is uploaded
    response = upload(editor, economy_plan, content)

    # then the review page says the row was converted, and shows 500 万千瓦时
    assert response.status_code == 302
    review = text_of(editor.get(response.url).content.decode())
    assert (
        f"“分品种能源消费量”第 {r} 行（电力）：数值以“千瓦时”填写，已换算为“万千瓦时”（× 0.0001）。"
        in review
    )
    assert "电力（万千瓦时） 2020 — 500" in review
    # and confirming stores 500 万千瓦时, not 5,000,000
    editor.post(response.url, {"action": "apply"})
    assert stored(economy_plan, "energy") == {"electricity": {"2020": "500"}}


def test_an_unknown_unit_is_refused_with_its_row(editor, economy_plan):
    # given 天然气 relabelled 桶 (not a unit of volume the portal knows)
    workbook = opened(download(editor, economy_plan))
    r = relabel(workbook, "energy", "natural_gas", "桶")
    content = fill(workbook, {("energy", "natural_gas", 2020): 12})
    before = everything_stored(economy_plan)

    # when uploaded, then refused, naming the row, and nothing is kept
    response = upload(editor, economy_plan, content)
    assert_refused(
        response,
        economy_plan,
        before,
        f"分品种能源消费量 | {r} | C | 第 {r} 行（天然气）：计量单位“桶”无法换算为“万立方米”。"
        "请以“万立方米”填写并恢复原单位，或使用同类单位（如以“千瓦时”代替“万千瓦时”）。",
    )


def test_a_unit_of_another_kind_is_refused(editor, economy_plan):
    # 工业增加值 relabelled 万吨: a mass, not money
    workbook = opened(download(editor, economy_plan))
    relabel(workbook, "economy", "iav", "万吨")
    response = upload(editor, economy_plan, fill(workbook, {}))
    assert response.status_code == 200
    assert "计量单位“万吨”无法换算为“万元”" in text_of(response.content.decode())
    assert not WorkbookImport.objects.exists()


@pytest.mark.parametrize(
    ("row", "typed", "message"),
    [
        (
            "gdp",
            1e20,
            "“1E+20”万元 超出任何园区可能的数量（最多 1,000,000,000 万元）：请核对计量单位和位数。",
        ),
        ("iav", 0, "工业增加值必须大于 0：单位工业增加值的强度指标以它为分母。数值不详时请留空。"),
    ],
)
def test_the_import_refuses_what_the_page_refuses(editor, economy_plan, row, typed, message):
    content = fill(opened(download(editor, economy_plan)), {("economy", row, 2020): typed})
    before = everything_stored(economy_plan)
    response = upload(editor, economy_plan, content)
    line = 5 if row == "iav" else 6
    assert_refused(response, economy_plan, before, f"主要经济指标 | {line} | H | {message}")


def test_minus_zero_from_the_import_is_stored_as_zero(editor, economy_plan):
    content = fill(opened(download(editor, economy_plan)), {("water", "fresh", 2020): "-0"})
    response = upload(editor, economy_plan, content)
    editor.post(response.url, {"action": "apply"})
    assert TableData.objects.get(plan=economy_plan, table="water").values == {
        "fresh": {"2020": "0"}
    }


def test_unit_factors():
    assert bounds.unit_factor("kWh", "万千瓦时") == bounds.Decimal("0.0001")
    assert bounds.unit_factor("万千瓦时", "万千瓦时") == 1
    assert bounds.unit_factor("亿元", "万元") == 10000
    assert bounds.unit_factor("GJ", "百万千焦") == 1
    assert bounds.unit_factor("吨", "万千瓦时") is None
    assert bounds.unit_factor("桶", "万立方米") is None
