"""The PDF engine: WeasyPrint over a standalone HTML page (documents.pdf.pdf_html makes the
plan's, from the same partial as the browser preview) with the print stylesheet
(static/css/print.css: A4, CJK fonts, running header, page numbers, table of contents with page
numbers, landscape pages for the wide tables, the draft watermark).

Rendering never touches the network: the only URLs it reads are `private:<storage name>` (seal,
figures; read from the private storage), `pdf-font:<file>` (the built print fonts, core.fonts)
and `data:`. Anything else is refused; WeasyPrint logs the refusal (logger "weasyprint", level
ERROR) and leaves the image out. Supporting files are listed by name, not linked
(documents.build.storage_file_url gives them no URL).

Speed (bench/pdf.py): the tables are laid out with the column widths they declare
(`{% colgroup %}`, `table-layout: fixed` in print.css) rather than measured cell by cell, the print
fonts are cut down to the characters plans use (core.fonts), the charts are SVG images rather
than inline SVG (`printing` in the context; indicators_tags.indicator_chart), and Python's cyclic
garbage collector is paused while a document is laid out and written (`_collector_paused`).
"""

import gc
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

from core.fonts import FONT_SCHEME, font_face_css, read_font

PRIVATE_SCHEME = "private:"
STYLESHEET = "css/print.css"
# What the document embeds: seals and figures (PNG, JPEG), drawings (SVG).
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class RefusedURL(ValueError):
    """A URL the PDF may not read: anything but the private storage, the print fonts and data:
    URLs."""


def render_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a standalone HTML page (documents.pdf.pdf_html makes the
    plan's)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    with _collector_paused():
        font_config = FontConfiguration()
        fetcher = _fetcher()
        stylesheet = weasyprint.CSS(
            string=print_stylesheet(), font_config=font_config, url_fetcher=fetcher
        )
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[stylesheet], font_config=font_config
        )
        content, pages = document.write_pdf(), len(document.pages)
        del document
    return content, pages


@contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while a document is rendered, then collect once.

    A laid-out plan is a graph of a few hundred thousand Python objects that lives until the PDF
    is written; every full collection during the render walks all of it again (about 15 % of a
    full plan's time, more with every render a worker has done). Reference counting still frees
    what the render drops, and the collection afterwards frees its cycles, so the peak memory is
    the same (bench/pdf.py)."""
    was_enabled = gc.isenabled()
    try:
        gc.disable()  # inside the try: a time limit's signal here still re-enables it
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def print_stylesheet() -> str:
    """The print fonts' @font-face rules (core.fonts) and static/css/print.css, read from disk
    (never fetched by URL)."""
    return font_face_css() + "\n" + _stylesheet_path().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _stylesheet_path() -> Path:
    from django.contrib.staticfiles import finders

    found = finders.find(STYLESHEET)
    return Path(found) if found else Path(settings.BASE_DIR) / "static" / STYLESHEET


def _read_private(name: str):
    from django.core.files.storage import storages

    mime = IMAGE_TYPES.get(Path(name).suffix.lower())
    if mime is None:
        raise RefusedURL(f"Not an image type the PDF embeds: {name}")
    with storages["private"].open(name, "rb") as file:
        return file.read(), mime


def _read_font(filename: str) -> bytes:
    try:
        return read_font(filename)
    except KeyError:
        raise RefusedURL(f"Not a print font: {filename[:200]}") from None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrivateStorageFetcher(URLFetcher):
        """Reads `private:<name>` from the private storage, `pdf-font:<file>` from the built
        print fonts and decodes `data:` URLs; refuses every other URL (http, https, file, ftp
        ...), so rendering never leaves the process."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith(PRIVATE_SCHEME):
                # WeasyPrint hands the URL over percent-encoded (iri_to_uri).
                body, mime = _read_private(unquote(url.removeprefix(PRIVATE_SCHEME)))
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if url.startswith(FONT_SCHEME):
                body = _read_font(unquote(url.removeprefix(FONT_SCHEME)))
                return URLFetcherResponse(url, body, {"Content-Type": "font/otf"})
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise RefusedURL(f"The PDF reads no external URL: {url[:200]}")

    return PrivateStorageFetcher()
