"""A worker killed in the middle of a PDF, on a real Redis with real worker processes (runs in CI;
skipped with a reason where no Redis or PostgreSQL runs). The PDF does not stay "rendering": the
message goes back to the queue and the job ends ready, within a bounded time."""

import os
import signal
import time

import pytest
from django.conf import settings
from django.db import connection, transaction

from review.models import PdfDocument
from review.pdfs import pdf_request
from tests.live import celery_worker, child_processes, require, shared_database_url

pytestmark = [pytest.mark.live_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(tmp_path):
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a worker")
    require(connection.vendor == "postgresql", "the worker needs a database it can share")
    return {
        "DATABASE_URL": shared_database_url(),
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        # the crash worker's render stands still the first time, until this file exists
        "CRASH_MARKER": str(tmp_path / "first-render-started"),
    }


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"not within {seconds} s: {what}")


def ask_for_draft_pdf(plan) -> PdfDocument:
    with transaction.atomic():  # dispatched to Redis once this commits
        return pdf_request(plan=plan, kind=PdfDocument.Kind.DRAFT)


def state_of(pdf: PdfDocument) -> PdfDocument:
    pdf.refresh_from_db()
    return pdf


def test_a_pdf_whose_worker_process_is_killed_is_rendered_by_the_next(ready_plan, worker_env):
    # given a worker (a parent and its pool process) in the middle of rendering a PDF
    marker = worker_env["CRASH_MARKER"]
    with celery_worker(app="tests.crash_worker", pool="prefork", env=worker_env) as worker:
        pdf = ask_for_draft_pdf(ready_plan)
        wait_for(lambda: os.path.exists(marker), seconds=90, what="the render started")
        assert state_of(pdf).state == "running"

        # when its pool process is killed (out of memory, kill -9)
        children = child_processes(worker.pid)
        assert children, "the prefork worker has a pool process"
        for child in children:
            os.kill(child, signal.SIGKILL)

        # then the message goes back to the queue, a new pool process takes it, and the PDF is
        # ready on the second attempt
        wait_for(lambda: not state_of(pdf).is_pending, seconds=90, what="the PDF finished")
    assert (pdf.state, pdf.attempts) == ("done", 2), pdf.error
    assert pdf.pages > 0


def test_a_pdf_whose_whole_worker_is_killed_is_rendered_by_a_new_worker(ready_plan, worker_env):
    # given a worker in the middle of rendering a PDF
    marker = worker_env["CRASH_MARKER"]
    with celery_worker(app="tests.crash_worker", pool="prefork", env=worker_env) as worker:
        pdf = ask_for_draft_pdf(ready_plan)
        wait_for(lambda: os.path.exists(marker), seconds=90, what="the render started")

        # when the whole worker is killed (its host is gone): nobody acknowledges the message
        for pid in [*child_processes(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert state_of(pdf).state == "running"

    # then a new worker restores the unacknowledged message once the visibility timeout (here
    # 5 s instead of production's 15 min) has passed, and renders the PDF; kombu looks for such
    # messages on every tenth of its 10-second rounds, so up to ~100 s more, then the render
    env = {**worker_env, "CELERY_VISIBILITY_TIMEOUT": "5"}
    with celery_worker(app="tests.crash_worker", pool="prefork", env=env):
        wait_for(lambda: not state_of(pdf).is_pending, seconds=240, what="the PDF finished")
    assert (pdf.state, pdf.attempts) == ("done", 2), pdf.error
