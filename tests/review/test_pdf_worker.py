"""The PDF of a submission is rendered by a real Celery worker on Redis, after the commit, and the
page learns it is ready (runs in CI; skipped with a reason where no Redis runs)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from portal.celery import app as celery_app
from review.models import PdfDocument
from review.services import transition_apply
from tests.live import require

pytestmark = [
    pytest.mark.live_services,
    pytest.mark.pdf,
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    """The test database as a URL, for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@pytest.fixture
def worker():
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a worker")
    require(connection.vendor == "postgresql", "the worker needs a database it can share")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": settings.MEDIA_ROOT,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = eager
    process.terminate()
    process.wait(timeout=30)


def test_a_worker_renders_the_submitted_version(world, ready_plan, worker, client_for):
    # when the park manager submits (the render is queued once the transaction commits)
    with transaction.atomic():
        transition_apply(plan=ready_plan, action="submit", actor=world.manager_a)
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert pdf.state in {"queued", "running", "done"}

    # then the worker renders it within the time limit
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if not pdf.is_pending:
            break
        time.sleep(0.5)
    assert pdf.state == "done", (pdf.state, pdf.error, worker.poll())
    assert pdf.pages >= 10 and pdf.render_ms > 0

    # and the panel's fragment (polled every 2 s while pending) now offers the download
    fragment = client_for(world.manager_a).get(reverse("review:pdfs", args=[ready_plan.pk]))
    html = fragment.content.decode()
    assert reverse("review:pdf", args=[ready_plan.pk, pdf.pk]) in html
    assert "hx-trigger" not in html
