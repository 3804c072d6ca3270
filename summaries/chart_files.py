"""The dashboards' charts as images of their own, not inside the page.

A chart drawn into the page as a data: URL made the national dashboard ~1 MB, most of it the
distribution charts, sent and read again on every reading of the page. Here each chart is kept in
the shared cache under the digest of its SVG, and the page links to it by an address that holds
the digest and a seal of it for the reader: only the reader the page was made for can fetch the
image (anyone else gets a 404, like another park's object), and an address never changes its
image, so the browser keeps it (`immutable`). The dashboard's content is kept per reader
(summaries.views), so the addresses in it are that reader's; a chart is kept twice as long as
the content that links to it, and again whenever the content is made anew."""

import hashlib

from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from core import fragments

CHART_SECONDS = 2 * fragments.CACHE_SECONDS
DIGEST_LENGTH = 32
SALT = "summaries.chart_files"


def _key(digest: str) -> str:
    return f"summaries:chart:{digest}"


def _seal(digest: str, user) -> str:
    """The reader and what scopes them: an address given before a change of role or province
    is not theirs any more."""
    reader = f"{digest}:{user.pk}:{user.role}:{user.province_id}"
    return salted_hmac(SALT, reader, algorithm="sha256").hexdigest()[:32]


def chart_url(svg: str, user) -> str:
    """The address of `svg` for `user`, the chart kept for it."""
    digest = hashlib.sha256(svg.encode()).hexdigest()[:DIGEST_LENGTH]
    cache.set(_key(digest), svg, CHART_SECONDS)
    return reverse("summaries:chart", args=[f"{digest}-{_seal(digest, user)}"])


def is_readers(token: str, user) -> bool:
    """Whether an address of chart_url was made for `user`."""
    digest, _sep, seal = token.partition("-")
    return len(digest) == DIGEST_LENGTH and constant_time_compare(seal, _seal(digest, user))


def chart_svg(token: str) -> str | None:
    """The chart of an address of chart_url, while it is kept (an eviction can drop it before
    the page that links it)."""
    return cache.get(_key(token.partition("-")[0]))
