"""The data tables as an Excel workbook (openpyxl): a template filled with the current values,
and its import, checked cell by cell.

The workbook walks indicators.tables.TABLES like the web form. A very hidden sheet carries the
template version, the plan and a signature (HMAC with the site's secret), so a workbook of another
park, another plan or an older template is refused before any cell is read. Every cell is
written through core.spreadsheets: what a park typed (its own fuels' names and units) is stored
as text and reads back as typed; the only formulas are the portal's own computed totals.
"""

import hashlib
import hmac
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import parse_number
from core.spreadsheets import Formula, put
from indicators import bounds
from indicators.tables import TABLES

TEMPLATE_VERSION = "2021-1"
META_SHEET = "_meta"
INSTRUCTIONS_SHEET = "填写说明"
FIRST_DATA_ROW = 5
KEY_COLUMN, LABEL_COLUMN, UNIT_COLUMN = 1, 2, 3
SHEET_NAMES = {
    "economy": "主要经济指标",
    "energy": "分品种能源消费量",
    "water": "工业用水量",
    "pollutants": "废水及污染物排放量",
}
# A template has a few dozen rows; a sheet of thousands is not one, and the error list stops at
# a length a person reads.
MAX_ROWS = 500
MAX_ERRORS = 200
EXCEL_ERRORS = {"#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!"}


def signature(plan) -> str:
    message = f"{TEMPLATE_VERSION}:{plan.pk}:{plan.park_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _span(years) -> str:
    """2016-2020, or 2024 for one data year."""
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}"


def _rows(numbers, table):
    if table.fuel_rows:
        return [
            (line.fuel.key, line.fuel.name, line.fuel.unit, line.fuel.tce_per_unit)
            for line in numbers.account.lines
        ]
    return [(row.key, row.label, row.unit, None) for row in table.rows]


def build_workbook(numbers) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    plan, years = numbers.plan, numbers.history_years
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS_SHEET
    lines = [
        f"{plan.park.name} · {_span(years)}年数据表",
        f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}　模板版本：{TEMPLATE_VERSION}",
        "",
        "1. 只在白色单元格填写数字（可带千分位，如 1,234.5）；灰色单元格为说明或系统计算，已锁定。",
        "2. 不得填写负数、文字或无法计算的公式；不填的单元格留空。",
        "3. 不要增删工作表、行或列，不要修改隐藏的工作表；本文件只能导入本园区本方案。",
        "4. 上传后系统逐格检查并列出全部错误；确认差异后才会保存，有任何错误则不保存。",
        "5. 折标准煤由系统按方案所用系数集计算（见“分品种能源消费量”表中的系数列）。",
    ]
    for i, text in enumerate(lines, start=1):
        put(guide, i, 1, text).font = Font(bold=i == 1, size=13 if i == 1 else 11)
    guide.column_dimensions["A"].width = 100

    header_fill = PatternFill("solid", fgColor="DCEFE3")
    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    for key, table in TABLES.items():
        ws = wb.create_sheet(SHEET_NAMES[key])
        put(ws, 1, 2, f"{_span(years)}年{table.title}").font = Font(bold=True, size=13)
        put(ws, 2, 2, plan.park.name)
        put(ws, 3, 2, table.note or "")
        headers = ["代码", "项目", "单位", *(f"{y}年" for y in years)]
        if table.fuel_rows:
            headers.append("折标准煤系数（吨标准煤/计量单位）")
        for col, text in enumerate(headers, start=1):
            cell = put(ws, FIRST_DATA_ROW - 1, col, text)
            cell.font, cell.fill = Font(bold=True), header_fill
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        validation = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数值无效",
            error="请填写不小于 0 的数字。",
        )
        ws.add_data_validation(validation)
        values = numbers.values[key]
        rows = _rows(numbers, table)
        for offset, (row_key, label, unit, coefficient) in enumerate(rows):
            r = FIRST_DATA_ROW + offset
            for col, value in ((KEY_COLUMN, row_key), (LABEL_COLUMN, label), (UNIT_COLUMN, unit)):
                put(ws, r, col, value).fill = locked_fill
            for i, year in enumerate(years):
                text = values.get(row_key, {}).get(str(year))
                number = float(Decimal(text)) if text not in (None, "") else None
                cell = put(ws, r, UNIT_COLUMN + 1 + i, number)
                cell.protection = Protection(locked=False)
                cell.number_format = "#,##0.####"
                validation.add(cell)
            if coefficient is not None:
                put(ws, r, UNIT_COLUMN + 1 + len(years), float(coefficient)).fill = locked_fill
        if table.fuel_rows and rows:
            # Computed, locked: standard coal per year, as formulas Excel shows live.
            coef_col = get_column_letter(UNIT_COLUMN + 1 + len(years))
            total_row = FIRST_DATA_ROW + len(rows) + 1
            put(ws, total_row, LABEL_COLUMN, "综合能源消费量（系统计算）").font = Font(bold=True)
            put(ws, total_row, UNIT_COLUMN, "吨标准煤")
            for i in range(len(years)):
                col = get_column_letter(UNIT_COLUMN + 1 + i)
                first, last = FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1
                # The workbook's only formulas: the portal's own (core.spreadsheets).
                cell = put(
                    ws,
                    total_row,
                    UNIT_COLUMN + 1 + i,
                    Formula(
                        f"=SUMPRODUCT({col}{first}:{col}{last},{coef_col}{first}:{coef_col}{last})"
                    ),
                )
                cell.fill, cell.number_format = locked_fill, "#,##0.00"
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions["B"].width = 30
        ws.column_dimensions["C"].width = 12
        for i in range(len(years) + 1):
            ws.column_dimensions[get_column_letter(UNIT_COLUMN + 1 + i)].width = 16
        ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=UNIT_COLUMN + 1)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
    meta = wb.create_sheet(META_SHEET)
    for i, (name, value) in enumerate(
        (
            ("template_version", TEMPLATE_VERSION),
            ("plan", plan.pk),
            ("park", plan.park_id),
            ("park_name", plan.park.name),
            ("cycle", plan.cycle.code),
            ("years", ",".join(str(y) for y in years)),
            ("signature", signature(plan)),
        ),
        start=1,
    ):
        put(meta, i, 1, name)
        put(meta, i, 2, value)
    meta.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str
    message: str


