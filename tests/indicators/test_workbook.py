"""The data tables as an Excel workbook: download, fill in Excel (here: openpyxl), upload, review,
confirm. Every refusal names its reason in Chinese and saves nothing."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from indicators.models import TableData, WorkbookImport
from indicators.tables import TABLES
from indicators.workbook import (
    FIRST_DATA_ROW,
    INSTRUCTIONS_SHEET,
    KEY_COLUMN,
    META_SHEET,
    SHEET_NAMES,
    UNIT_COLUMN,
    build_workbook,
)
from tests.factories import CustomFuelFactory
from tests.indicators.helpers import YEARS, numbers_of, store_table, stored
from tests.plans.helpers import pdf_bytes, text_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the workbook as a user handles it ----------------------------------------------------------


def download(client, plan) -> bytes:
    response = client.get(reverse("indicators:workbook", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


def opened(content: bytes):
    return load_workbook(io.BytesIO(content))


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cell_of(workbook, table: str, row_key: str, year: int):
    """The input cell of one row and year, found by the hidden key column like the import."""
    sheet = workbook[SHEET_NAMES[table]]
    for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=r, column=KEY_COLUMN).value == row_key:
            return sheet.cell(row=r, column=UNIT_COLUMN + 1 + YEARS.index(year))
    raise AssertionError(f"no row {row_key} in {table}")


def fill(workbook, entries: dict) -> bytes:
    """{(table, row, year): value} typed into the cells; the saved workbook's bytes."""
    for (table, row_key, year), value in entries.items():
        cell_of(workbook, table, row_key, year).value = value
    return saved(workbook)


def upload(client, plan, content: bytes, name: str = "数据表.xlsx"):
    return client.post(
        reverse("indicators:import", args=[plan.pk]),
        {"workbook": SimpleUploadedFile(name, content, content_type=XLSX)},
    )


def review_url(plan, pending) -> str:
    return reverse("indicators:import-review", args=[plan.pk, pending.pk])


def import_errors(html: str) -> list[str]:
    """The rows of the import error table: "sheet | row | column | problem" ("-" where a
    part is empty), or the message."""
    table = re.search(r'<table class="[^"]*import-errors.*?</table>', html, flags=re.S)
    assert table, "no import error table on the page"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1], flags=re.S)
    return [
        " | ".join(text_of(c) or "-" for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S))
        for row in rows
    ]


@pytest.fixture
def editor(world, client_for):
    return client_for(world.editor_a)


@pytest.fixture
def filled_plan(world, plan_a):
    """Park A's plan with a value in every table."""
    store_table(
        plan_a, "economy", {"iav": {"2020": "1000"}, "gdp": {"2016": "1234.5"}}, world.editor_a
    )
    store_table(plan_a, "energy", {"raw_coal": {"2020": "1000"}}, world.editor_a)
    store_table(plan_a, "water", {"fresh": {"2018": "0.12345678"}}, world.editor_a)
    store_table(plan_a, "pollutants", {"cod": {"2017": "2400"}}, world.editor_a)
    return plan_a


def everything_stored(plan) -> dict:
    return {t.table: (t.values, t.revision) for t in TableData.objects.filter(plan=plan)}


# --- the downloaded workbook ---------------------------------------------------------------------


def test_the_workbook_has_the_instructions_a_sheet_per_table_and_a_very_hidden_marker(
    world, editor, plan_a
):
    # when park A's editor downloads the workbook
    workbook = opened(download(editor, plan_a))

    # then: instructions, one sheet per table in TABLES order, the marker sheet very hidden
    assert workbook.sheetnames == [
        INSTRUCTIONS_SHEET,
        *(SHEET_NAMES[key] for key in TABLES),
        META_SHEET,
    ]
    assert workbook[META_SHEET].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in workbook[META_SHEET].iter_rows(values_only=True)}
    assert meta["template_version"] == "2021-1"
    assert (meta["plan"], meta["park"], meta["park_name"]) == (
        plan_a.pk,
        world.park_a.pk,
        "苏州工业园区",
    )
    assert "只在白色单元格填写数字" in workbook[INSTRUCTIONS_SHEET]["A4"].value


