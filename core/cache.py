"""The shared cache (Redis) as something the portal can do without for a while.

Everything kept there can be made again: sessions are also in the database (`cached_db`), pages
and their parts are rendered anew, charts redrawn. So while Redis cannot be reached, a reading
misses and a write is dropped (logged), and the request goes on the slower way instead of
answering 500: a park that submits while Redis is away gets its submission, its session still
works, the PDF and the e-mails wait in the database for the sweepers (core.jobs). Connecting and
each command give up after a short timeout (the settings' OPTIONS), and after a failure the
process leaves Redis alone for a few seconds, so a Redis that does not answer costs a request
little more than one that refuses.

What a dropped write can leave behind is bounded: a page kept under a generation token that a
write could not renew (core.fragments) lives at most until the token expires."""

import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# away, not answering in time, a replica that refuses writes, full with no eviction
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OutOfMemoryError)
# After a failure the cache does not ask Redis again for a few seconds: a Redis that does not
# answer would otherwise cost every call its timeout (a page makes several). A hint about the
# connection kept on the cache object, like its connection pool, not the portal's state: each
# process (each thread: Django makes a cache object per thread) finds out on its own, and the
# worst a wrong hint does is one more timeout or a few seconds of misses.
PAUSE_SECONDS = 5


def _forgiving(name: str, fallback):
    def method(self, *args, **kwargs):
        if time.monotonic() < self.away_until:
            return fallback(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except UNREACHABLE as error:
            if time.monotonic() >= self.away_until:
                logger.warning(
                    "shared cache unreachable (%s): %s; going on without it for %ss",
                    name,
                    error,
                    PAUSE_SECONDS,
                )
            self.away_until = time.monotonic() + PAUSE_SECONDS
            return fallback(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or {fallback.__doc__} while Redis cannot be reached."
    return method


def _default(key, default=None, *args, **kwargs):
    """the default"""
    return default


def _nothing(*args, **kwargs):
    """nothing"""


def _false(*args, **kwargs):
    """False"""
    return False


def _empty(*args, **kwargs):
    """an empty dict"""
    return {}


def _all_keys(data, *args, **kwargs):
    """every key, as not set"""
    return list(data)


class _Client(RedisCacheClient):
    """Django's Redis client, its `redis.Redis` object made once per connection pool rather than
    on every call (each call built one and its response callbacks: 5-6 % of an autosave's CPU in
    gunicorn, bench/README.md). A `redis.Redis` over a pool is safe to share."""

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and whose writes are dropped while Redis cannot be
    reached (the module says why that is safe here). `incr`, `decr` and `clear` still raise
    (the password-reset counter catches UNREACHABLE and fails closed: parks.login_guard)."""

    away_until = 0.0  # time.monotonic() before which Redis is not asked (PAUSE_SECONDS)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    get = _forgiving("get", _default)
    get_many = _forgiving("get_many", _empty)
    has_key = _forgiving("has_key", _false)
    set = _forgiving("set", _nothing)
    add = _forgiving("add", _false)
    touch = _forgiving("touch", _false)
    delete = _forgiving("delete", _false)
    set_many = _forgiving("set_many", _all_keys)
    delete_many = _forgiving("delete_many", _nothing)


# What `forget` leaves under a key once the write has committed, instead of deleting it: a
# reading that began before the commit (and read the old row) stores its value with `add`, which
# a key that is there refuses, so it cannot put the old value back after the write forgot it.
# Requests take milliseconds between their reading and their storing; the mark, seconds.
FORGOTTEN = "forgotten"
FORGOTTEN_SECONDS = 10


def forget(*keys: str) -> None:
    """Forget kept values (`kept`): deleted at once, and marked FORGOTTEN for a few seconds once
    the current transaction commits (at once outside one): a request between the two, which does
    not see the write yet, may read the old row and store it, and the mark then refuses it (it
    stores with `add`), or overwrites it. Asked of Redis even while this process leaves it alone
    after a failure (PAUSE_SECONDS): the other processes still read what it would leave behind;
    a failure is logged as an error."""
    keys = list(keys)
    if not keys:
        return
    if transaction.get_connection().in_atomic_block:
        _ask(keys, lambda shared, cache_class: cache_class.delete_many(shared, keys))
        transaction.on_commit(lambda: _mark_forgotten(keys))
    else:
        _mark_forgotten(keys)


def _mark_forgotten(keys: list[str]) -> None:
    values = dict.fromkeys(keys, FORGOTTEN)
    _ask(keys, lambda shared, cache_class: cache_class.set_many(shared, values, FORGOTTEN_SECONDS))


def _ask(keys, call) -> None:
    """`call(cache, its class)` on the shared cache, past this process's pause after a failure."""
    shared = caches["default"]
    if not isinstance(shared, ForgivingRedisCache):
        call(shared, type(shared))
        return
    try:
        call(shared, RedisCache)
    except UNREACHABLE as error:
        logger.error("shared cache unreachable: kept values not forgotten %s: %s", keys, error)


def kept(key: str, seconds: int, make, *, forgotten_on_write: bool = False):
    """What `make()` answers, kept in the shared cache under `key` for `seconds`. A value that a
    write elsewhere must forget (`forget`) is kept only where every process shares the cache
    (settings.CACHE_SHARED): a local-memory cache would keep it in the processes the write did
    not run in. A value is stored only under a key that holds nothing (`add`): not over what
    `forget` left there."""
    if forgotten_on_write and not settings.CACHE_SHARED:
        return make()
    value = cache.get(key)
    if value is None or value == FORGOTTEN:
        fresh = make()
        if value is None:
            cache.add(key, fresh, seconds)
        return fresh
    return value