class WorkbookRefused(Exception):
    """The file as a whole is refused (not a workbook, another plan, another template ...)."""


def _meta(wb) -> dict:
    if META_SHEET not in wb.sheetnames:
        raise WorkbookRefused(
            _(
                "This is not a workbook downloaded from this portal's data "
                "tables page (its hidden marker sheet is missing)."
            )
        )
    return {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r[0]}


def read_workbook(plan, upload, *, rows_by_table: dict[str, list[str]], specs_by_table=None):
    """({table: {row: {year: "decimal"}}}, [CellError], [notice]) of an uploaded template
    workbook. With `specs_by_table` ({table: {row: services.RowSpec}}) each row's unit column is
    read: another unit of the same kind is converted (a notice says so), any other is refused;
    every value is checked by indicators.bounds, as the data page checks it."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if upload.size > settings.WORKBOOK_MAX_BYTES:
        raise WorkbookRefused(
            _("The file is %(size)s MB; a data workbook is at most %(limit)s MB.")
            % {
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": settings.WORKBOOK_MAX_BYTES // 1024 // 1024,
            }
        )
    data = upload.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookRefused(_("The file is not an Excel workbook (.xlsx)."))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if sum(i.file_size for i in package.infolist()) > 10 * settings.WORKBOOK_MAX_BYTES:
            raise WorkbookRefused(_("The file is not an Excel workbook (.xlsx)."))
    try:
        values_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas_wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign package
        raise WorkbookRefused(_("The file is not an Excel workbook (.xlsx).")) from None
    meta = _meta(values_wb)
    if str(meta.get("template_version")) != TEMPLATE_VERSION:
        raise WorkbookRefused(
            _(
                "The workbook was made for template version %(theirs)s; this portal reads "
                "version %(ours)s. Download a new template."
            )
            % {"theirs": meta.get("template_version"), "ours": TEMPLATE_VERSION}
        )
    if str(meta.get("plan")) != str(plan.pk) or str(meta.get("park")) != str(plan.park_id):
        raise WorkbookRefused(
            _("The workbook belongs to another park or plan (%(park)s).")
            % {"park": meta.get("park_name")}
        )
    if not hmac.compare_digest(str(meta.get("signature")), signature(plan)):
        raise WorkbookRefused(
            _("The workbook's hidden marker was changed; download a new template.")
        )
    years = plan.data_years
    errors: list[CellError] = []
    notices: list[str] = []
    result: dict[str, dict] = {}
    for key in TABLES:
        name = SHEET_NAMES[key]
        if name not in values_wb.sheetnames:
            errors.append(CellError(name, None, "", _("The sheet is missing.")))
            continue
        values_ws, formulas_ws = values_wb[name], formulas_wb[name]
        header = [
            c
            for c in next(
                values_ws.iter_rows(
                    min_row=FIRST_DATA_ROW - 1, max_row=FIRST_DATA_ROW - 1, values_only=True
                )
            )
        ]
        expected = [f"{y}年" for y in years]
        if header[UNIT_COLUMN : UNIT_COLUMN + len(years)] != expected:
            errors.append(
                CellError(name, FIRST_DATA_ROW - 1, "", _("The year columns were changed."))
            )
            continue
        table_values: dict[str, dict] = {}
        known = set(rows_by_table[key])
        formula_rows = formulas_ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
        for r, (cells, formula_cells) in enumerate(
            zip(
                values_ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True),
                formula_rows,
                strict=False,
            ),
            start=FIRST_DATA_ROW,
        ):
            row_key = cells[KEY_COLUMN - 1] if cells else None
            if row_key in (None, ""):
                continue  # blank line or the computed total below the table
            if row_key not in known:
                errors.append(
                    CellError(name, r, "A", _("Unknown row code %(code)s.") % {"code": row_key})
                )
                continue
            if r - FIRST_DATA_ROW >= MAX_ROWS or len(errors) >= MAX_ERRORS:
                break
            spec = (specs_by_table or {}).get(key, {}).get(row_key)
            factor = Decimal(1)
            if spec is not None:
                given = cells[UNIT_COLUMN - 1] if len(cells) >= UNIT_COLUMN else None
                label = cells[LABEL_COLUMN - 1] or spec.label
                factor = bounds.unit_factor(given, spec.unit)
                if factor is None:
                    errors.append(
                        CellError(
                            name,
                            r,
                            get_column_letter(UNIT_COLUMN),
                            _(
                                "Row %(row)s (%(label)s): the unit “%(given)s” cannot be read "
                                "as %(unit)s. Enter the values in %(unit)s and put the unit "
                                "back, or use a unit of the same kind (such as 千瓦时 for "
                                "万千瓦时)."
                            )
                            % {"row": r, "label": label, "given": given or "", "unit": spec.unit},
                        )
                    )
                    continue
                if factor != 1:
                    notices.append(
                        _(
                            "%(sheet)s, row %(row)s (%(label)s): the values are in %(given)s "
                            "and were converted to %(unit)s (× %(factor)s)."
                        )
                        % {
                            "sheet": name,
                            "row": r,
                            "label": label,
                            "given": given,
                            "unit": spec.unit,
                            "factor": f"{factor.normalize():f}",
                        }
                    )
            table_values.setdefault(row_key, {})
            for i, year in enumerate(years):
                col = UNIT_COLUMN + i
                value = cells[col] if col < len(cells) else None
                formula = formula_cells[col] if col < len(formula_cells) else None
                letter = get_column_letter(col + 1)
                is_formula = isinstance(formula, str) and formula.startswith("=")
                if is_formula and (value is None or str(value) in EXCEL_ERRORS):
                    errors.append(
                        CellError(
                            name,
                            r,
                            letter,
                            _("The formula %(formula)s has no value Excel could compute.")
                            % {"formula": formula},
                        )
                    )
                    continue
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if isinstance(value, bool):
                    errors.append(CellError(name, r, letter, _("Enter a number, not TRUE/FALSE.")))
                    continue
                if isinstance(value, int | float | Decimal):
                    number = Decimal(str(value))
                else:
                    try:
                        number = parse_number(value)
                    except ValueError:
                        errors.append(
                            CellError(
                                name,
                                r,
                                letter,
                                _("“%(text)s” is text, not a number.") % {"text": str(value)[:40]},
                            )
                        )
                        continue
                if spec is None:
                    if number < 0:
                        errors.append(
                            CellError(name, r, letter, _("The value cannot be negative."))
                        )
                        continue
                    table_values.setdefault(row_key, {})[str(year)] = str(number)
                    continue
                try:
                    text = bounds.clean_cell(
                        # converted figures drop the zeros the conversion adds (500.0000)
                        (number * factor).normalize() if factor != 1 else number,
                        unit=spec.unit,
                        positive=spec.positive,
                        label=spec.label,
                    )
                except bounds.CellRefused as refused:
                    errors.append(CellError(name, r, letter, refused.message))
                    continue
                table_values.setdefault(row_key, {})[str(year)] = text
        result[key] = table_values
    values_wb.close()
    formulas_wb.close()
    return result, errors, notices