def test_input_cells_are_unlocked_and_everything_else_locked_on_protected_sheets(editor, plan_a):
    workbook = opened(download(editor, plan_a))
    numbers = numbers_of(plan_a)
    for key, table in TABLES.items():
        sheet = workbook[SHEET_NAMES[key]]
        rows = len(numbers.account.lines) if table.fuel_rows else len(table.rows)
        last = FIRST_DATA_ROW + rows - 1
        # the sheet is protected; the key column hidden
        assert sheet.protection.sheet is True, key
        assert sheet.column_dimensions["A"].hidden is True, key
        # the headers name the years
        header = [
            sheet.cell(row=FIRST_DATA_ROW - 1, column=UNIT_COLUMN + 1 + i).value for i in range(5)
        ]
        assert header == [f"{y}年" for y in YEARS]
        for r in range(FIRST_DATA_ROW, last + 1):
            # the code, the label and the unit are locked
            for column in (1, 2, 3):
                assert sheet.cell(row=r, column=column).protection.locked is True, (key, r)
            # a cell per year is open for input
            for i in range(len(YEARS)):
                cell = sheet.cell(row=r, column=UNIT_COLUMN + 1 + i)
                assert cell.protection.locked is False, (key, cell.coordinate)
        assert sheet.cell(row=last + 1, column=UNIT_COLUMN + 1).protection.locked is True


def test_the_energy_sheet_computes_standard_coal_in_locked_cells(editor, plan_a, catalogue):
    sheet = opened(download(editor, plan_a))[SHEET_NAMES["energy"]]
    fuels = catalogue.coefficient_set.fuels.count()
    coefficient_column = UNIT_COLUMN + 1 + len(YEARS)
    total_row = FIRST_DATA_ROW + fuels + 1

    # the coefficient column is locked and holds each fuel's tce per unit
    raw_coal = sheet.cell(row=FIRST_DATA_ROW, column=coefficient_column)
    assert sheet.cell(row=FIRST_DATA_ROW, column=KEY_COLUMN).value == "raw_coal"
    assert (raw_coal.value, raw_coal.protection.locked) == (0.7143, True)
    # the total row is a locked formula per year
    assert sheet.cell(row=total_row, column=2).value == "综合能源消费量（系统计算）"
    for i in range(len(YEARS)):
        cell = sheet.cell(row=total_row, column=UNIT_COLUMN + 1 + i)
        assert str(cell.value).startswith("=SUMPRODUCT("), cell.coordinate
        assert cell.protection.locked is True


def test_every_input_cell_is_validated_as_a_number_not_below_zero(editor, plan_a):
    workbook = opened(download(editor, plan_a))
    for key in TABLES:
        sheet = workbook[SHEET_NAMES[key]]
        (validation,) = sheet.data_validations.dataValidation
        assert (validation.type, validation.operator, validation.formula1) == (
            "decimal",
            "greaterThanOrEqual",
            "0",
        )
        assert validation.showErrorMessage
        assert validation.error == "请填写不小于 0 的数字。"
        first = f"{get_column_letter(UNIT_COLUMN + 1)}{FIRST_DATA_ROW}"
        assert first in validation.sqref, key


