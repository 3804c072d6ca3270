"""The change history as people read it: the park's 变更记录 page and its Excel export.

Audit rows (parks.audit) keep each change as {field: {label, old, new}}, in the words and the
language of the moment they were written. Reading them, each change is named the way the reader
knows it, in the reader's language: the field's label from the model (the stored label only
where the model has none), a choice by its label, 是/否, dates as dates, files by name, rich
text as its plain text with what was removed and added; never a Python repr, an internal code
or a storage path.

The app that owns a kind of record says what the history needs to know about it (`describe`):
its name for the kind, the record's name (a section's heading, a table's title), its rich-text
and file fields, labels and values of its own. parks describes its own models below; the apps
above describe theirs at start-up (plans.apps, indicators.extends), so parks imports none of
them. Nothing here queries the database: a page of history costs the same whatever it holds.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from core.text import html_to_text, looks_like_html
from core.textdiff import char_diff
from parks.models import AuditEntry, Park, ParkProfile, User
from parks.profile import field_label

# A text longer than this, or on several lines, is shown as what was removed and added.
DIFF_FROM = 60


@dataclass(frozen=True)
class Kind:
    """What the history knows about one kind of record."""

    label: str  # the kind of part, e.g. 方案正文 (lazy)
    # The record's name from its stored repr ("" for none); None: the repr itself.
    name: Callable[[str], str] | None = None
    # The part filter lists each record of this kind (a section, a table), in this order.
    itemised: bool = False
    order: Callable[[str], object] | None = None
    rich_text: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()
    # (field, stored label) -> the label to show, or None for the usual one
    label_of: Callable[[str, str], str | None] | None = None
    # (field, stored value) -> the text to show, or None for the usual one
    value_of: Callable[[str, object], str | None] | None = None
    # (record's repr, field) -> sort key of the changes (stored order when None)
    field_order: Callable[[str, str], object] | None = None


KINDS: dict[str, Kind] = {}


def describe(model: type[models.Model], **kind) -> None:
    """Say how the history names a model's records and changes (see Kind)."""
    KINDS[model._meta.label_lower] = Kind(**kind)


def kind_of(content_type) -> Kind:
    found = KINDS.get(f"{content_type.app_label}.{content_type.model}")
    if found:
        return found
    model = content_type.model_class()
    return Kind(label=model._meta.verbose_name if model else content_type.model)


# --- one entry, as read -------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str  # "" when there was nothing
    new: str
    # For texts: ("equal" | "delete" | "insert", text), what was removed and added
    segments: list[tuple[str, str]] | None = None
    is_file: bool = False


@dataclass
class Entry:
    pk: int
    at: datetime.datetime
    actor: str
    action: str
    part: str
    changes: list[Change] = field(default_factory=list)
    code: str = ""  # the action as stored

    # The first few changes are shown, the rest behind a "more" toggle (a table's save may
    # change fifty cells).
    SHOWN = 4

    @property
    def shown(self) -> list[Change]:
        return self.changes[: self.SHOWN]

    @property
    def more(self) -> list[Change]:
        return self.changes[self.SHOWN :]

    @property
    def values_only(self) -> str:
        """ "new" for a record created, "old" for one deleted: its values are read one after the
        other, without the empty side."""
        if self.code == AuditEntry.Action.CREATE and all(not c.old for c in self.changes):
            return "new"
        if self.code == AuditEntry.Action.DELETE and all(not c.new for c in self.changes):
            return "old"
        return ""


def action_label(action: str) -> str:
    """The action's label; an action of another app's own (a reviewer assigned) is a change."""
    labels = dict(AuditEntry.Action.choices)
    return str(labels[action]) if action in labels else _("Changed")


def part_name(content_type, target_repr: str) -> str:
    """What was changed, as the reader knows it: the kind, and the record's name."""
    kind = kind_of(content_type)
    name = kind.name(target_repr) if kind.name else target_repr
    return f"{kind.label} · {name}" if name else str(kind.label)


