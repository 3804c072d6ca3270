"""The park's change history as an Excel workbook (the history page's export): one row per
changed field, in the words of the page (parks.history), the whole text of a change rather than
the page's shortened one. Every cell goes in through core.spreadsheets, so what people typed
stays text, never a formula."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from core import spreadsheets
from parks.history import read
from parks.selectors import audit_current_values

WIDTHS = (18, 14, 10, 30, 24, 50, 50)
WHEN = "yyyy-mm-dd hh:mm:ss"


def history_workbook(*, park, entries, filters: list[tuple[str, str]]) -> bytes:
    """`entries`: audit rows, newest first; `filters`: (label, chosen) of the filters used."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(_("Change history"))
    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A4"
    wrap = Alignment(wrap_text=True, vertical="top")

    title = spreadsheets.cell(ws, _("%(park)s: change history") % {"park": park.name})
    title.font = Font(bold=True, size=14)
    ws.append(spreadsheets.row(ws, [title]))
    chosen = "；".join(f"{label}：{value}" for label, value in filters) or _("all changes")
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    about = _("Filters: %(filters)s. Made %(time)s.") % {"filters": chosen, "time": made}
    ws.append(spreadsheets.row(ws, [about]))
    headers = [
        _("Time"),
        _("Person"),
        _("Action"),
        _("Part"),
        _("Item"),
        _("Old value"),
        _("New value"),
    ]
    header_cells = []
    for text in headers:
        cell = spreadsheets.cell(ws, text)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(spreadsheets.row(ws, header_cells))

    rows = 0
    current = audit_current_values(entries)
    for entry in entries.iterator(chunk_size=500):
        shown = read(entry, current.get(entry.pk))
        at = timezone.localtime(shown.at).replace(tzinfo=None)  # Excel has no time zones
        for change in shown.changes or [None]:
            when = spreadsheets.cell(ws, at)
            when.number_format = WHEN
            values = [when, shown.actor, shown.action, shown.part]
            if change is None:
                values += [None, None, None]
            else:
                old = spreadsheets.cell(ws, change.old or None)
                new = spreadsheets.cell(ws, change.new or None)
                old.alignment = new.alignment = wrap
                values += [change.label, old, new]
            ws.append(spreadsheets.row(ws, values))
            rows += 1
    ws.auto_filter.ref = f"A3:G{rows + 3}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