def test_the_downloaded_values_are_those_stored(editor, filled_plan):
    # given values in every table, and an own fuel with a quantity
    fuel = CustomFuelFactory(plan=filled_plan, name="生物质成型燃料")
    energy = {**stored(filled_plan, "energy"), f"custom-{fuel.pk}": {"2019": "37.5"}}
    TableData.objects.filter(plan=filled_plan, table="energy").update(values=energy)

    # when the workbook is downloaded
    workbook = opened(download(editor, filled_plan))

    # then each table's cells hold exactly the stored values, and the other cells are empty
    for key in TABLES:
        values = stored(filled_plan, key)
        sheet = workbook[SHEET_NAMES[key]]
        for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
            row_key = sheet.cell(row=r, column=KEY_COLUMN).value
            if not row_key:
                continue
            for i, year in enumerate(YEARS):
                cell = sheet.cell(row=r, column=UNIT_COLUMN + 1 + i).value
                expected = values.get(row_key, {}).get(str(year))
                if expected is None:
                    assert cell is None, (key, row_key, year)
                else:
                    assert Decimal(str(cell)) == Decimal(expected), (key, row_key, year)
    label = cell_of(workbook, "energy", f"custom-{fuel.pk}", 2019).offset(column=-(2 + 3))
    assert label.value == "生物质成型燃料"


# --- the round trip ------------------------------------------------------------------------------


def test_a_filled_workbook_is_reviewed_then_saved_as_typed(world, editor, filled_plan):
    # given the downloaded workbook, filled in Excel
    content = fill(
        opened(download(editor, filled_plan)),
        {
            ("economy", "iav", 2019): 1234.5,
            ("economy", "gdp", 2020): "2,500",  # typed as text with a thousands separator
            ("energy", "natural_gas", 2020): 100,
            ("water", "total", 2020): 0.12345678,
            ("pollutants", "cod", 2017): None,  # cleared
        },
    )
    before = everything_stored(filled_plan)

    # when it is uploaded
    response = upload(editor, filled_plan, content)

    # then the review page lists each change, and nothing is saved yet
    pending = WorkbookImport.objects.get(plan=filled_plan)
    assert response.status_code == 302
    assert response.url == review_url(filled_plan, pending)
    assert everything_stored(filled_plan) == before
    review = editor.get(response.url)
    text = text_of(review.content.decode())
    assert "核对导入内容" in text
    assert "尚未保存任何数据。" in text
    for change in (
        "工业增加值（万元） 2019 — 1,234.5",
        "园区生产总值（万元） 2020 — 2,500",
        "天然气（万立方米） 2020 — 100",
        "工业用水总量（万立方米） 2020 — 0.12345678",
        "化学需氧量排放量（吨） 2017 2,400 —",
    ):
        assert change in text
    assert "工业增加值（万元） 2020" not in text  # unchanged cells are not listed

    # when the user confirms
    applied = editor.post(response.url, {"action": "apply"})

    # then the tables hold what was typed, the rest as it was
    assert applied.status_code == 302
    assert "导入完成：更新了 4 张数据表。" in text_of(editor.get(applied.url).content.decode())
    assert stored(filled_plan, "economy") == {
        "iav": {"2019": "1234.5", "2020": "1000"},
        "gdp": {"2016": "1234.5", "2020": "2500"},
    }
    assert stored(filled_plan, "energy") == {
        "raw_coal": {"2020": "1000"},
        "natural_gas": {"2020": "100"},
    }
    assert stored(filled_plan, "water") == {
        "fresh": {"2018": "0.12345678"},
        "total": {"2020": "0.12345678"},
    }
    assert stored(filled_plan, "pollutants") == {}
    assert WorkbookImport.objects.get(pk=pending.pk).status == WorkbookImport.Status.APPLIED


def test_an_unchanged_workbook_changes_nothing(editor, filled_plan):
    # when the workbook is uploaded as downloaded
    response = upload(editor, filled_plan, download(editor, filled_plan))

    # then the review says nothing would change
    review = editor.get(response.url)
    assert "工作簿中的数据与平台一致，不会有任何修改。" in text_of(review.content.decode())
    before = everything_stored(filled_plan)
    editor.post(response.url, {"action": "apply"})
    assert everything_stored(filled_plan) == before


