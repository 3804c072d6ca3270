"""The plan's page printed to PDF: documents/_document.html inside the print page
(templates/documents/pdf.html); core.pdf renders it."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe


def pdf_html(
    *,
    doc,
    draft: bool,
    running_title: str,
    extra_html: str = "",
) -> str:
    """The standalone page printed to PDF: documents/_document.html, then `extra_html` (e.g. the
    approval page, rendered and escaped by its own template); a watermark on every page when
    `draft`; `running_title` (e.g. "苏州工业园区 · 第2版") in the header of every page but the
    cover. `doc` is a documents.build.PlanDocument whose seal and figure URLs are `private:` URLs
    (documents.build.storage_file_url)."""
    with translation.override("zh-hans"):
        return render_to_string(
            "documents/pdf.html",
            {
                "doc": doc,
                "printing": True,  # charts as images (indicators_tags.indicator_chart)
                "draft": draft,
                "running_title": running_title,
                # Rendered by our own templates (the approval page), escaped there.
                "extra_html": mark_safe(extra_html),
            },
        )
