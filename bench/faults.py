"""Fault scenarios (issue 17): what a park, a reviewer or an admin sees when a worker, the broker
or the database fails in the middle of their work, on the real services.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/faults.py
    ... bench/faults.py --only worker-child,redis-down       (some of them)

It needs PostgreSQL and Redis (a worker process shares the database); on a throw-away database of
its own (test_greenplan_bench_faults) with a park, its manager and a plan ready to submit. The
workers are real Celery workers (prefork, one pool process) of `tests.crash_worker`: the portal's
app, whose first PDF render and first export build stand still until the scenario has killed
them, so the kill lands in the middle of the job every time; every later run is production's.
"Redis down" is a web process whose REDIS_URL points at a port where nothing listens (what a
stopped Redis looks like from there, for the broker and the cache alike); Redis itself is not
touched, other runs may be using it.

For each fault it prints what should happen, what did, whether anything was lost (a committed
submission or its version, a job that never ends), and how long recovery took. Writes
bench/out/faults.json. The sweeper's clock is moved on where a scenario waits for it (the
beat schedule runs it every minute; JOB_DISPATCH_GRACE is a minute): the time that saves is
said in the row.
"""

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.live import child_processes, shared_database_url  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

TEST_DB_NAME = "test_greenplan_bench_faults"
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
QUEUE = f"bench-faults-{os.getpid()}"
BOUND = 180  # seconds a job may take to reach ready or failed after the services return


# --- a worker of the crash app -------------------------------------------------------------------


class Worker:
    """`celery -A tests.crash_worker worker` with one pool process, on this run's own queue."""

    def __init__(self, work: Path, *, env: dict | None = None, name: str = "w1"):
        from django.conf import settings

        self.log = (work / f"worker-{name}.log").open("a")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "tests.crash_worker", "worker"),
                *("-P", "prefork", "--concurrency=1", "-Q", QUEUE, "-n", f"{name}@{QUEUE}"),
                *("--without-gossip", "--without-mingle", "--loglevel=WARNING"),
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DATABASE_URL": shared_database_url(),
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "CRASH_MARKER": str(work / "stall"),
                **(env or {}),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_pool(self) -> None:
        for child in child_processes(self.process.pid):
            os.kill(child, signal.SIGKILL)

    def kill_all(self) -> None:
        for pid in [*child_processes(self.process.pid), self.process.pid]:
            os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def wait_for(condition, seconds: float) -> float | None:
    """Seconds until `condition()` held, or None if it did not within `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return round(time.monotonic() - start, 1)
        time.sleep(0.2)
    return None


def pending(job) -> bool:
    job.refresh_from_db()
    return job.is_pending


def ended(job) -> str:
    job.refresh_from_db()
    reason = f" ({job.error[:40]}…)" if job.state == "failed" else ""
    return f"{job.state}{reason}, attempts {job.attempts}"


# --- the data ------------------------------------------------------------------------------------


def seed():
    """Park A with its manager and a plan ready to submit; a national reviewer for exports."""
    from django.db import connection

    from plans.models import Plan
    from portal.demo.numbers import seed_demo_numbers
    from portal.demo.plan import seed_demo_plan
    from tests.factories import (
        CycleFactory,
        ParkFactory,
        PlanFactory,
        ProvinceFactory,
        UserFactory,
        ensure_catalogue,
    )
    from tests.review.conftest import complete_park_profile

    ensure_catalogue()
    province = ProvinceFactory(code="320000", name="江苏省", reviewing_body="江苏省科学技术厅")
    park = ParkFactory(name="苏州工业园区", province=province)
    cycle = CycleFactory()
    manager = UserFactory(park_manager=True, park=park, username="manager")
    editor = UserFactory(park_editor=True, park=park, username="editor")
    UserFactory(province_reviewer=True, province=province, username="reviewer")
    national = UserFactory(national_reviewer=True, username="national")
    complete_park_profile(park, manager)

    def ready_plan() -> Plan:
        Plan.objects.filter(park=park).delete()
        plan = PlanFactory(park=park, cycle=cycle)
        seed_demo_plan(plan, editor)
        seed_demo_numbers(plan, editor)
        return Plan.objects.get(pk=plan.pk)

    assert connection.vendor == "postgresql"
    return {"manager": manager, "national": national, "cycle": cycle, "ready_plan": ready_plan}


def draft_pdf(plan):
    from django.db import transaction

    from review.models import PdfDocument
    from review.pdfs import pdf_request

    with transaction.atomic():
        return pdf_request(plan=plan, kind=PdfDocument.Kind.DRAFT)


# --- the scenarios -------------------------------------------------------------------------------


def worker_child(work: Path, data: dict) -> dict:
    """A worker's pool process is killed (kill -9, the OOM killer) in the middle of a PDF."""
    worker = Worker(work)
    try:
        pdf = draft_pdf(data["ready_plan"]())
        assert wait_for(lambda: (work / "stall").exists(), 90) is not None, "render never began"
        worker.kill_pool()
        took = wait_for(lambda: not pending(pdf), BOUND)
    finally:
        worker.stop()
    return {
        "fault": "worker pool process killed mid-PDF",
        "expected": "message back to the queue at once; PDF ready on attempt 2",
        "observed": f"{ended(pdf)}, {took} s after the kill",
        "lost": "no" if pdf.state == "done" else "yes",
    }


