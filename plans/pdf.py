"""The plan as a PDF: the print page around plans/_document.html, and its WeasyPrint render.

The PDF is the document of record. It is rendered from the same partial as the browser preview,
with its own stylesheet (static/css/print.css: A4, CJK fonts, running header, page numbers, table
of contents with page numbers, landscape pages for the wide tables, the draft watermark).

Rendering never touches the network: the only URLs it reads are `private:<storage name>` (seal,
figures; read from the private storage) and `data:`. Anything else is refused; WeasyPrint logs
the refusal (logger "weasyprint", level ERROR) and leaves the image out. Supporting files are
listed by name, not linked (plans.selectors.storage_file_url gives them no URL).
"""

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

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
    """A URL the PDF may not read: anything but the private storage and data: URLs."""


def pdf_html(
    *,
    doc,
    draft: bool,
    running_title: str,
    extra_html: str = "",
) -> str:
    """The standalone page printed to PDF: plans/_document.html, then `extra_html` (e.g. the
    approval page, rendered and escaped by its own template); a watermark on every page when
    `draft`; `running_title` (e.g. "苏州工业园区 · 第2版") in the header of every page but the
    cover. `doc` is a plans.selectors.PlanDocument whose seal and figure URLs are `private:` URLs
    (plans.selectors.storage_file_url)."""
    with translation.override("zh-hans"):
        return render_to_string(
            "plans/pdf/document.html",
            {
                "doc": doc,
                "draft": draft,
                "running_title": running_title,
                # Rendered by our own templates (the approval page), escaped there.
                "extra_html": mark_safe(extra_html),
            },
        )


def render_pdf(html: str) -> tuple[bytes, int]:
    """(PDF bytes, page count) of a page made by `pdf_html`."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _fetcher()
    stylesheet = weasyprint.CSS(
        string=print_stylesheet(), font_config=font_config, url_fetcher=fetcher
    )
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config
    )
    return document.write_pdf(), len(document.pages)


def print_stylesheet() -> str:
    """static/css/print.css, read from disk (never fetched by URL)."""
    return _stylesheet_path().read_text(encoding="utf-8")


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


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrivateStorageFetcher(URLFetcher):
        """Reads `private:<name>` from the private storage and decodes `data:` URLs; refuses
        every other URL (http, https, file, ftp ...), so rendering never leaves the process."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith(PRIVATE_SCHEME):
                # WeasyPrint hands the URL over percent-encoded (iri_to_uri).
                body, mime = _read_private(unquote(url.removeprefix(PRIVATE_SCHEME)))
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise RefusedURL(f"The PDF reads no external URL: {url[:200]}")

    return PrivateStorageFetcher()
