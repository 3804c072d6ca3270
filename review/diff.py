"""What changed between two submitted versions, part by part, read from the two snapshots by
walking their declaration (documents.schema): every part the declaration compares and every field
of its records, each under the label the declaration gives it (or, for a table row or the park
information, the label of the declaration that names its fields). A field added to the
declaration is compared here without a change to this module; a field the declaration keeps out
says why there (tests/review/test_compare.py holds both).

Each change is read as people read it: labels, not field names; choices, headings and warning
names, not codes; texts character by character (Chinese has no spaces, so words are not a unit).
The comparison page shows every change; a comment thread carried to a later version shows the
change of the part it is anchored to (review.revision), keyed by the same anchors as comments
(review.anchors)."""

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from functools import cache, cached_property

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from core.text import plain_text
from core.textdiff import char_diff
from documents.schema import Frozen, Part, Record
from indicators.extends import WARNING_NAMES
from parks.history import Kind, number_text, value_text
from parks.models import ParkProfile
from parks.profile import PROFILE_FIELDS, field_label
from plans.outline import outline_for
from plans.rows import ALL_KINDS
from review.anchors import anchor_section, version_anchors

# A text longer than this, or on several lines, is shown as what was removed and added.
DIFF_FROM = 40

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class FieldChange:
    """One field that changed: its label, the values before and after as text ("" for none),
    and for a text what was removed and added; `replaced` for a file whose content changed."""

    label: str
    before: str = ""
    after: str = ""
    segments: list[tuple[str, str]] | None = None
    replaced: bool = False


@dataclass
class PartChange:
    """A part a comment can be anchored to (a section, a row, an indicator ...), added, removed
    or changed, with what changed in it."""

    anchor: str
    group: str
    title: str
    status: str
    section: str = ""  # the outline key of the section it lives in
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {ADDED: _("Added"), REMOVED: _("Removed"), CHANGED: _("Changed")}[self.status]