def test_a_discarded_upload_saves_nothing(editor, filled_plan):
    # given an uploaded workbook with a change
    content = fill(opened(download(editor, filled_plan)), {("economy", "iav", 2016): 5})
    response = upload(editor, filled_plan, content)
    pending = WorkbookImport.objects.get(plan=filled_plan)
    before = everything_stored(filled_plan)

    # when the user discards it
    discarded = editor.post(response.url, {"action": "discard"})

    # then nothing changed, and the upload cannot be applied afterwards
    assert discarded.status_code == 302
    assert "已放弃本次上传，数据未作任何修改。" in text_of(
        editor.get(discarded.url).content.decode()
    )
    assert WorkbookImport.objects.get(pk=pending.pk).status == WorkbookImport.Status.DISCARDED
    late = editor.post(response.url, {"action": "apply"}, follow=True)
    assert "该次上传已经导入或已放弃。" in text_of(late.content.decode())
    assert everything_stored(filled_plan) == before


def test_an_applied_upload_cannot_be_applied_twice(world, editor, filled_plan):
    content = fill(opened(download(editor, filled_plan)), {("economy", "iav", 2016): 5})
    response = upload(editor, filled_plan, content)
    editor.post(response.url, {"action": "apply"})
    store_table(filled_plan, "economy", {"iav": {"2016": "6"}}, world.editor_a)

    again = editor.post(response.url, {"action": "apply"}, follow=True)

    assert "该次上传已经导入或已放弃。" in text_of(again.content.decode())
    assert stored(filled_plan, "economy") == {"iav": {"2016": "6"}}


def test_an_upload_is_not_applied_over_tables_changed_since(world, editor, filled_plan):
    # given an upload changing the economy and water tables
    content = fill(
        opened(download(editor, filled_plan)),
        {("economy", "iav", 2016): 5, ("water", "total", 2016): 7},
    )
    response = upload(editor, filled_plan, content)
    # ... and then the water table changed in the portal
    store_table(filled_plan, "water", {"total": {"2016": "8"}}, world.manager_a)
    before = everything_stored(filled_plan)

    # when the user confirms the upload
    applied = editor.post(response.url, {"action": "apply"}, follow=True)

    # then nothing is saved, not even the economy table nobody else touched
    assert (
        "未保存：上传之后平台上的数据表已被修改。请重新下载工作簿，或重新上传以与最新数据比对。"
        in text_of(applied.content.decode())
    )
    assert everything_stored(filled_plan) == before
    assert stored(filled_plan, "water") == {"total": {"2016": "8"}}
    assert WorkbookImport.objects.get(plan=filled_plan).status == WorkbookImport.Status.PENDING


# --- refusals: the file as a whole ------------------------------------------------------------


