"""Rendered parts of pages that change now and then (the review queue, the dashboards), kept in
the shared cache under a key that names everything they are made of.

What such a part is made of is many rows of several tables, too many to stamp cheaply on every
request, so each kind of part has a *generation*: a random token in the shared cache, replaced
(`bump`) after the commit of any write to a model the part shows (the apps connect their models'
signals with `bump_on_change`). A part's key holds its generation; a write makes every part of
that kind unreachable at once, and the next reading renders it anew. The token is random, not a
counter, so a cache that lost the generation (evicted, restarted, a database restored) never
brings back a part rendered before.

A reading that began before a write committed may store its part after a bump: under a
generation that the bump after the commit (`on_commit`) leaves behind, so the next reading of any
process after the commit sees the write. Nothing is kept in a process."""

import hashlib
import secrets
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

CACHE_SECONDS = 24 * 3600
# A generation lives an hour: a write whose bump was dropped while Redis could not be reached
# (core.cache) leaves its parts stale for an hour at most; every part is rendered anew hourly.
GENERATION_SECONDS = 3600


@once
def templates_digest() -> str:
    """A digest of every project template: a part kept in the cache follows a template change."""
    digest = hashlib.sha256()
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).glob("**/*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(kind: str) -> str:
    return f"fragments:generation:{kind}"


def generation(kind: str) -> str | None:
    """The current generation of a kind of part (made when there is none); None while the
    shared cache cannot be reached (core.cache)."""
    token = cache.get(_key(kind))
    if token is None:
        cache.add(_key(kind), secrets.token_hex(8), GENERATION_SECONDS)
        token = cache.get(_key(kind))
    return token


def bump(*kinds: str) -> None:
    """A new generation for each kind, at once and again after the current transaction commits:
    a reading between the two (which does not see the write yet) stores its part under a
    generation that the second bump leaves behind. (The first alone is what a test inside a
    transaction that never commits sees.)"""

    def renew():
        cache.set_many({_key(kind): secrets.token_hex(8) for kind in kinds}, GENERATION_SECONDS)

    renew()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)


def bump_on_change(kinds: tuple[str, ...], *models, ignore_fields=frozenset()) -> None:
    """Bump `kinds` when a row of one of `models` is saved or deleted (or a many-to-many set of
    it changes). A save that writes only `ignore_fields` (e.g. a user's last_login) does not.
    Writes through `QuerySet.update` send no signal: a part that shows what such a write
    changes must bump itself in the service that writes it."""

    def on_save(sender, update_fields=None, **kwargs):
        if update_fields and set(update_fields) <= ignore_fields:
            return
        bump(*kinds)

    def on_other(sender, **kwargs):
        bump(*kinds)

    uid = "fragments:" + ",".join(kinds)
    for model in models:
        post_save.connect(on_save, sender=model, weak=False, dispatch_uid=f"{uid}:save:{model}")
        post_delete.connect(
            on_other, sender=model, weak=False, dispatch_uid=f"{uid}:delete:{model}"
        )
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                on_other,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}:m2m:{model}:{field.name}",
            )


def cached(kind: str, parts: tuple, render) -> str:
    """The part of `kind` named by `parts` (everything it depends on besides the rows its
    generation follows: the reader's scope, the language, the query string, the day, the
    templates' digest), from the shared cache, else `render()` stored there."""
    token = generation(kind)
    if token is None:  # the shared cache is away: nothing may be kept under an unknown generation
        return str(render())
    name = "|".join(str(p) for p in parts)
    key = f"fragments:{kind}:{token}:{hashlib.sha256(name.encode()).hexdigest()}"
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, CACHE_SECONDS)
    return html
