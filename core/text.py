"""Stored rich text (sanitized HTML) as the text people read: one line per paragraph, heading,
list item or table cell. The change history shows a section's text this way, and its
differences (core.textdiff) on it."""

import re
from html import unescape

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h\d|li|td|th|tr|blockquote)>|<br\s*/?>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")
_MARKUP = re.compile(r"</?(p|h\d|ul|ol|li|table|tr|td|th|strong|em|br|blockquote)\b", re.I)


def looks_like_html(text) -> bool:
    return isinstance(text, str) and bool(_MARKUP.search(text))


def plain_text(html: str) -> str:
    """The text of stored HTML, a line per block (word counts and comparisons read this)."""
    text = _BLOCK_END.sub("\n", html or "")
    return unescape(_TAG.sub("", text)).strip()


def html_to_text(html: str) -> str:
    """plain_text without the blank lines between blocks (the change history's reading)."""
    return _BLANK_LINES.sub("\n", plain_text(html))
