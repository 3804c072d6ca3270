"""Helpers for the tests of background jobs: Celery as it runs with a broker (not eager), and
the time a sweeper is asked at."""

import contextlib
import datetime

from django.utils import timezone

from portal.celery import app as celery_app


@contextlib.contextmanager
def not_eager():
    """Tasks go to the broker (or to what a test put in its place) instead of running here."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


def later(minutes: int) -> datetime.datetime:
    """`minutes` from now, for a sweeper's `now`."""
    return timezone.now() + datetime.timedelta(minutes=minutes)
