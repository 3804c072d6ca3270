"""A report's data tables hold its data years (issue 16, item 3): the web form, the Excel
round-trip, the accounting of the data year (its grid factor, the plan's choice) and the derived
indicators the report's actuals count."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from indicators import grid
from indicators.models import Accounting, WorkbookImport
from indicators.selectors import report_actuals
from indicators.workbook import FIRST_DATA_ROW, KEY_COLUMN, SHEET_NAMES, UNIT_COLUMN
from reports.services import report_start
from tests.indicators.helpers import numbers_of, save_table, stored

TODAY = datetime.date(2026, 11, 30)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
D = Decimal
REASON = "与所在市清单口径一致。"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def approved(plan_in):
    from plans.status import State

    return plan_in(State.APPROVED, ready=True)


@pytest.fixture
def report_2024(world, approved):
    return report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)


def _year_cell(sheet, row_key: str, year: int):
    header = [c.value for c in sheet[FIRST_DATA_ROW - 1]]
    column = header.index(f"{year}年") + 1
    for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=r, column=KEY_COLUMN).value == row_key:
            return sheet.cell(row=r, column=column)
    raise AssertionError(f"no row {row_key}")


def test_a_report_starts_with_the_approved_plans_accounting(world, approved):
    # given the approved plan computed with the national average, for a written reason
    Accounting.objects.filter(plan=approved).update(
        grid_scope=grid.NATIONAL_AVERAGE, grid_region="全国", grid_reason=REASON
    )
    plan_accounting = Accounting.objects.get(plan=approved)

    # when its 2024 report starts
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)

    # then the report computes with the same set and series, its reason carried, 2024 pinned
    accounting = Accounting.objects.get(plan=report)
    assert (
        accounting.coefficient_set_id,
        accounting.grid_scope,
        accounting.grid_region,
        accounting.grid_reason,
    ) == (plan_accounting.coefficient_set_id, grid.NATIONAL_AVERAGE, "全国", REASON)
    assert list(accounting.grid_years) == ["2024"]
    numbers = numbers_of(report)
    assert numbers.grid.reason == REASON
    assert numbers.account.grid_years[2024].value == D("0.5306")  # the 2023 national average


def test_a_reports_tables_are_its_data_year_on_the_web_form(world, client_for, report_2024):
    # when the park types its 2024 industrial added value on the data page
    editor = client_for(world.editor_a)
    page = editor.get(reverse("indicators:data", args=[report_2024.pk])).content.decode()
    assert 'name="economy-iav__2024"' in page
    assert "iav__2020" not in page  # the plan's history years are not the report's
    # and the page, its heading and its tables name the report's year, not the plan's history
    assert "2024年数据表 ·" in page
    assert "2024年园区主要经济指标" in page
    assert "2016-2020" not in page

    response = save_table(editor, report_2024, "economy", {"iav__2024": "52,000"})

    # then it is stored under 2024
    assert response.status_code == 302
    assert stored(report_2024, "economy") == {"iav": {"2024": "52000"}}


def test_the_excel_round_trip_of_a_2024_report(world, client_for, report_2024):
    editor = client_for(world.editor_a)

    # given the report's template, which has the one year 2024
    content = editor.get(reverse("indicators:workbook", args=[report_2024.pk])).content
    workbook = load_workbook(io.BytesIO(content))
    economy = workbook[SHEET_NAMES["economy"]]
    header = [c.value for c in economy[FIRST_DATA_ROW - 1]]
    assert header[UNIT_COLUMN:] == ["2024年"]
    assert economy.cell(row=1, column=2).value == "2024年园区主要经济指标"

    # when 2024's values are typed in Excel and uploaded
    _year_cell(economy, "iav", 2024).value = 50000
    energy = workbook[SHEET_NAMES["energy"]]
    _year_cell(energy, "raw_coal", 2024).value = 10000  # tonnes
    _year_cell(energy, "electricity", 2024).value = 1000  # 万千瓦时
    out = io.BytesIO()
    workbook.save(out)
    response = editor.post(
        reverse("indicators:import", args=[report_2024.pk]),
        {"workbook": SimpleUploadedFile("2024.xlsx", out.getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 302
    pending = WorkbookImport.objects.get(plan=report_2024)
    applied = editor.post(
        reverse("indicators:import-review", args=[report_2024.pk, pending.pk]),
        {"action": "apply"},
    )
    assert applied.status_code == 302

    # then the values are stored under "2024"
    assert stored(report_2024, "economy") == {"iav": {"2024": "50000"}}
    assert stored(report_2024, "energy") == {
        "raw_coal": {"2024": "10000"},
        "electricity": {"2024": "1000"},
    }

    # and the derived indicators of 2024 are computed from them, with the grid factor of 2024
    # (none published yet for the East China grid: 2023's stands in, and says so)
    numbers = numbers_of(report_2024)
    assert numbers.history_years == [2024]
    year = numbers.account.grid_years[2024]
    assert (year.factor_year, year.note) == (2023, "2024年数据暂用2023年因子")
    tce = numbers.account.total_tce[2024]
    assert tce == D("10000") * D("0.7143") + D("1000") * D("1.229")
    assert numbers.derived["energy_intensity_iav"][2024] == pytest.approx(tce / D(50000))
    co2 = numbers.account.total_co2[2024]
    assert numbers.derived["co2_intensity_iav"][2024] == pytest.approx(co2 / D(50000))
    assert co2 > D("10000000") * D("0.55") / D(1000)  # the electricity's share at 0.5500 t/MWh

    # and the report's actual of 单位工业增加值综合能耗 is the computed one
    rows = {r.row.name: r for r in report_actuals(report_2024)}
    intensity = rows["单位工业增加值综合能耗"]
    assert intensity.computed
    assert intensity.actual == numbers.derived["energy_intensity_iav"][2024]
