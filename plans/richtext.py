"""Rich text: the editor's configuration and the server-side allow-list sanitizer.

django-prose-editor (ProseMirror/Tiptap) edits; its nh3-based sanitizer, generated from the same
extension list, cleans every body on the server before it is stored. Whatever the browser sends
(pasted Word/WPS HTML, a hand-made request), only these tags and attributes survive: no script,
no event handlers, no style attributes, links only to http(s) and mailto.
"""

import re
from functools import cache
from html import unescape

from django_prose_editor.fields import create_sanitizer

EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,  # CO₂
    "Superscript": True,  # m³
    "Heading": {"levels": [1, 2, 3, 4]},  # pasted Word headings keep their level
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
}
EDITOR_CONFIG = {"extensions": EXTENSIONS}


@cache
def _sanitizer():
    return create_sanitizer(EXTENSIONS)


_EMPTY = re.compile(r"^(\s|<p>\s*(<br\s*/?>)?\s*</p>)*$", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    cleaned = _sanitizer()(html or "").strip()
    return "" if _EMPTY.match(cleaned) else cleaned


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h\d|li|td|th|tr|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_text(html: str) -> str:
    text = _BLOCK_END.sub("\n", html or "")
    return unescape(_TAG.sub("", text)).strip()


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,'’-][A-Za-z0-9]+)*")


def count_words(text: str) -> int:
    """字数 as Chinese writers count it: each Chinese character, plus each Latin word or number."""
    return len(_CJK.findall(text)) + len(_LATIN_WORD.findall(_CJK.sub(" ", text)))