def worker_whole(work: Path, data: dict) -> dict:
    """A whole worker (parent and pool) is killed in the middle of a PDF; a new one starts."""
    from django.utils import timezone

    worker = Worker(work)
    pdf = draft_pdf(data["ready_plan"]())
    assert wait_for(lambda: (work / "stall").exists(), 90) is not None, "render never began"
    worker.kill_all()
    worker.stop()
    # production restores an unacknowledged message after 900 s; 10 s here
    new = Worker(work, env={"CELERY_VISIBILITY_TIMEOUT": "10"}, name="w2")
    began = timezone.now()
    try:
        took = wait_for(lambda: not pending(pdf), BOUND)
    finally:
        new.stop()
    again = (pdf.started_at - began).total_seconds() if pdf.started_at else None
    return {
        "fault": "whole worker killed mid-PDF, new worker",
        "expected": "unacked message restored after the visibility timeout (kombu looks every "
        "100 s); PDF ready",
        "observed": f"{ended(pdf)}, {took} s after the new worker started, which began it "
        f"again after {again:.0f} s (visibility timeout 10 s here, 900 s in production)",
        "lost": "no" if pdf.state == "done" else "yes",
    }


def worker_whole_sweeper(work: Path, data: dict) -> dict:
    """A whole worker is killed in the middle of a PDF; the new worker keeps production's 15-minute
    visibility timeout, so the sweeper's round after the PDF's 4-minute deadline brings it back."""
    from django.utils import timezone

    from review.pdfs import pdfs_sweep

    worker = Worker(work)
    pdf = draft_pdf(data["ready_plan"]())
    assert wait_for(lambda: (work / "stall").exists(), 90) is not None, "render never began"
    worker.kill_all()
    worker.stop()
    new = Worker(work, name="w2")
    try:
        # the first sweep after the deadline (moved on: the render's 180 s limit + 60 s)
        swept = pdfs_sweep(now=timezone.now() + datetime.timedelta(minutes=5))
        took = wait_for(lambda: not pending(pdf), BOUND)
    finally:
        new.stop()
    return {
        "fault": "whole worker killed mid-PDF, sweeper",
        "expected": "sweeper re-queues it past its deadline (4 min); PDF ready",
        "observed": f"sweeper re-queued {swept['requeued']}; {ended(pdf)}, {took} s later",
        "lost": "no" if pdf.state == "done" else "yes",
    }


def worker_export(work: Path, data: dict) -> dict:
    """A worker's pool process is killed in the middle of an Excel export."""
    from django.db import transaction

    from summaries.exports import export_request
    from summaries.figures import Scope

    worker = Worker(work)
    try:
        with transaction.atomic():
            job = export_request(user=data["national"], scope=Scope(cycle=data["cycle"].code))
        started = wait_for(lambda: (work / "stall-export").exists(), 90)
        assert started is not None, "the export never began"
        worker.kill_pool()
        took = wait_for(lambda: not pending(job), BOUND)
    finally:
        worker.stop()
    return {
        "fault": "worker pool process killed mid-export",
        "expected": "message back to the queue; export ready on attempt 2",
        "observed": f"{ended(job)}, {took} s after the kill",
        "lost": "no" if job.state == "done" else "yes",
    }


