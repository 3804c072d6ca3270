"""One autosave, in-process: its SQL queries, its time (median of 200) and where the time goes.

    .venv/bin/python bench/autosave.py                      (SQLite)
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/autosave.py
    .venv/bin/python bench/autosave.py --profile            (and cProfile's top functions)

On a throw-away test database (test_greenplan_bench_autosave) with the demo data, the demo
editor autosaves section 1.1 of the demo park's plan (~2,000 characters) through Django's test
client, so the whole middleware stack runs (session, CSRF, locale, axes) as in production, each
time with a changed text and the revision the previous save returned, as the editor's script
does. Numbers, not assertions: read them in review.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
# the demo walks its plan and reports through the workflow: no PDFs of record for a benchmark
os.environ.setdefault("PDF_RENDER_ON_TRANSITION", "false")

RUNS = 200
TEST_DB_NAME = os.environ.get("BENCH_AUTOSAVE_DB", "test_greenplan_bench_autosave")


def setup():
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = TEST_DB_NAME


def autosaver():
    """(client, url, body) for the demo editor's section 1.1, ~2,000 characters."""
    from django.test import Client
    from django.urls import reverse

    from parks.models import Park, User
    from plans.models import Plan, Section
    from plans.outline import outline_for
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from portal.demo.park import DEMO_PARK_A, seed_demo
    from portal.demo.plan import section_html

    seed_demo()
    plan = plan_get_or_create(park=Park.objects.get(seed_key=DEMO_PARK_A), cycle=cycle_current())
    # the demo approves its plan through the workflow: the editor writes a draft here
    Plan.objects.filter(pk=plan.pk).update(status=State.DRAFT)
    outline = outline_for(plan.outline_version)
    entry = outline.by_key["1.1"]
    body = section_html(entry, outline.chapter_of[entry.key].key, 2000)
    Section.objects.filter(plan=plan, key=entry.key).update(body=body)
    client = Client()
    client.force_login(User.objects.get(username="suzhou_editor"))
    url = reverse("plans:section-autosave", args=[plan.pk, entry.key])
    return client, url, body, Section.objects.get(plan=plan, key=entry.key).revision


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--db-sessions", action="store_true", help="sessions from the database (as before Redis)"
    )
    args = parser.parse_args()
    setup()
    if args.db_sessions:
        from django.conf import settings

        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client, url, body, revision = autosaver()
        counter = [0]

        def save():
            nonlocal revision
            counter[0] += 1
            response = client.post(  # JSON, as the editor's script sends it
                url,
                json.dumps(
                    {"body": body + f"<p>第{counter[0]}次自动保存。</p>", "revision": revision},
                    ensure_ascii=False,
                ),
                content_type="application/json",
            )
            assert response.status_code == 200, (response.status_code, response.content[:300])
            revision = response.json()["revision"]

        save()  # warm up, and the first autosave opens the audit row: later ones extend it
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            save()
        queries = [q["sql"] for q in captured]
        times, cpu = [], []
        server_before = _server_cpu(connection)
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            save()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        server_after = _server_cpu(connection)
        print(f"database: {connection.vendor}, session engine: {_session_engine()}")
        print(
            f"autosave: {len(queries)} queries, median {statistics.median(times):.2f} ms "
            f"(this process's CPU {statistics.median(cpu):.2f} ms), "
            f"p90 {sorted(times)[int(len(times) * 0.9) - 1]:.2f} ms over {args.runs} saves; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        if server_before is not None and server_after is not None:
            print(
                f"database server's CPU for this connection: "
                f"{(server_after - server_before) / args.runs:.2f} ms per autosave (mean)"
            )
        for sql in queries:
            print("   ", sql[:150])
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.runs):
                save()
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
            stats.print_stats(45)
            print(out.getvalue())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _server_cpu(connection):
    """CPU ms the PostgreSQL backend serving this connection has used (user + system), read from
    /proc when the server runs on this machine; None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _session_engine():
    from django.conf import settings

    return settings.SESSION_ENGINE


if __name__ == "__main__":
    main()
