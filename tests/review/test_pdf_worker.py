"""The PDF of a submission is rendered by a real Celery worker on Redis, after the commit, and the
page learns it is ready (runs in CI; skipped with a reason where no Redis runs)."""

import time

import pytest
from django.db import transaction
from django.urls import reverse

from review.models import PdfDocument
from review.services import transition_apply

pytestmark = [
    pytest.mark.live_services,
    pytest.mark.pdf,
    pytest.mark.django_db(transaction=True),
]


def test_a_worker_renders_the_submitted_version(world, ready_plan, live_worker, client_for):
    # when the park manager submits (the render is queued once the transaction commits)
    with transaction.atomic():
        transition_apply(plan=ready_plan, action="submit", actor=world.manager_a, declared=True)
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert pdf.state in {"queued", "running", "done"}

    # then the worker renders it within the time limit
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        pdf.refresh_from_db()
        if not pdf.is_pending:
            break
        time.sleep(0.5)
    assert pdf.state == "done", (pdf.state, pdf.error, live_worker.poll())
    assert pdf.pages >= 10 and pdf.render_ms > 0

    # and the panel's fragment (polled every 2 s while pending) now offers the download
    fragment = client_for(world.manager_a).get(reverse("review:pdfs", args=[ready_plan.pk]))
    html = fragment.content.decode()
    assert reverse("review:pdf", args=[ready_plan.pk, pdf.pk]) in html
    assert "hx-trigger" not in html