@dataclass
class VersionDiff:
    parts: list[PartChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.parts

    @property
    def groups(self) -> list[tuple[str, list[PartChange]]]:
        """The changes under their group headings, in the order of the document."""
        grouped: dict[str, list[PartChange]] = {}
        for change in self.parts:
            grouped.setdefault(change.group, []).append(change)
        return list(grouped.items())

    @cached_property
    def by_anchor(self) -> dict[str, PartChange]:
        return {change.anchor: change for change in self.parts}

    def in_section(self, key: str) -> list[PartChange]:
        """The changes of the rows, figures, files ... that live in section `key` (its own
        text is `by_anchor["section:<key>"]`)."""
        own = f"section:{key}"
        return [c for c in self.parts if c.section == key and c.anchor != own]


def version_diff(old: Frozen, new: Frozen) -> VersionDiff:
    """Every change from `old` to `new`, part by part in the order of the declaration."""
    reader = _Reader(old, new)
    diff = VersionDiff()
    for part in Frozen.parts():
        if part.kept:
            continue
        for anchor, group, before, after in _pairs(part, old, new, reader):
            status = ADDED if before is None else REMOVED if after is None else CHANGED
            if part.shape == "cells":
                changes = _series_changes("", before or {}, after or {})
            else:
                changes = reader.record_changes(
                    part.record, before, after, anchor, whole=status != CHANGED
                )
            if changes:
                diff.parts.append(
                    PartChange(
                        anchor=anchor,
                        group=group,
                        title=reader.title(anchor, part),
                        status=status,
                        section=anchor_section(anchor, new if after is not None else old),
                        fields=changes,
                    )
                )
    return diff


# --- the records of a part, paired ------------------------------------------------------------


def identity(record: type[Record]) -> str:
    """The field records of this class are matched by (their "identity" field)."""
    return next(f.name for f in fields(record) if f.metadata.get("kept") == "identity")


def _matched(items, key: str) -> Iterator[tuple[object, object, object]]:
    """(identity, old, new) of two lists of records, in the new list's order, removed last."""
    old, new = items
    a = {getattr(item, key): item for item in old}
    b = {getattr(item, key): item for item in new}
    for pk in [*b, *(pk for pk in a if pk not in b)]:
        yield pk, a.get(pk), b.get(pk)


def _pairs(part: Part, old: Frozen, new: Frozen, reader: "_Reader"):
    """(anchor, group, old, new) of each record of the part (None where a version lacks it)."""
    a, b = getattr(old, part.name), getattr(new, part.name)
    if part.shape == "record":
        yield part.anchor, part.label, a, b
    elif part.shape == "by_key":
        for key in reader.ordered(part.anchor, set(a) | set(b)):
            yield f"{part.anchor}:{key}", part.label, a.get(key), b.get(key)
    elif part.shape == "by_id":
        for pk, x, y in _matched((a, b), identity(part.record)):
            yield f"{part.anchor}:{pk}", part.label, x, y
    elif part.shape == "by_kind":
        slugs = [s for s in ALL_KINDS if s in a or s in b]
        slugs += sorted((set(a) | set(b)) - set(slugs))
        for slug in slugs:
            kind = ALL_KINDS.get(slug)
            group = str(kind.title) if kind else part.label
            pairs = _matched((a.get(slug, []), b.get(slug, [])), identity(part.record))
            for pk, x, y in pairs:
                yield f"{part.anchor}:{slug}:{pk}", group, x, y
    elif part.shape == "cells":
        for table in reader.ordered(part.anchor, set(a) | set(b), prefix=True):
            rows_a, rows_b = a.get(table), b.get(table)
            for row in [*(rows_b or {}), *(r for r in rows_a or {} if r not in (rows_b or {}))]:
                x = None if rows_a is None else (rows_a.get(row) or {})
                y = None if rows_b is None else (rows_b.get(row) or {})
                yield f"{part.anchor}:{table}:{row}", part.label, x, y


# --- reading values -------------------------------------------------------------------------


def _text_change(label: str, before: str, after: str, always: bool = False) -> FieldChange:
    long = any(len(t) > DIFF_FROM or "\n" in t for t in (before, after))
    segments = char_diff(before, after) if (always or long) and before and after else None
    return FieldChange(label, before, after, segments)


def _joined(*labels) -> str:
    """Labels joined with " · ", each part once (a group named like its field reads once)."""
    parts = [part for label in labels for part in str(label).split(" · ") if part]
    return " · ".join(dict.fromkeys(parts))


def _real(changes: list[FieldChange]) -> list[FieldChange]:
    """Without the changes that read the same on both sides (None and "", {} and no value)."""
    return [c for c in changes if c.replaced or c.before != c.after]


def _series_changes(label, before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for year in sorted(set(before) | set(after)):
        a, b = before.get(year), after.get(year)
        if a != b:
            year_label = _("Year %(year)s") % {"year": year}
            changes.append(
                FieldChange(
                    _joined(label, year_label),
                    "" if a in (None, "") else number_text(a),
                    "" if b in (None, "") else number_text(b),
                )
            )
    return changes


@cache
def _choices(path: str) -> dict:
    app_label, model, name = path.split(".")
    return dict(apps.get_model(app_label, model)._meta.get_field(name).flatchoices)


class _Reader:
    """Reads the two versions' values as text, with the names the outline and the other
    declarations give them."""

    def __init__(self, old: Frozen, new: Frozen):
        version = new.plan.outline_version or old.plan.outline_version
        self.outline = outline_for(version) if version else None
        self.labels = (
            {**version_anchors(old, version), **version_anchors(new, version)} if version else {}
        )
        self.headings, self.categories = {}, {}
        if self.outline:
            for entry, _depth in self.outline.walk():
                self.headings[entry.key] = entry.heading
                self.categories.update(dict(entry.attachment_categories))

    def ordered(self, anchor: str, keys: set[str], prefix: bool = False) -> list[str]:
        """Keys in the order their anchors come in the document (unknown ones last)."""
        positions = {}
        for position, label in enumerate(self.labels):
            kind, _sep, rest = label.partition(":")
            if kind == anchor:
                positions.setdefault(rest.partition(":")[0] if prefix else rest, position)
        return sorted(keys, key=lambda k: (positions.get(k, len(self.labels)), k))

    def title(self, anchor: str, part: Part) -> str:
        if anchor in self.labels:
            return str(self.labels[anchor])
        kind, _sep, rest = anchor.partition(":")
        if kind == "row":
            slug = rest.partition(":")[0]
            return str(ALL_KINDS[slug].label) if slug in ALL_KINDS else str(part.label)
        return str(part.label)

    # -- records --

    def record_changes(self, cls, before, after, anchor: str, whole=False, label=""):
        """The changes of the shown fields of a record; `whole` for one added or removed
        (its values, read against an empty record; a file's digest is not a change then)."""
        empty = cls()
        a, b = before or empty, after or empty
        changes = []
        for f in fields(cls):
            meta = f.metadata
            if "kept" in meta or (whole and meta["value"] == "digest"):
                continue
            x, y = getattr(a, f.name), getattr(b, f.name)
            if x != y:
                changes += self.value_changes(meta, _joined(label, meta["label"]), x, y, anchor)
        return _real(changes)

    def value_changes(self, meta, label: str, x, y, anchor: str) -> list[FieldChange]:
        value = meta["value"]
        if value == "digest":
            return [FieldChange(label or _("File"), replaced=True)]
        if value == "series":
            return _series_changes(label, x or {}, y or {})
        if value == "record":
            return self.record_changes(meta["record"], x, y, anchor, label=label)
        if value == "records":
            return self.records_changes(meta["records"], label, x or [], y or [], anchor)
        if value == "by_warning":
            x, y = x or {}, y or {}
            return [
                _text_change(
                    _joined(label, WARNING_NAMES.get(code, _("another check"))),
                    x.get(code) or "",
                    y.get(code) or "",
                )
                for code in [*y, *(c for c in x if c not in y)]
                if (x.get(code) or "") != (y.get(code) or "")
            ]
        if value == "fields":
            return self.fields_changes(anchor, x or {}, y or {})
        if value == "rich":
            return [_text_change(label, plain_text(x or ""), plain_text(y or ""), always=True)]
        return [_text_change(label, self.text(meta, x), self.text(meta, y))]

    def records_changes(self, cls, label: str, x: list, y: list, anchor: str):
        changes = []
        for _pk, a, b in _matched((x, y), identity(cls)):
            for change in self.record_changes(cls, a, b, anchor, whole=a is None or b is None):
                changes.append(
                    FieldChange(_joined(label, change.label), change.before, change.after)
                )
        return changes

    def text(self, meta, value) -> str:
        if value is None or value == "":
            return ""
        match meta["value"]:
            case "bool":
                return _("yes") if value else _("no")
            case "number":
                return number_text(value)
            case "section":
                return str(self.headings.get(value, value))
            case "category":
                return str(self.categories.get(value, value))
            case "choice":
                return str(_choices(meta["choices"]).get(value, value))
        return str(value)

    def fields_changes(self, anchor: str, x: dict, y: dict) -> list[FieldChange]:
        """A dict of another declaration's fields: a row of a row kind, the park information."""
        kind, _sep, rest = anchor.partition(":")
        if kind == "row" and rest.partition(":")[0] in ALL_KINDS:
            row_kind = ALL_KINDS[rest.partition(":")[0]]
            model, names = row_kind.model, list(row_kind.fields)

            def label_of(name):
                return row_kind.field(name).verbose_name
        else:
            model, names = ParkProfile, list(PROFILE_FIELDS)

            def label_of(name):
                return field_label(ParkProfile, name)

        names = [n for n in names if n in x or n in y]
        names += [n for n in [*y, *x] if n not in names]
        history = Kind(label="")
        changes = []
        for name in dict.fromkeys(names):
            a, b = x.get(name), y.get(name)
            if a == b:
                continue
            try:
                label = _joined(label_of(name))
            except FieldDoesNotExist:  # a field its model no longer has: its stored name
                label = name
            changes.append(
                _text_change(
                    label,
                    value_text(model, history, name, a, x, "old"),
                    value_text(model, history, name, b, y, "new"),
                )
            )
        return _real(changes)


# --- a report against the previous year's (issue 16) -------------------------------------------

# The report's own tables, whose rows carry the approved plan's row they follow up.
CARRIED_KINDS = ("actuals", "task_progress", "project_progress")


def as_previous_year(previous: Frozen, current: Frozen) -> Frozen:
    """The previous year's approved report read so that version_diff(it, current) shows what
    moved year on year: each carried row takes the id of this year's row that carries the same
    row of the plan (rows added during implementation keep their own and show as added or
    removed), and the data tables' figures of the previous data year stand in this year's
    column (2023 → 2024 shows as each figure's change)."""
    data = copy.deepcopy(previous.data)
    rows = data.get("rows", {})
    for slug in CARRIED_KINDS:
        now = {r.get("carried_from"): r.id for r in current.rows(slug) if r.get("carried_from")}
        for row in rows.get(slug, []):
            origin = row.get("carried_from")
            row["id"] = now.get(origin, f"prev-{row.get('id')}")
    before, after = previous.plan.data_year, current.plan.data_year
    if before and after:
        for table in data.get("tables", {}).values():
            for series in table.values():
                if isinstance(series, dict) and str(before) in series:
                    series[str(after)] = series.pop(str(before))
    return Frozen(data)