def session_changes(entry: AuditEntry, current: dict | None = None) -> dict:
    """The row's changes, {field: {label, old, new}}. `current`: for an open autosave session
    (`entry.is_open`), the record's current values of its fields, which are the session's new
    values (parks.selectors.audit_current_values)."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    if not (entry.is_open and current):
        return changes
    return {
        name: {**change, "new": current[name]}
        if isinstance(change, dict) and name in current
        else change
        for name, change in changes.items()
    }


def read(entry: AuditEntry, current: dict | None = None) -> Entry:
    """The row as people read it; `current` as for session_changes."""
    content_type = entry.target_type
    model = content_type.model_class()
    kind = kind_of(content_type)
    changes = session_changes(entry, current)
    names = [name for name, change in changes.items() if isinstance(change, dict)]
    if kind.field_order:
        names.sort(key=lambda name: kind.field_order(entry.target_repr, name))
    return Entry(
        pk=entry.pk,
        at=entry.at,
        actor=entry.actor_name or _("System"),
        action=action_label(entry.action),
        code=entry.action,
        part=part_name(content_type, entry.target_repr),
        changes=_without_repeats(
            [_change(model, kind, name, changes[name], changes) for name in names]
        ),
    )


def _without_repeats(changes: list[Change]) -> list[Change]:
    """A file recorded both by its name and as the file reads the same twice: once will do."""
    pairs = {(c.old, c.new) for c in changes if not c.is_file}
    return [c for c in changes if not (c.is_file and (c.old, c.new) in pairs)]


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model, kind: Kind, name: str, stored: str) -> str:
    if kind.label_of:
        label = kind.label_of(name, stored)
        if label is not None:
            return str(label)
    model_field = _model_field(model, name)
    # A field's own label, unless Django made it up from the field's name.
    own = getattr(model_field, "verbose_name", None)
    if own is not None and str(own) != model_field.name.replace("_", " "):
        return str(own)
    # A label stored in another language is a message of ours: read it in the reader's.
    return gettext(str(stored)) if stored else name


def _change(model, kind: Kind, name: str, change: dict, siblings: dict) -> Change:
    old = value_text(model, kind, name, change.get("old"), siblings, "old")
    new = value_text(model, kind, name, change.get("new"), siblings, "new")
    texts = name in kind.rich_text or any(len(t) > DIFF_FROM or "\n" in t for t in (old, new))
    return Change(
        label=_label(model, kind, name, change.get("label", "")),
        old=old,
        new=new,
        segments=char_diff(old, new) if texts and old and new else None,
        is_file=name in kind.files or isinstance(_model_field(model, name), models.FileField),
    )


def value_text(model, kind: Kind, name: str, value, siblings=None, side="new") -> str:
    """A stored value as a reader reads it ("" for nothing)."""
    if value is None or value == "" or value == {} or value == []:
        return ""
    if kind.value_of:
        text = kind.value_of(name, value)
        if text is not None:
            return text
    if name in kind.rich_text:
        return html_to_text(str(value))
    model_field = _model_field(model, name)
    if isinstance(value, bool) or isinstance(model_field, models.BooleanField):
        return _("yes") if value in (True, "True", "true") else _("no")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in kind.files or isinstance(model_field, models.FileField):
        return file_text(value, (siblings or {}).get("filename", {}).get(side))
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment:
            return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    elif isinstance(model_field, models.DateField):
        day = parse_date(str(value))
        if day:
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(model_field, models.DecimalField):
        return number_text(value)
    if isinstance(value, dict):
        return "；".join(
            f"{_key_text(k)}：{value_text(None, kind, k, v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return "、".join(value_text(None, kind, name, v) for v in value)
    if looks_like_html(value):
        return html_to_text(value)
    return str(value)


def _key_text(key: str) -> str:
    key = str(key)
    return _("Year %(year)s") % {"year": key} if key.isdigit() and len(key) == 4 else key


def number_text(value) -> str:
    """A decimal as entered, with its digits grouped (1234567.50 -> 1,234,567.50)."""
    try:
        return f"{Decimal(str(value)):,}"
    except (InvalidOperation, ValueError):
        return str(value)


def file_text(value, filename=None) -> str:
    """A file by the name it was uploaded with. Older rows hold the storage path: the record's
    own file name where the same change names it, else the kind of file."""
    text = str(value)
    if "/" not in text:
        return text
    if filename:
        return str(filename)
    suffix = PurePosixPath(text).suffix.lstrip(".").upper()
    return _("a %(type)s file") % {"type": suffix} if suffix else _("a file")


# --- filters ------------------------------------------------------------------------------


def part_choices(content_types, records) -> list:
    """The part filter's options: each kind of record, and each record of the itemised kinds
    (sections, tables) grouped under theirs. `records`: (content type, target id, repr)."""
    choices = []
    by_type: dict[int, list] = {}
    for content_type, target_id, target_repr in records:
        kind = kind_of(content_type)
        if kind.itemised:
            name = kind.name(target_repr) if kind.name else target_repr
            order = kind.order(target_repr) if kind.order else name
            by_type.setdefault(content_type.pk, []).append((order, target_id, name))
    for content_type in sorted(content_types, key=lambda ct: str(kind_of(ct).label)):
        kind = kind_of(content_type)
        if content_type.pk in by_type:
            options = [(str(content_type.pk), _("all of %(kind)s") % {"kind": kind.label})]
            options += [
                (f"{content_type.pk}:{target_id}", name)
                for _order, target_id, name in sorted(by_type[content_type.pk])
            ]
            choices.append((str(kind.label), options))
        else:
            choices.append((str(content_type.pk), str(kind.label)))
    return choices


# --- parks' own records -------------------------------------------------------------------

describe(
    ParkProfile,
    label=gettext_lazy("Park information"),
    name=lambda target_repr: "",
    label_of=lambda name, stored: (
        field_label(ParkProfile, name) if _model_field(ParkProfile, name) else None
    ),
)
describe(Park, label=gettext_lazy("Park settings"))
describe(User, label=gettext_lazy("User account"))
