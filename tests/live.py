"""Tests that need a live service skip with a reason where none runs, and fail in CI instead;
a real Celery worker for the tests that need one; Debian's Chromium and the switches that keep
it quiet, for the browser tests and the PDF benchmark."""

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
# No sandbox (root in a container), no GPU, no network of its own: updates, sync, QUIC.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)


@contextmanager
def celery_worker(*, queue: str = "", env: dict | None = None):
    """A real worker process (solo pool) on the project's broker; inside the block this process
    sends its tasks to the broker instead of running them itself."""
    from portal.celery import app as celery_app

    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING"]
    if queue:
        command += ["-Q", queue]
    process = subprocess.Popen(
        command,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = eager
        process.terminate()
        process.wait(timeout=30)


def shared_database_url() -> str:
    """The test database as a URL, for a worker process to share it."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"
