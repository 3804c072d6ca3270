"""Tests that need a live service skip with a reason where none runs, and fail in CI instead;
a real Celery worker and real web processes (gunicorn) for the tests that need them; Debian's
Chromium and the switches that keep it quiet, for the browser tests and the PDF benchmark."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

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
def celery_worker(
    *, queue: str = "", env: dict | None = None, app: str = "portal", pool: str = "solo"
):
    """A real worker process (solo pool, or `pool="prefork"` with one child process) on the
    project's broker; inside the block this process sends its tasks to the broker instead of
    running them itself."""
    from tests.broker import not_eager

    command = [sys.executable, "-m", "celery", "-A", app, "worker", "-P", pool]
    if pool == "prefork":
        command += ["--concurrency=1"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=WARNING"]
    if queue:
        command += ["-Q", queue]
    process = subprocess.Popen(
        command,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with not_eager():
            yield process
    finally:
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def web_server(*, env: dict | None = None, log: Path | None = None):
    """A web process as production runs it (gunicorn, one sync worker, portal.settings) on a
    free port of 127.0.0.1; yields its base URL once /healthz answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **(env or {})},
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the web process did not start (log: {log})") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log:
            output.close()


def child_processes(pid: int) -> list[int]:
    """The processes `pid` started (a prefork worker's pool), from /proc."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []
