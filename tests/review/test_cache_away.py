"""While the shared cache (Redis) cannot be reached the portal goes on without it (core.cache):
readings miss, writes are dropped, and a park that submits gets its submission, not an error.
These run anywhere: the cache points at a port where nothing listens."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.urls import reverse

from core import fragments, sessions
from core.cache import ForgivingRedisCache
from review.models import Version
from tests.review.helpers import panel_url, status_of, transition_url

AWAY = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_AWAY = {
    "default": {
        "BACKEND": "core.cache.ForgivingRedisCache",
        "LOCATION": AWAY,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}


def test_a_cache_that_cannot_be_reached_misses_and_drops_writes():
    away = ForgivingRedisCache(AWAY, {"OPTIONS": {"socket_connect_timeout": 0.5}})

    assert away.get("k") is None
    assert away.get("k", "default") == "default"
    assert away.get_many(["a", "b"]) == {}
    assert away.has_key("k") is False
    assert away.set("k", "v") is None
    assert away.add("k", "v") is False
    assert away.delete("k") is False
    assert sorted(away.set_many({"a": 1, "b": 2})) == ["a", "b"]  # the keys not set
    assert away.get_or_set("k", "made") == "made"


def test_the_redis_client_is_made_once_per_connection_pool():
    shared = ForgivingRedisCache(AWAY, {"OPTIONS": {"socket_connect_timeout": 0.5}})

    first = shared._cache.get_client("a")
    again = shared._cache.get_client("b", write=True)

    # one server: one pool, one client over it (made no more on every call)
    assert first is again
    assert first.connection_pool is shared._cache._get_connection_pool(write=True)


@override_settings(CACHES=REDIS_AWAY, SESSION_ENGINE="core.sessions")
def test_kept_parts_are_rendered_anew_while_the_cache_is_away():
    renders = []

    def render():
        renders.append(1)
        return "<p>part</p>"

    assert fragments.generation("review-queue") is None
    assert fragments.cached("review-queue", ("a",), render) == "<p>part</p>"
    assert fragments.cached("review-queue", ("a",), render) == "<p>part</p>"
    fragments.bump("review-queue")  # a write's bump is dropped, not raised
    assert len(renders) == 2


@pytest.mark.django_db(transaction=True)
@override_settings(CACHES=REDIS_AWAY, SESSION_ENGINE="core.sessions")
def test_a_park_submits_while_the_cache_is_away(world, client_for, ready_plan):
    # given the park's manager, logged in (the session in the database only)
    client = client_for(world.manager_a)
    assert client.get(panel_url(ready_plan)).status_code == 200

    # when they submit the plan
    response = client.post(transition_url(ready_plan, "submit"), {"declared": "on"})

    # then the submission is made and they are told so, not shown an error
    assert response.status_code == 302
    assert status_of(ready_plan) == "submitted"
    assert Version.objects.filter(plan=ready_plan).count() == 1
    # and the preview, the reviewer's queue and the review page open
    preview = client.get(reverse("documents:preview", args=[ready_plan.pk]))
    assert preview.status_code == 200 and "一、园区基本信息" in preview.content.decode()
    reviewer = client_for(world.reviewer_a)
    assert reviewer.get("/review/").status_code == 200
    assert reviewer.get(f"/plans/{ready_plan.pk}/versions/1/").status_code == 200
    assert cache.get("anything") is None


@override_settings(CACHES=REDIS_AWAY)
def test_a_password_reset_while_the_cache_is_away_sends_nothing_and_says_the_same(world, client):
    # nothing can be counted, so the limit holds closed: the same neutral page, no e-mail
    response = client.post(reverse("password_reset"), {"email": world.editor_a.email})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(monkeypatch):
    away = ForgivingRedisCache(AWAY, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert away.get("k") is None  # the first call finds Redis away

    # then the next calls do not ask it (a Redis that does not answer costs its timeout once)
    def asked(*args, **kwargs):
        raise AssertionError("Redis was asked during the pause")

    monkeypatch.setattr(RedisCache, "get", asked)
    monkeypatch.setattr(RedisCache, "set", asked)
    assert away.get("k", "default") == "default"
    assert away.set("k", "v") is None
    # and after the pause it is asked again
    away.away_until = 0.0
    with pytest.raises(AssertionError, match="was asked"):
        away.get("k")


def test_a_sessions_cached_copy_lives_five_minutes_at_most():
    calls = []

    class Cache:
        def set(self, key, value, timeout=None, version=None):
            calls.append(timeout)

    capped = sessions._Capped(Cache())
    capped.set("s", {}, 14 * 24 * 3600)  # cached_db: as long as the session lives
    capped.set("s", {}, None)
    capped.set("s", {}, 60)

    assert calls == [sessions.CACHED_SECONDS, sessions.CACHED_SECONDS, 60] == [300, 300, 60]
    assert isinstance(sessions.SessionStore()._cache, sessions._Capped)


def test_a_value_forgotten_is_made_anew_and_not_stored_over_the_mark(settings):
    from core.cache import FORGOTTEN, forget, kept

    settings.CACHE_SHARED = True
    made = []

    def make():
        made.append(1)
        return len(made)

    assert kept("test:kept", 60, make, forgotten_on_write=True) == 1
    assert kept("test:kept", 60, make, forgotten_on_write=True) == 1  # kept

    forget("test:kept")

    assert kept("test:kept", 60, make, forgotten_on_write=True) == 2  # made anew
    assert kept("test:kept", 60, make, forgotten_on_write=True) == 3  # and not stored yet
    assert cache.get("test:kept") == FORGOTTEN
    cache.delete("test:kept")


def test_forgetting_asks_redis_even_while_this_process_leaves_it_alone(settings):
    """After a failure a process leaves Redis alone for a few seconds (PAUSE_SECONDS), but what it
    forgets must reach the other processes."""
    from django.core.cache import caches

    from core.cache import FORGOTTEN, forget
    from tests.live import require

    require(bool(settings.REDIS_URL), "REDIS_URL is not set: no Redis to ask")
    shared = caches["default"]
    shared.set("test:forget", "kept", 60)
    shared.away_until = 10**12  # as after a failure

    try:
        forget("test:forget")
    finally:
        shared.away_until = 0.0

    assert shared.get("test:forget") == FORGOTTEN
    shared.delete("test:forget")
