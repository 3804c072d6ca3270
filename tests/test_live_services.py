"""Checks that CI really runs on PostgreSQL, Redis and a Celery worker (skipped elsewhere)."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from portal.tasks import ping
from tests.live import celery_worker, require

pytestmark = pytest.mark.live_services


def test_ci_runs_the_suite_on_postgresql(db):
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_cache_round_trips_through_redis():
    require(bool(settings.REDIS_URL), "REDIS_URL is not set")
    key = f"test:{uuid.uuid4().hex}"
    cache.set(key, {"园区": "苏州工业园区"}, timeout=30)
    assert cache.get(key) == {"园区": "苏州工业园区"}
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]


def test_a_real_celery_worker_runs_a_task(db):
    # given: a worker process on a queue of its own, talking to Redis
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a worker")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with celery_worker(queue=queue):
        # when
        result = ping.apply_async(queue=queue).get(timeout=60)
    # then: it ran in the worker, not in this process
    assert result.startswith("pong from ")
    assert int(result.rsplit(" ", 1)[1]) != os.getpid()