def worker_poison(work: Path, data: dict) -> dict:
    """A PDF whose rendering kills its worker process every time."""
    worker = Worker(work, env={"CRASH_EVERY_TIME": "1"})
    try:
        pdf = draft_pdf(data["ready_plan"]())
        took = wait_for(lambda: not pending(pdf), BOUND)
    finally:
        worker.stop()
    return {
        "fault": "PDF that kills its worker every time",
        "expected": "delivered again 4 times, then failed with a reason (no endless loop)",
        "observed": f"{ended(pdf)}, {took} s after the request",
        "lost": "no" if pdf.state == "failed" and pdf.error else "yes",
    }


WEB_SUBMIT = """
import json, time
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import reverse
client = Client()
client.cookies[settings.SESSION_COOKIE_NAME] = "{session}"  # logged in before Redis went down
start = time.perf_counter()
response = client.post(reverse("review:transition", args=[{plan}, "submit"]), {{"declared": "on"}})
took = time.perf_counter() - start
page = client.get(reverse("review:pdfs", args=[{plan}]))
print(json.dumps({{"submit": response.status_code, "page": page.status_code, "took": took}}))
"""


def redis_down(work: Path, data: dict) -> dict:
    """Redis is down when the park manager submits: the web process can reach neither the broker
    nor the cache. Then Redis is back, a worker runs, the sweepers run (the PDF's and the
    notification e-mails'). The worker's console mail backend writes each e-mail to its log,
    where they are counted per recipient."""
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from notifications.models import NotificationEmail
    from notifications.services import emails_sweep
    from review.models import PdfDocument, Version
    from review.pdfs import pdfs_sweep

    plan = data["ready_plan"]()
    # The manager logged in while Redis was up; with it down the session is read from the
    # database (core.sessions through the forgiving cache, core.cache).
    browser = Client()
    browser.force_login(data["manager"])
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    web = subprocess.run(
        [sys.executable, "-c", WEB_SUBMIT.format(plan=plan.pk, session=session)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": shared_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "REDIS_URL": DEAD_REDIS,
            "PDF_RENDER_ON_TRANSITION": "true",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "CRITICAL",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    if web.returncode:  # the web process itself failed: the fault reached the user
        return {
            "fault": "Redis down when a park submits",
            "expected": "302, version frozen, PDF queued, notification e-mails pending",
            "observed": "the web process failed: " + web.stderr.strip().splitlines()[-1][:160],
            "lost": "unknown",
        }
    answer = json.loads(web.stdout.strip().splitlines()[-1])
    version = Version.objects.filter(plan=plan).first()
    pdf = PdfDocument.objects.filter(plan=plan).first()
    queued = pdf.state if pdf else "no PDF record"
    emails = NotificationEmail.objects.filter(
        notification__url__contains=f"/{plan.pk}/", notification__kind="submitted"
    )
    waiting = sorted(emails.values_list("state", flat=True))
    addresses = list(emails.values_list("notification__user__email", flat=True))
    # Redis is back: a worker, and the sweepers' next round (beat: every minute, after the
    # one-minute grace; moved on here)
    (work / "stall").touch()  # this worker renders at once
    worker = Worker(work, name="w3")
    try:
        since = timezone.now()
        back = since + datetime.timedelta(minutes=2)
        swept, mailed = pdfs_sweep(now=back), emails_sweep(now=back)
        took = wait_for(lambda: not pending(pdf), BOUND) if pdf else None
        unsent = emails.filter(state__in=["pending", "sending"])
        wait_for(lambda: not unsent.exists(), BOUND)
        times = [t for t in emails.values_list("finished_at", flat=True) if t]
        mail_took = round((max(times) - since).total_seconds(), 1) if times else None
        # a second sweep once they are sent: nothing more goes out
        mailed_again = emails_sweep(now=back + datetime.timedelta(minutes=1))["dispatched"]
        time.sleep(2)  # what a wrongly sent message would need to reach the log
    finally:
        worker.stop()
    log = (work / "worker-w3.log").read_text()
    sent = {address: log.count(f"To: {address}") for address in addresses}
    states = sorted(emails.values_list("state", flat=True))
    mail_ok = bool(states) and set(states) == {"sent"} and set(sent.values()) == {1}
    ok = version is not None and answer["submit"] == 302 and pdf and pdf.state == "done"
    return {
        "fault": "Redis down when a park submits",
        "expected": "302, version frozen, PDF queued, notification e-mails pending; the "
        "sweepers dispatch them when Redis is back; one e-mail per recipient",
        "observed": (
            f"submit {answer['submit']} in {answer['took']:.1f} s, status page {answer['page']}, "
            f"version {'frozen' if version else 'MISSING'}, PDF {queued} while down; "
            f"sweeper dispatched {swept['dispatched']}, {ended(pdf)} {took} s later; "
            f"e-mails {', '.join(waiting) or 'NONE'} while down, sweeper dispatched "
            f"{mailed['dispatched']}, {', '.join(states)} {mail_took} s later, e-mails in the "
            f"worker's log per recipient {sorted(sent.values())}, dispatched by a second sweep "
            f"{mailed_again}"
        ),
        "lost": "no" if ok and mail_ok and not mailed_again else "yes",
    }


def database_drop(work: Path, data: dict) -> dict:
    """The database ends a web process's kept connection (a restart, a proxy's idle cut)."""
    import io
    import logging

    import psycopg
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    def get(path: str) -> int:
        status = []
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
        }
        WSGIHandler()(environ, lambda code, headers, *a: status.append(code)).close()
        return int(status[0].split()[0])

    def drop() -> None:
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"] or "postgres",
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            other.execute(
                "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
            )

    answers = {}
    saved = dict(connection.settings_dict)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 500 it provokes
    for checks in (False, True):
        connection.close()
        connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=checks)
        get("/healthz")
        drop()
        answers[checks] = get("/healthz")
    connection.close()
    connection.settings_dict.update(saved)
    return {
        "fault": "database drops the kept connection",
        "expected": "next request 200 (health check reconnects)",
        "observed": f"next request {answers[True]} (without health checks: {answers[False]})",
        "lost": "no" if answers[True] == 200 else "yes",
    }


SCENARIOS = {
    "worker-child": worker_child,
    "worker-whole": worker_whole,
    "worker-whole-sweeper": worker_whole_sweeper,
    "worker-export": worker_export,
    "worker-poison": worker_poison,
    "redis-down": redis_down,
    "database-drop": database_drop,
}


# --- main ----------------------------------------------------------------------------------------


def main(names: list[str]) -> list[dict]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from portal.celery import app

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("bench/faults.py needs DATABASE_URL (PostgreSQL) and REDIS_URL: see its docstring")
    connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DB_NAME
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, QUEUE
    rows = []
    try:
        data = seed()
        for name in names:
            work = Path(tempfile.mkdtemp(prefix=f"greenplan-faults-{name}-"))
            print(f"… {name}", file=sys.stderr, flush=True)
            try:
                rows.append({"name": name, **SCENARIOS[name](work, data)})
            except Exception as error:  # one scenario's breakage is a row, not the end
                rows.append(
                    {"name": name, "fault": name, "expected": "", "observed": repr(error)[:200]}
                    | {"lost": "unknown"}
                )
            print(f"  {rows[-1]['observed']}", file=sys.stderr, flush=True)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| fault | expected | observed | data lost |", "|---|---|---|---|"]
    lines += [f"| {r['fault']} | {r['expected']} | {r['observed']} | {r['lost']} |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    names = parser.parse_args().only.split(",")
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        sys.exit(f"unknown scenarios: {', '.join(sorted(unknown))}; known: {', '.join(SCENARIOS)}")
    results = main(names)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "faults.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(table(results))
