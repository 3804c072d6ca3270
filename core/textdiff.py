"""Character-level text differences: Chinese has no spaces, so words are not a unit. Used by the
version comparison, the conflict panel of the section editor and the change history."""

from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join

# A change that keeps less than this share of the text is shown as the old text and the new,
# whole: interleaved fragments of two different sentences cannot be read.
REWRITE_RATIO = 0.4
# Unchanged runs shorter than this between two changes are folded into the change, so that a
# rewritten phrase reads as one removal and one addition, not a comb of single characters.
SHORT_EQUAL = 3


def char_diff(old: str, new: str, context: int = 30) -> list[tuple[str, str]]:
    """Segments of a character-level diff; long unchanged stretches are shortened to `context`
    characters on each side of a change."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    if old and new and matcher.ratio() < REWRITE_RATIO:
        return [("delete", old), ("insert", new)]
    opcodes = matcher.get_opcodes()
    # runs of (removed, added) or ("equal", text)
    runs: list[list] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        if op == "equal" and not (inner and i2 - i1 < SHORT_EQUAL):
            runs.append(["equal", old[i1:i2]])
            continue
        if runs and runs[-1][0] == "change":
            runs[-1][1] += old[i1:i2]
            runs[-1][2] += new[j1:j2]
        else:
            runs.append(["change", old[i1:i2], new[j1:j2]])
    segments = []
    for run in runs:
        if run[0] == "equal":
            text = run[1]
            if len(text) > 2 * context + 5:
                text = f"{text[:context]} … {text[-context:]}"
            segments.append(("equal", text))
            continue
        if run[1]:
            segments.append(("delete", run[1]))
        if run[2]:
            segments.append(("insert", run[2]))
    return segments


def diff_html(old: str, new: str, context: int = 30) -> str:
    """The differences as HTML: removed text in <del>, added text in <ins>, the rest plain."""
    tags = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    return format_html_join(
        "", "{}", ((format_html(tags[op], text),) for op, text in char_diff(old, new, context))
    )
