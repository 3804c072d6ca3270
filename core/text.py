"""Text as people read it: the plain text of stored rich text (sanitized HTML), and what changed
between two texts, character by character (Chinese has no spaces, so words are not a unit).

Used where a change is shown to a reader (the change history); the version comparison of
review/ has the same diff for whole sections.
"""

import re
from difflib import SequenceMatcher
from html import unescape

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h\d|li|td|th|tr|blockquote)>|<br\s*/?>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")
_MARKUP = re.compile(r"</?(p|h\d|ul|ol|li|table|tr|td|th|strong|em|br|blockquote)\b", re.I)


def looks_like_html(text) -> bool:
    return isinstance(text, str) and bool(_MARKUP.search(text))


def html_to_text(html: str) -> str:
    """The text of sanitized HTML: one line per paragraph, heading, list item or table cell."""
    text = _BLOCK_END.sub("\n", html or "")
    text = unescape(_TAG.sub("", text))
    return _BLANK_LINES.sub("\n", text).strip()


def char_diff(old: str, new: str, context: int = 30) -> list[tuple[str, str]]:
    """("equal" | "delete" | "insert", text) segments turning `old` into `new`; unchanged
    stretches longer than about twice `context` keep `context` characters on each side of a
    change (the start and the end of the text keep only the side next to a change)."""
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    segments = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            text = old[i1:i2]
            first, last = index == 0, index == len(opcodes) - 1
            if len(text) > 2 * context + 5:
                head = "" if first else text[:context]
                tail = "" if last else text[-context:]
                text = f"{head} … {tail}".strip()
            segments.append(("equal", text))
            continue
        if i2 > i1:
            segments.append(("delete", old[i1:i2]))
        if j2 > j1:
            segments.append(("insert", new[j1:j2]))
    return segments


def shorten(text: str, limit: int) -> str:
    """`text` cut to about `limit` characters, with … where it was cut."""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"