def assert_refused(response, plan, before, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert "未导入任何数据。请更正以下单元格后重新上传：" in text_of(html)
    assert message in import_errors(html)
    assert everything_stored(plan) == before
    assert not WorkbookImport.objects.filter(plan=plan).exists()


def with_meta(content: bytes, **changes) -> bytes:
    workbook = opened(content)
    meta = workbook[META_SHEET]
    for row in meta.iter_rows(min_row=1, max_row=meta.max_row):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    return saved(workbook)


def test_a_workbook_of_another_template_version_is_refused(editor, filled_plan):
    before = everything_stored(filled_plan)
    content = with_meta(
        fill(opened(download(editor, filled_plan)), {("economy", "iav", 2016): 5}),
        template_version="2019-1",
    )

    response = upload(editor, filled_plan, content)

    assert_refused(
        response,
        filled_plan,
        before,
        "该工作簿的模板版本为 2019-1，本平台读取 2021-1 版本。请重新下载模板。",
    )


def test_a_workbook_of_another_park_downloaded_by_an_admin_is_refused(
    world, client_for, filled_plan, plan_b
):
    # given park B's workbook as the national admin downloads it
    content = download(client_for(world.admin), plan_b)
    before = everything_stored(filled_plan)

    # when park A's editor uploads it to park A's plan
    response = upload(client_for(world.editor_a), filled_plan, content)

    # then it is refused, naming the park it belongs to
    assert_refused(
        response, filled_plan, before, "该工作簿属于其他园区或其他方案（杭州高新技术产业开发区）。"
    )


def test_a_workbook_built_for_another_plan_is_refused(editor, filled_plan, plan_b):
    before = everything_stored(filled_plan)
    content = build_workbook(numbers_of(plan_b))

    response = upload(editor, filled_plan, content)

    assert_refused(
        response, filled_plan, before, "该工作簿属于其他园区或其他方案（杭州高新技术产业开发区）。"
    )


def test_a_tampered_signature_is_refused(editor, filled_plan):
    before = everything_stored(filled_plan)
    content = with_meta(download(editor, filled_plan), signature="0" * 64)

    response = upload(editor, filled_plan, content)

    assert_refused(response, filled_plan, before, "工作簿的隐藏标识已被修改，请重新下载模板。")


def test_another_plans_workbook_relabelled_for_this_plan_is_refused(
    world, editor, filled_plan, plan_b
):
    # given park B's workbook with its marker rewritten to name park A's plan
    content = with_meta(
        build_workbook(numbers_of(plan_b)), plan=filled_plan.pk, park=world.park_a.pk
    )
    before = everything_stored(filled_plan)

    # when it is uploaded to park A's plan, the signature (of park B's plan) gives it away
    response = upload(editor, filled_plan, content)

    assert_refused(response, filled_plan, before, "工作簿的隐藏标识已被修改，请重新下载模板。")


def test_a_workbook_without_the_marker_sheet_is_refused(editor, filled_plan):
    workbook = opened(download(editor, filled_plan))
    del workbook[META_SHEET]
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, saved(workbook))

    assert_refused(
        response,
        filled_plan,
        before,
        "该文件不是从本平台数据表页面下载的工作簿（缺少隐藏的标识工作表）。",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("数据表.xlsx", pdf_bytes()),
        ("数据表.xlsx", "2020年,工业增加值\n1000,2000\n".encode()),
        ("数据表.xlsx", b""),
        ("数据表.pdf", pdf_bytes()),
    ],
    ids=["pdf-named-xlsx", "text-named-xlsx", "empty", "pdf"],
)
def test_a_file_that_is_not_an_excel_workbook_is_refused(editor, filled_plan, name, content):
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, content, name=name)

    assert_refused(response, filled_plan, before, "该文件不是 Excel 工作簿（.xlsx）。")


def test_a_word_document_is_refused(editor, filled_plan):
    from tests.plans.helpers import docx_bytes

    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, docx_bytes(), name="数据表.xlsx")

    assert_refused(response, filled_plan, before, "该文件不是 Excel 工作簿（.xlsx）。")


def test_a_20_mb_file_is_refused_by_its_size(editor, filled_plan, settings):
    assert settings.WORKBOOK_MAX_BYTES == 5 * 1024 * 1024
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, b"\0" * (20 * 1024 * 1024))

    assert_refused(response, filled_plan, before, "文件大小为 20.0 MB，数据工作簿不能超过 5 MB。")


def test_an_upload_without_a_file_asks_for_one(editor, filled_plan):
    response = editor.post(reverse("indicators:import", args=[filled_plan.pk]), {})

    assert response.status_code == 200
    assert "请选择要上传的工作簿文件。" in import_errors(response.content.decode())
    assert not WorkbookImport.objects.exists()


# --- refusals: cells ---------------------------------------------------------------------------


