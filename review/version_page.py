"""The review page of a frozen version without rebuilding its document on every request.

A version never changes, so its document (the frozen plan in the preview's layout) is rendered
once per version and language and kept in the shared cache, keyed by the version's content hash
and the templates' digest (a deployment with changed templates renders it anew). What does
change, the comment threads and who may write in them, stays out of it: the document carries a
slot at every part a comment can be anchored to, and each request fills the slots with that
reader's threads (review/_thread.html), rendering the empty thread of a part once.

The filled document is kept too, since filling it costs more than the rest of the page: per
version, language and *audience* (whether the reader is the park's, who sees only the comments
sent to it, and whether they may comment and answer: everything the threads depend on besides
the comments), under a generation of the plan's comments (core.fragments) that every write of a
comment of the plan renews. What is the reader's own, the CSRF token and the page's address in
the forms' `next`, stands as a slot in the kept HTML and is put in per request."""

import re
import secrets

from django.core.cache import cache as shared_cache
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core import fragments
from core.fragments import templates_digest
from review.models import Version

SLOT = re.compile(r"<!--thread(?:-row:(\d+))?:([^>]*?)-->")
# stands for a part's anchor in the empty thread rendered once and copied
EMPTY_ANCHOR = "\x00anchor\x00"
CACHE_SECONDS = 30 * 24 * 3600


def _slots(nonce: str) -> tuple[str, str, str]:
    """(the CSRF token's slot, the page address's slot, the end of the thread on the plan as a
    whole) in kept threads made with `nonce`: a random value made for each rendering and kept
    with it, never shown, so no text of a park or a reviewer can hold a slot (a link in a
    section to "...?<slot>" would otherwise carry each reader's CSRF token away)."""
    return f"csrf-{nonce}", f"/back-{nonce}/", f"<!--plan-thread-end-{nonce}-->"


def threads_kind(plan_id: int) -> str:
    """The generation (core.fragments) of a plan's comment threads: a comment of any of its
    versions can stand on every later version's page."""
    return f"review-threads:{plan_id}"


def comments_changed(plan_id: int | None) -> None:
    """Renew the kept comment threads of the plan's version pages: after any write of one of its
    comments (review.extends connects the signals; a `QuerySet.update` sends none and calls
    this itself)."""
    if plan_id is not None:
        fragments.bump(threads_kind(plan_id))


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


def reader_parts(
    version: Version, *, request, audience: tuple, document, context
) -> tuple[SafeString, SafeString]:
    """(the thread on the plan as a whole, the document with the reader's threads) for readers
    of `audience` (see the module), from the shared cache; `document()` gives the document
    with its slots and `context()` what fill_threads needs (both called only when the filled
    document is not kept yet)."""

    def render() -> str:
        nonce = secrets.token_hex(16)
        csrf, back, end = _slots(nonce)
        readers = {**context(), "csrf_token": csrf, "back_path": back}
        plan_thread = render_to_string("review/_thread.html", {**readers, "anchor": "plan"})
        return f"{nonce}\n{plan_thread}{end}{fill_threads(document(), context=readers)}"

    kept = fragments.cached(
        threads_kind(version.plan_id), (version_key("threads", version), *audience), render
    )
    nonce, _line, kept = kept.partition("\n")
    csrf, back, end = _slots(nonce)
    kept = kept.replace(csrf, get_token(request)).replace(back, escape(request.get_full_path()))
    plan_thread, _end, filled = kept.partition(end)
    # made by the project's autoescaping templates; the slots hold a token and an escaped path
    return mark_safe(plan_thread), mark_safe(filled)


def fill_threads(html: str, *, context: dict) -> str:
    """The document with each slot replaced by the reader's thread on that part (`context`:
    threads, can_comment, can_answer, plan, version, csrf_token, back_path)."""
    template = get_template("review/_thread.html").template
    base = Context(context)
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
    return SLOT.sub(fill, html)
