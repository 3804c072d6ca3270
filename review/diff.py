"""What changed between two submitted versions: section text character by character (Chinese has
no spaces, so words are not a unit), indicator numbers, table cells, rows and files, read from
the two versions' snapshots through their declaration (documents.schema)."""

from dataclasses import dataclass, field

from core.text import plain_text
from core.textdiff import char_diff
from documents.schema import Frozen
from indicators.services import cell_changes


@dataclass
class TextChange:
    key: str
    segments: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


@dataclass
class VersionDiff:
    sections: list[TextChange] = field(default_factory=list)
    indicators: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    cells: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, change, label)
    files: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, change, name)
    park: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.sections or self.indicators or self.cells or self.rows or self.files or self.park
        )


def _by_id(items) -> dict:
    return {item.id: item for item in items}


def version_diff(old: Frozen, new: Frozen) -> VersionDiff:
    diff = VersionDiff()
    for key in sorted(set(old.sections) | set(new.sections)):
        before = plain_text(old.section(key).body)
        after = plain_text(new.section(key).body)
        if before != after:
            diff.sections.append(TextChange(key, char_diff(before, after)))
    old_ind, new_ind = _by_id(old.indicators), _by_id(new.indicators)
    for pk in sorted(set(old_ind) | set(new_ind)):
        a, b = old_ind.get(pk), new_ind.get(pk)
        name = (b or a).name
        if a is None or b is None:
            diff.indicators.append((name, "added" if a is None else "removed", None, None))
            continue
        if a.baseline != b.baseline:
            diff.indicators.append((name, "baseline", a.baseline, b.baseline))
        for year in sorted(set(a.targets) | set(b.targets)):
            if a.targets.get(year) != b.targets.get(year):
                diff.indicators.append((name, year, a.targets.get(year), b.targets.get(year)))
    for table in sorted(set(old.tables) | set(new.tables)):
        for row, year, before, after in cell_changes(old.table(table), new.table(table)):
            diff.cells.append((table, row, year, before, after))
    for kind in sorted(set(old.all_rows) | set(new.all_rows)):
        a, b = _by_id(old.rows(kind)), _by_id(new.rows(kind))
        for pk in sorted(set(a) | set(b)):
            label = str((b.get(pk) or a.get(pk)).get("name", pk))
            if pk not in a:
                diff.rows.append((kind, "added", label))
            elif pk not in b:
                diff.rows.append((kind, "removed", label))
            elif a[pk] != b[pk]:
                diff.rows.append((kind, "changed", label))
    for kind, old_files, new_files, name_of in (
        ("figures", old.figures, new.figures, lambda f: f.caption),
        ("attachments", old.attachments, new.attachments, lambda f: f.filename),
    ):
        a, b = _by_id(old_files), _by_id(new_files)
        for pk in sorted(set(a) | set(b)):
            name = name_of(b.get(pk) or a.get(pk))
            if pk not in a:
                diff.files.append((kind, "added", name))
            elif pk not in b:
                diff.files.append((kind, "removed", name))
            elif a[pk].sha256 != b[pk].sha256 or name_of(a[pk]) != name_of(b[pk]):
                diff.files.append((kind, "changed", name))
    before, after = old.park.write(), new.park.write()
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            diff.park.append((key, before.get(key), after.get(key)))
    return diff