def test_a_missing_sheet_is_named(editor, filled_plan):
    workbook = opened(download(editor, filled_plan))
    del workbook[SHEET_NAMES["water"]]
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, saved(workbook))

    assert_refused(response, filled_plan, before, "工业用水量 | - | - | 缺少该工作表。")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("一千", "“一千”是文字，不是数字。"),
        ("1000吨", "“1000吨”是文字，不是数字。"),
        (-5, "数值不能为负数。"),
        ("-5", "数值不能为负数。"),
        ("=1/0", "公式 =1/0 没有可计算的结果。"),
        ("=A1+", "公式 =A1+ 没有可计算的结果。"),
        (True, "请填写数字，而不是 TRUE/FALSE。"),
    ],
    ids=["text", "number-with-unit", "negative", "negative-text", "div0", "broken-formula", "bool"],
)
def test_a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_saved(
    editor, filled_plan, typed, message
):
    # given a good change in one cell and a bad value in 工业增加值 2020 (row 5, column H)
    content = fill(
        opened(download(editor, filled_plan)),
        {("economy", "gdp", 2016): 99, ("economy", "iav", 2020): typed},
    )
    before = everything_stored(filled_plan)

    # when uploaded
    response = upload(editor, filled_plan, content)

    # then the cell is named with its message, and nothing is saved
    assert_refused(response, filled_plan, before, f"主要经济指标 | 5 | H | {message}")


def test_every_bad_cell_is_listed_at_once(editor, filled_plan):
    # given three bad cells in two sheets
    content = fill(
        opened(download(editor, filled_plan)),
        {
            ("economy", "iav", 2016): "约100",
            ("water", "reused", 2017): -1,
            ("energy", "electricity", 2020): "=1/0",
        },
    )

    # when uploaded
    response = upload(editor, filled_plan, content)

    # then each is listed
    errors = import_errors(response.content.decode())
    electricity_row = FIRST_DATA_ROW + 14  # the 15th fuel of the seed set
    assert errors == [
        "主要经济指标 | 5 | D | “约100”是文字，不是数字。",
        f"分品种能源消费量 | {electricity_row} | H | 公式 =1/0 没有可计算的结果。",
        "工业用水量 | 7 | E | 数值不能为负数。",
    ]
    assert not WorkbookImport.objects.exists()


def test_changed_year_columns_are_refused(editor, filled_plan):
    workbook = opened(download(editor, filled_plan))
    workbook[SHEET_NAMES["economy"]].cell(
        row=FIRST_DATA_ROW - 1, column=UNIT_COLUMN + 1
    ).value = "2015年"
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, saved(workbook))

    assert_refused(response, filled_plan, before, "主要经济指标 | 4 | - | 年份列已被修改。")


def test_a_row_added_with_an_unknown_code_is_refused(editor, filled_plan):
    workbook = opened(download(editor, filled_plan))
    sheet = workbook[SHEET_NAMES["economy"]]
    sheet.cell(row=FIRST_DATA_ROW + 2, column=KEY_COLUMN).value = "exports"
    sheet.cell(row=FIRST_DATA_ROW + 2, column=UNIT_COLUMN + 1).value = 5
    before = everything_stored(filled_plan)

    response = upload(editor, filled_plan, saved(workbook))

    assert_refused(response, filled_plan, before, "主要经济指标 | 7 | A | 未知的行代码 exports。")


def test_a_workbook_downloaded_before_an_own_fuel_was_removed_is_refused(editor, filled_plan):
    # given the workbook downloaded with a row for the park's own fuel, which is then removed
    fuel = CustomFuelFactory(plan=filled_plan)
    content = fill(
        opened(download(editor, filled_plan)), {("energy", f"custom-{fuel.pk}", 2020): 3}
    )
    key = f"custom-{fuel.pk}"
    fuel.delete()
    before = everything_stored(filled_plan)

    # when uploaded
    response = upload(editor, filled_plan, content)

    # then the row is unknown now
    assert response.status_code == 200
    errors = import_errors(response.content.decode())
    assert len(errors) == 1
    assert errors[0].endswith(f"未知的行代码 {key}。")
    assert everything_stored(filled_plan) == before
