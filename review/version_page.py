"""The review page of a frozen version without rebuilding its document on every request.

A version never changes, so its document (the frozen plan in the preview's layout) is rendered
once per version and language and kept in the shared cache, keyed by the version's content hash
and the templates' digest (a deployment with changed templates renders it anew). What does
change, the comment threads and who may write in them, stays out of it: the document carries a
slot at every part a comment can be anchored to, and each request fills the slots with that
reader's threads (review/_thread.html), rendering the empty thread of a part once."""

import re

from django.core.cache import cache as shared_cache
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.fragments import templates_digest
from review.models import Version

SLOT = re.compile(r"<!--thread(?:-row:(\d+))?:([^>]*?)-->")
# stands for a part's anchor in the empty thread rendered once and copied
EMPTY_ANCHOR = "\x00anchor\x00"
CACHE_SECONDS = 30 * 24 * 3600


def version_key(part: str, version: Version) -> str:
    """The shared cache's key of a part of the version's page: everything it depends on."""
    return (
        f"review:version-{part}:{version.plan_id}:{version.pk}:{version.number}:"
        f"{version.content_hash}:{get_language()}:{templates_digest()}"
    )


def document_html(version: Version, doc) -> str:
    """The version's document with a slot at each anchor. `doc` builds the document (called
    only when it is not cached yet)."""
    key = version_key("document", version)
    html = shared_cache.get(key)
    if html is None:
        html = render_to_string(
            "review/_version_document.html",
            {
                "doc": doc(),
                "plan": version.plan,
                "version": version,
                "anchor_template": "review/_thread_slot.html",
                "thread_slots": True,
            },
        )
        shared_cache.set(key, html, CACHE_SECONDS)
    return html


def summary_html(version: Version, summary) -> SafeString:
    """The summary for the reviewer (review/_version_summary.html): the stated baselines, the
    checks that warned, the slot of the peers' fragment. `summary` reads it from the snapshot
    (called only when it is not cached yet)."""
    key = version_key("summary", version)
    html = shared_cache.get(key)
    if html is None:
        html = render_to_string(
            "review/_version_summary.html",
            {"summary": summary(), "version": version},
        )
        shared_cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # made by the project's autoescaping templates


def fill_threads(html: str, *, request, context: dict) -> SafeString:
    """The document with each slot replaced by the reader's thread on that part (`context`:
    threads, can_comment, can_answer, plan, version)."""
    template = get_template("review/_thread.html").template
    base = Context({**context, "request": request, "csrf_token": get_token(request)})
    threads = context["threads"]
    empty: dict[str, str] = {}

    def thread(anchor: str) -> str:
        if not threads.get(anchor):
            if "block" not in empty:
                with base.push(anchor=EMPTY_ANCHOR):
                    empty["block"] = template.render(base)
            return empty["block"].replace(EMPTY_ANCHOR, escape(anchor))
        with base.push(anchor=anchor):
            return template.render(base)

    def fill(match: re.Match) -> str:
        colspan, anchor = match.group(1), match.group(2)
        if colspan is None:
            return thread(anchor)
        if not (context["can_comment"] or threads.get(anchor)):
            return ""
        return f'<tr class="doc-anchor-row"><td colspan="{colspan}">{thread(anchor)}</td></tr>'

    # both the document and the threads come out of the project's autoescaping templates
    return mark_safe(SLOT.sub(fill, html))
