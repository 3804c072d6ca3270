"""Character-level text differences: Chinese has no spaces, so words are not a unit. Used by the
version comparison, the conflict panel of the section editor and the change history."""

from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join


def char_diff(old: str, new: str, context: int = 30) -> list[tuple[str, str]]:
    """Segments of a character-level diff; long unchanged stretches are shortened to `context`
    characters on each side of a change."""
    segments = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            text = old[i1:i2]
            if len(text) > 2 * context + 5:
                text = f"{text[:context]} … {text[-context:]}"
            segments.append(("equal", text))
        else:
            if i2 > i1:
                segments.append(("delete", old[i1:i2]))
            if j2 > j1:
                segments.append(("insert", new[j1:j2]))
    return segments


def diff_html(old: str, new: str, context: int = 30) -> str:
    """The differences as HTML: removed text in <del>, added text in <ins>, the rest plain."""
    tags = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    return format_html_join(
        "", "{}", ((format_html(tags[op], text),) for op, text in char_diff(old, new, context))
    )
