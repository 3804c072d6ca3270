"""More than one host: two web processes, each with a disk of its own, and a Celery worker share
nothing but PostgreSQL, Redis and the object store. A figure uploaded through one host is
downloaded through the other, the plan is submitted through the other, its PDF is rendered on the
worker (reading the seal and the figure from the store) and downloaded through the first; no
host's own disk keeps a file. Runs in CI; skipped with the reason where the services are missing.
"""

import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest
import urllib3
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.models import Figure
from review.models import PdfDocument
from tests.live import celery_worker, require, shared_database_url, web_server
from tests.plans.helpers import image_bytes
from tests.review.helpers import transition_url

pytestmark = [
    pytest.mark.live_services,
    pytest.mark.pdf,
    pytest.mark.django_db(transaction=True),
]


class Browser:
    """One user's requests to any host: their session (kept in the database, so every host knows
    it) and a CSRF token, as a browser sends them."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret of this browser's own
        self.http = urllib3.PoolManager(retries=False, timeout=120)

    def _headers(self) -> dict:
        cookies = f"{settings.SESSION_COOKIE_NAME}={self.session}; csrftoken={self.csrf}"
        return {"Cookie": cookies, "X-CSRFToken": self.csrf, "Accept-Language": "zh-hans"}

    def get(self, url: str):
        return self.http.request("GET", url, headers=self._headers(), redirect=False)

    def post(self, url: str, fields: dict):
        return self.http.request(
            "POST", url, fields=fields, headers=self._headers(), redirect=False
        )


def host_files(*roots: Path) -> list[Path]:
    return [path for root in roots for path in root.rglob("*") if path.is_file()]


def test_two_web_hosts_and_a_worker_share_files_only_through_the_object_store(
    world, ready_plan, tmp_path
):
    require(bool(settings.S3_BUCKET), "S3_BUCKET is not set: the hosts share no object store")
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: there is no broker for a worker")
    require(connection.vendor == "postgresql", "the hosts need a database they can share")
    disks = {name: tmp_path / name for name in ("host-a", "host-b", "worker")}
    for disk in disks.values():
        disk.mkdir()

    def env(disk: str) -> dict:
        # each host its own MEDIA_ROOT; the store's folder of this run comes with os.environ
        return {"DATABASE_URL": shared_database_url(), "MEDIA_ROOT": str(disks[disk])}

    editor, manager = Browser(world.editor_a), Browser(world.manager_a)
    with (
        web_server(env=env("host-a"), log=tmp_path / "host-a.log") as host_a,
        web_server(env=env("host-b"), log=tmp_path / "host-b.log") as host_b,
        celery_worker(env=env("worker")) as worker,
    ):
        # when the editor uploads a figure through host A
        figure_bytes = image_bytes(size=(320, 200))
        added = editor.post(
            host_a + reverse("plans:figure-add", args=[ready_plan.pk, "1.1"]),
            {"image": ("区位图.png", figure_bytes, "image/png"), "caption": "园区区位图"},
        )
        assert added.status < 400, added.data[:500]
        figure = Figure.objects.get(plan=ready_plan, caption="园区区位图")

        # then host B serves it, byte for byte
        served = editor.get(host_b + reverse("plans:figure-image", args=[ready_plan.pk, figure.pk]))
        assert (served.status, served.data) == (200, figure_bytes)

        # when the manager submits through host B
        submitted = manager.post(host_b + transition_url(ready_plan, "submit"), {"declared": "on"})
        assert submitted.status == 302, submitted.data[:500]

        # then the worker renders the PDF of record
        pdf = PdfDocument.objects.get(plan=ready_plan)
        deadline = time.monotonic() + 150
        while pdf.is_pending and time.monotonic() < deadline:
            time.sleep(0.5)
            pdf.refresh_from_db()
        assert pdf.state == "done", (pdf.state, pdf.error, worker.poll())

        # and host A serves it, with the figure printed in it
        printed = manager.get(host_a + reverse("review:pdf", args=[ready_plan.pk, pdf.pk]))
        assert printed.status == 200
        assert printed.data.startswith(b"%PDF") and len(printed.data) == pdf.size

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=printed.data, capture_output=True, check=True
    ).stdout.decode()
    assert "园区区位图" in text
    # and no host kept a file on its own disk: the store holds them all
    assert host_files(*disks.values()) == []
    assert os.environ["S3_PREFIX"] in pdf.file.storage.location
