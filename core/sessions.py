"""Sessions in the database, read through the shared cache (SESSION_ENGINE with Redis).

Django's `cached_db` keeps the cached copy as long as the session lives (two weeks). With the
shared cache forgiving (core.cache), a logout while Redis cannot be reached deletes the session
from the database but not its cached copy; a Redis that comes back with its data (a network
partition, not a restart) would bring the session back. Here the cached copy lives five minutes
at most: a session ended while Redis was away stays ended five minutes after it returns, and
each session is read from the database once every five minutes."""

from django.contrib.sessions.backends import cached_db

CACHED_SECONDS = 300


class _Capped:
    """The cache, with every timeout capped at CACHED_SECONDS."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

    def set(self, key, value, timeout=None, version=None):
        timeout = CACHED_SECONDS if timeout is None else min(timeout, CACHED_SECONDS)
        return self._cache.set(key, value, timeout, version=version)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _Capped(self._cache)
