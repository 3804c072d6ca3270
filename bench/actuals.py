"""Actuals benchmark (issue 16): the national actuals page and the Excel export with the
reports' actuals, for 10 and for 178 parks × 5 annual reports (2021-2025), beside the plan
dashboard of the same parks' approved plans.

    make bench-actuals                                  (SQLite)
    DATABASE_URL=postgres://... make bench-actuals

On a throw-away test database (its own name on PostgreSQL), seeded in seconds: the 174 parks
(load_parks) and synthetic parks up to 178; one park's plan (the demo data tables and
indicators) approved and frozen, and its five approved annual reports (bench.seeding.
approved_reports, with data tables and actuals) frozen; each park then gets its plan approved
with version 1 of that plan snapshot (bench.exports.approve_parks) and an approved annual
report for each year 2021-2025 with version 1 of that year's report snapshot (the actuals page
reads the frozen versions): every park reports the same figures, the work per version (load
and read its snapshot) is a real report's.

Pages through Django's test client, 20 requests each: queries, median and p90 in ms, cold (the
cache cleared before each request, not timed) and warm. The export as the worker runs it
(summaries.exports.export_run, every sheet), cold, median of 3, with its queries; and the
actuals figures alone (summaries.actuals.actual_figures, what the export's actuals sheets read).
Query counts must be equal for 10 and 178 parks: `(!=n)` marks one that is not. The export's
progress updates (`+Np`: one each 5 % and one a phase, so bounded) are counted apart.

Writes bench/out/actuals.json and prints a table. Numbers, not assertions: read them in review.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
# the demo walks its plan and reports through the workflow: no PDFs of record for a benchmark
os.environ.setdefault("PDF_RENDER_ON_TRANSITION", "false")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 20
EXPORT_RUNS = 3
SIZES = (10, 178)
YEARS = (2021, 2022, 2023, 2024, 2025)
# A test database of its own, so a test run on the same server keeps its test_greenplan.
TEST_DB_NAME = "test_greenplan_bench_actuals"


def measure(client, url, *, cold):
    """Queries of one request, median / p90 ms of RUNS; cold: the cache cleared before each."""
    client.get(url)  # warm templates and translations (and, warm, the cache)
    if cold:
        cache.clear()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = [q["sql"][:120] for q in queries.captured_queries]
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        if cold:
            cache.clear()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": len(sql),
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(sorted(times)[int(RUNS * 0.9) - 1], 1),
        "sql": sql,  # cut short: to see which queries a page makes
    }


# The export job's progress updates: one each 5 % at most and one a phase (summaries.exports.
# Progress), bounded whatever the number of parks: counted apart from the queries that read.
PROGRESS = 'UPDATE "review_exportjob" SET "progress"'


def timed(fn, runs):
    """Queries of the first run (apart: the export's progress updates), median ms of `runs`,
    the cache cleared before each."""
    times, count, sql = [], None, []
    for _ in range(runs):
        cache.clear()
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        if count is None:
            sql = [q["sql"][:120] for q in queries.captured_queries]
            progress = sum(PROGRESS in q for q in sql)
            count = len(sql) - progress
    return {
        "queries": count,
        "progress_updates": progress,
        "median_ms": round(statistics.median(times), 1),
        "runs": runs,
        "sql": sql,  # the first run's, cut short: to see which queries a size adds
    }


# --- seeding ------------------------------------------------------------------------------------


def seed_users():
    from parks.models import Park, User
    from parks.roles import Role

    park = Park.objects.order_by("pk").first()
    users = {
        "admin": User(username="admin", role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True),
        # bench.exports.approve_parks names these two
        "national": User(username="national", role=Role.NATIONAL_REVIEWER),
        "suzhou_manager": User(username="suzhou_manager", role=Role.PARK_MANAGER, park=park),
    }
    for user in users.values():
        user.full_name = user.username
        user.set_unusable_password()
        user.save()
    return users


def snapshots(manager):
    """(plan version, {year: report version}): an approved plan and its approved annual reports
    2021-2025 (bench.seeding: data tables and actuals), frozen, on a park of their own that is
    then made inactive, the plan and reports back to draft."""
    from bench.seeding import approved_reports
    from parks.models import Park, Province
    from plans.models import Plan
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from portal.demo.numbers import seed_demo_numbers
    from review.services import version_freeze

    park = Park.objects.create(
        name="基准测试园区（快照）", province=Province.objects.get(code="320000")
    )
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    seed_demo_numbers(plan, manager)  # the dashboard's figures: data tables 2016-2020, indicators
    reports = approved_reports([park], years=YEARS)
    plan.refresh_from_db()
    plan_version = version_freeze(plan=plan, actor=manager)
    report_versions = {r.data_year: version_freeze(plan=r, actor=manager) for r in reports}
    Park.objects.filter(pk=park.pk).update(is_active=False)
    # out of every count: a draft plan and report (versions protect them from deletion)
    Plan.objects.filter(park=park).update(status=State.DRAFT)
    return plan_version, report_versions


def whole_snapshot(version) -> dict:
    """The version's snapshot as stored, copied whole to every park (as bench/exports.py)."""
    return version.snapshot


def approve(parks, *, plan_version, report_versions, manager):
    from bench.exports import approve_parks
    from bench.seeding import approved_reports

    approve_parks(parks, whole_snapshot(plan_version))  # before the reports: it takes every Plan
    for year, version in report_versions.items():
        approved_reports(parks, years=(year,), manager=manager, snapshot=version)


# --- measuring ----------------------------------------------------------------------------------


def run_export(admin):
    from plans.selectors import cycle_current
    from summaries.exports import export_run
    from summaries.models import ExportJob

    job = ExportJob.objects.create(
        requested_by=admin, cycle=cycle_current().code, states=["approved"]
    )
    job = export_run(job.pk)
    assert job.state == "done", (job.state, job.error)
    job.file.delete(save=False)


def actual_figures(admin):
    from plans.selectors import cycle_current
    from summaries import actuals, figures

    cycle = cycle_current()
    scope = figures.Scope(cycle=cycle.code)
    return actuals.actual_figures(actuals.report_versions(user=admin, scope=scope), cycle=cycle)


def measure_size(admin, parks: int) -> dict:
    client = Client()
    client.force_login(admin)
    actuals_url = reverse("summaries:actuals")
    dashboard_url = reverse("summaries:dashboard")
    rows = {}
    for label, url in (
        ("actuals page", actuals_url),
        ("actuals page, year=2025", actuals_url + "?year=2025"),
        ("plan dashboard", dashboard_url),
    ):
        rows[f"{label}, cold"] = measure(client, url, cold=True)
        rows[f"{label}, warm"] = measure(client, url, cold=False)
    figures = actual_figures(admin)
    assert figures.reports == parks * len(YEARS), (figures.reports, parks)
    rows["actuals figures (export's actuals sheets), cold"] = timed(
        lambda: actual_figures(admin), EXPORT_RUNS
    )
    rows["Excel export (every sheet), cold"] = timed(lambda: run_export(admin), EXPORT_RUNS)
    return rows


def main():
    import shutil

    from django.conf import settings
    from django.core.management import call_command

    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DB_NAME
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results = {"database": connection.vendor, "runs": RUNS, "sizes": {}}
    try:
        from parks.models import Park, Province

        start = time.perf_counter()
        call_command("load_parks", verbosity=0)
        users = seed_users()
        manager, admin = users["suzhou_manager"], users["admin"]
        plan_version, report_versions = snapshots(manager)
        missing = max(SIZES) - Park.objects.filter(is_active=True).count()
        province = Province.objects.get(code="320000")
        Park.objects.bulk_create(
            Park(name=f"合成园区{i:03d}", province=province, district="合成区")
            for i in range(max(missing, 0))
        )
        parks = list(Park.objects.filter(is_active=True).order_by("pk").select_related("province"))
        results["seeding_s"] = round(time.perf_counter() - start, 1)
        done = 0
        for size in SIZES:
            start = time.perf_counter()
            approve(
                parks[done:size],
                plan_version=plan_version,
                report_versions=report_versions,
                manager=manager,
            )
            done = size
            results[f"seeding_{size}_s"] = round(time.perf_counter() - start, 1)
            results["sizes"][size] = measure_size(admin, size)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "actuals.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_table(results)


def print_table(results):
    small, large = (results["sizes"][s] for s in SIZES)
    print(
        f"database: {results['database']}; {RUNS} requests a page, exports median of "
        f"{EXPORT_RUNS}; {len(YEARS)} approved annual reports a park"
    )
    head = "".join(f"{f'{s} parks: queries':>20} {'median ms':>10} {'p90 ms':>8}" for s in SIZES)
    print(f"{'':<52}{head}")
    for label, a in small.items():
        b = large[label]
        mark = "" if a["queries"] == b["queries"] else f" (!={a['queries']})"
        cells = []
        for row, extra in ((a, ""), (b, mark)):
            progress = row.get("progress_updates")
            queries = f"{row['queries']}{f' +{progress}p' if progress else ''}{extra}"
            cells.append(f"{queries:>20} {row['median_ms']:>10} {row.get('p90_ms', ''):>8}")
        print(f"{label:<52}{''.join(cells)}")


if __name__ == "__main__":
    main()
