"""The parts of a frozen version a comment can be anchored to, with the label shown for each.

Anchors are strings: 'plan', 'park', 'section:<outline key>', 'figure:<id>', 'file:<id>',
'indicator:<id>', 'row:<row kind>:<id>', 'table:<data table>:<row key>'. The document templates
build them with the `anchor` tag; the server, not the browser, decides which exist and how they
are labelled, from the version's snapshot (read through documents.schema).
"""

from django.utils.translation import gettext as _

from documents.schema import Frozen, FrozenRow
from indicators.tables import TABLES
from plans.models import Plan
from plans.outline import outline_for
from plans.rows import ALL_KINDS, ROW_KINDS


def _row_label(kind: str, row: FrozenRow) -> str:
    if kind == "milestones":
        return f"{row.get('year', '')}年 {row.get('target', '')}".strip()
    return str(row.get("name") or row.id)


def table_row_names(table: str, *versions: Frozen) -> dict[str, str]:
    """Row key -> label of a data table; fuel names taken from the versions."""
    definition = TABLES[table]
    names = {row.key: row.label for row in definition.rows}
    for frozen in versions:
        names.update(frozen.fuel_names())
    return names


def cell_label(table: str, row: str, *versions: Frozen) -> str:
    """'Table title · row label' of a data table row."""
    definition = TABLES.get(table)
    if definition is None:
        return f"{table} · {row}"
    return f"{definition.title} · {table_row_names(table, *versions).get(row, row)}"


def anchor_section(anchor: str, frozen: Frozen) -> str:
    """The outline section a part lives in ("" for the park information and the plan as a
    whole): where the park answers a comment on it, and which section it marks 待修改."""
    kind, _sep, rest = anchor.partition(":")
    if kind == "section":
        return rest
    if kind in ("figure", "file"):
        pk = int(rest) if rest.isdigit() else None
        found = frozen.figure(pk) if kind == "figure" else frozen.attachment(pk)
        return found.section_key if found else ""
    if kind == "indicator":
        return ALL_KINDS["indicators"].section_key
    if kind == "row":
        slug = rest.partition(":")[0]
        return ALL_KINDS[slug].section_key if slug in ALL_KINDS else ""
    if kind == "table":
        table = rest.partition(":")[0]
        return TABLES[table].section_key if table in TABLES else ""
    return ""


def version_anchors(frozen: Frozen, outline_version: str) -> dict[str, str]:
    outline = outline_for(outline_version)
    whole = _("The %(what)s as a whole") % {"what": Plan.NOUNS[frozen.plan.kind]}
    anchors = {"plan": whole, "park": "一、园区基本信息"}
    for entry, _depth in outline.walk():
        if entry.is_editable:
            anchors[f"section:{entry.key}"] = entry.heading
    for figure in frozen.figures:
        anchors[f"figure:{figure.id}"] = f"{figure.label} {figure.caption}"
    for item in frozen.attachments:
        anchors[f"file:{item.id}"] = item.filename
    for item in frozen.indicators:
        anchors[f"indicator:{item.id}"] = item.name
    for slug, kind in ROW_KINDS.items():
        for row in frozen.rows(slug):
            anchors[f"row:{slug}:{row.id}"] = f"{kind.label} · {_row_label(slug, row)}"
    for table, values in frozen.tables.items():
        if table not in TABLES:
            continue
        keys = [row.key for row in TABLES[table].rows] if not TABLES[table].fuel_rows else values
        for row in keys:
            anchors[f"table:{table}:{row}"] = cell_label(table, row, frozen)
    return anchors
