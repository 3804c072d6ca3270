"""What changed between two submitted versions: section text character by character (Chinese has
no spaces, so words are not a unit), indicator numbers, table cells, rows and files."""

from dataclasses import dataclass, field

from core.textdiff import char_diff
from indicators.services import cell_changes
from plans.richtext import plain_text


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


def _by_id(items):
    return {item["id"]: item for item in items}


def version_diff(old: dict, new: dict) -> VersionDiff:
    diff = VersionDiff()
    for key in sorted(set(old.get("sections", {})) | set(new.get("sections", {}))):
        before = plain_text(old.get("sections", {}).get(key, {}).get("body", ""))
        after = plain_text(new.get("sections", {}).get(key, {}).get("body", ""))
        if before != after:
            diff.sections.append(TextChange(key, char_diff(before, after)))
    old_ind, new_ind = _by_id(old.get("indicators", [])), _by_id(new.get("indicators", []))
    for pk in sorted(set(old_ind) | set(new_ind)):
        a, b = old_ind.get(pk), new_ind.get(pk)
        name = (b or a)["name"]
        if a is None or b is None:
            diff.indicators.append((name, "added" if a is None else "removed", None, None))
            continue
        if a["baseline"] != b["baseline"]:
            diff.indicators.append((name, "baseline", a["baseline"], b["baseline"]))
        for year in sorted(set(a["targets"]) | set(b["targets"])):
            if a["targets"].get(year) != b["targets"].get(year):
                diff.indicators.append((name, year, a["targets"].get(year), b["targets"].get(year)))
    for table in sorted(set(old.get("tables", {})) | set(new.get("tables", {}))):
        for row, year, before, after in cell_changes(
            old.get("tables", {}).get(table, {}), new.get("tables", {}).get(table, {})
        ):
            diff.cells.append((table, row, year, before, after))
    for kind in sorted(set(old.get("rows", {})) | set(new.get("rows", {}))):
        a, b = _by_id(old.get("rows", {}).get(kind, [])), _by_id(new.get("rows", {}).get(kind, []))
        for pk in sorted(set(a) | set(b)):
            label = str((b.get(pk) or a.get(pk)).get("name", pk))
            if pk not in a:
                diff.rows.append((kind, "added", label))
            elif pk not in b:
                diff.rows.append((kind, "removed", label))
            elif a[pk] != b[pk]:
                diff.rows.append((kind, "changed", label))
    for kind, name_key in (("figures", "caption"), ("attachments", "filename")):
        a, b = _by_id(old.get(kind, [])), _by_id(new.get(kind, []))
        for pk in sorted(set(a) | set(b)):
            name = (b.get(pk) or a.get(pk))[name_key]
            if pk not in a:
                diff.files.append((kind, "added", name))
            elif pk not in b:
                diff.files.append((kind, "removed", name))
            elif a[pk].get("sha256") != b[pk].get("sha256") or a[pk][name_key] != b[pk][name_key]:
                diff.files.append((kind, "changed", name))
    for key in sorted(set(old.get("park", {})) | set(new.get("park", {}))):
        if old.get("park", {}).get(key) != new.get("park", {}).get(key):
            diff.park.append((key, old.get("park", {}).get(key), new.get("park", {}).get(key)))
    return diff
