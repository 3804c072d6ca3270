"""Benchmarks: query counts and server time per page, on a throw-away test database.

    make bench            (SQLite)
    DATABASE_URL=postgres://... make bench

Writes bench/out/results.json and prints a table. Numbers, not assertions: read them in review.
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

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 20


def measure(client, url):
    client.get(url)  # warm caches (templates, translations)
    reset_queries()  # request_started clears the log; start from empty so the count is right
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # read now: the captured list is a view on a log later requests clear
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": count,
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(sorted(times)[int(RUNS * 0.9) - 1], 1),
    }


def add_synthetic_parks(n):
    from parks.models import Park, ParkProfile, Province

    province = Province.objects.get(code="320000")
    parks = Park.objects.bulk_create(
        Park(name=f"合成园区{i:05d}", province=province, district="合成区") for i in range(n)
    )
    ParkProfile.objects.bulk_create(ParkProfile(park=p) for p in parks)


def plan_pages():
    """The editor and the preview of a small plan and of a full one (sections of ~2,000
    characters, 45 tasks, 30 projects, 10 figures): the query counts must be equal."""
    from parks.models import Park, User
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from portal.demo.plan import seed_demo_plan

    editor = User.objects.get(username="suzhou_editor")
    rows = {}
    for label, seed_key, copies, length in (
        ("small plan", "南京高新技术产业开发区", 1, 300),
        ("full plan", "苏州高新技术产业开发区", 5, 2000),
    ):
        park = Park.objects.get(seed_key=seed_key)
        plan = plan_get_or_create(park=park, cycle=cycle_current())
        seed_demo_plan(plan, editor, section_length=length, copies=copies)
        User.objects.filter(pk=editor.pk).update(park=park)
        client = Client()
        client.force_login(User.objects.get(pk=editor.pk))
        for page, url in (
            ("section 1.1 editor", reverse("plans:section-edit", args=[plan.pk, "1.1"])),
            ("section 4.3 editor (projects)", reverse("plans:section-edit", args=[plan.pk, "4.3"])),
            ("preview", reverse("documents:preview", args=[plan.pk])),
            ("plan overview", reverse("plans:plan-detail", args=[plan.pk])),
        ):
            rows[f"{label}: {page}"] = measure(client, url)
    User.objects.filter(pk=editor.pk).update(park=Park.objects.get(seed_key="苏州工业园区"))
    return rows


def timed(fn, runs=5):
    """(median ms, peak MiB by tracemalloc) of fn()."""
    import tracemalloc

    fn()  # warm imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"median_ms": round(statistics.median(times), 1), "peak_mib": round(peak / 2**20, 1)}


def indicator_pages():
    """The indicators and data pages with 6 and with 25 indicators (queries must not grow),
    and the Excel template: build time, and the time to check a full upload."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators import selectors as numbers_selectors
    from indicators import services as numbers_services
    from indicators.tables import TABLES
    from indicators.workbook import build_workbook, read_workbook
    from parks.models import Park, User
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from portal.demo.numbers import seed_demo_numbers, seed_more_indicators

    park = Park.objects.get(seed_key="苏州高新技术产业开发区")
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    editor = User.objects.get(username="suzhou_editor")
    User.objects.filter(pk=editor.pk).update(park=park)
    seed_demo_numbers(plan, editor)
    client = Client()
    client.force_login(User.objects.get(pk=editor.pk))
    rows = {}
    for label in ("6 indicators", "25 indicators"):
        if label.startswith("25"):
            seed_more_indicators(plan, editor, 25)
        rows[f"indicators page, {label}"] = measure(
            client, reverse("indicators:indicator-list", args=[plan.pk])
        )
        rows[f"data tables page, {label}"] = measure(
            client, reverse("indicators:data", args=[plan.pk])
        )
    User.objects.filter(pk=editor.pk).update(park=Park.objects.get(seed_key="苏州工业园区"))
    numbers = numbers_selectors.plan_numbers(
        plan, numbers_services.accounting_get_or_create(plan=plan)
    )
    content = build_workbook(numbers)
    table_rows = {key: numbers_services.table_rows(plan, key) for key in TABLES}
    workbook = {
        "build": timed(lambda: build_workbook(numbers)),
        "check a full upload": timed(
            lambda: read_workbook(
                plan, SimpleUploadedFile("data.xlsx", content), rows_by_table=table_rows
            )
        ),
        "size_kib": round(len(content) / 1024, 1),
    }
    return rows, workbook


def review_pages():
    """The review queue and the national dashboard with 10 and with 178 parks in review, 3
    versions each (queries must not grow with the number of submissions), and the review page of
    a full plan, with no comments and with 40 (queries must not grow with the comments either)."""
    from bench.seeding import submitted_three_times
    from parks.models import Park, Province, User
    from plans.models import Plan
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from portal.demo.numbers import seed_demo_numbers
    from portal.demo.plan import seed_demo_plan
    from review.models import Version
    from review.services import comment_post, transition_apply, version_freeze

    cycle = cycle_current()
    national = User.objects.get(username="national")
    reviewer = User.objects.get(username="jiangsu")
    manager = User.objects.get(username="suzhou_manager")
    province = Province.objects.get(code="320000")
    missing = 178 - Park.objects.count()
    Park.objects.bulk_create(
        Park(name=f"合成审核园区{i:03d}", province=province) for i in range(max(missing, 0))
    )
    # every park's plan submitted three times: one frozen snapshot of a demo plan with its
    # numbers (about 40 KB of JSON) reused, the rows bulk-made
    template = plan_get_or_create(park=Park.objects.order_by("pk").first(), cycle=cycle)
    seed_demo_plan(template, User.objects.get(username="suzhou_editor"))
    seed_demo_numbers(template, User.objects.get(username="suzhou_editor"))
    snapshot = version_freeze(plan=template, actor=manager)
    Version.objects.filter(pk=snapshot.pk).delete()

    def submit(parks):
        submitted_three_times(parks, snapshot=snapshot, manager=manager)

    rows = {}
    client = Client()
    client.force_login(national)
    parks = list(Park.objects.order_by("pk"))
    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    dashboard = reverse("summaries:dashboard") + "?states=submitted"
    submit(parks[:10])
    rows["review queue, 10 parks x 3 versions"] = measure(client, reverse("review:queue"))
    rows["dashboard, 10 parks"] = measure(admin, dashboard)
    submit(parks[10:])
    rows[f"review queue, {len(parks)} parks x 3 versions"] = measure(
        client, reverse("review:queue")
    )
    rows[f"dashboard, {len(parks)} parks"] = measure(admin, dashboard)
    rows[f"review queue, {len(parks)} parks, page 4"] = measure(
        client, reverse("review:queue") + "?page=4"
    )

    # the review page of a full plan (as plan_pages() writes it), with its numbers
    park = Park.objects.get(seed_key="苏州工业园区")
    plan = plan_get_or_create(park=park, cycle=cycle)
    Version.objects.filter(plan=plan).delete()
    Plan.objects.filter(pk=plan.pk).update(status=State.DRAFT)
    plan.refresh_from_db()
    editor = User.objects.get(username="suzhou_editor")
    seed_demo_plan(plan, editor, section_length=2000, copies=5)
    seed_demo_numbers(plan, editor)
    transition_apply(plan=plan, action="submit", actor=manager, declared=True)
    transition_apply(plan=plan, action="start", actor=reviewer)
    version = Version.objects.get(plan=plan, number=1)
    client = Client()
    client.force_login(reviewer)
    url = reverse("review:version", args=[plan.pk, 1])
    rows["review page, full plan, no comments"] = measure(client, url)
    anchors = [f"row:tasks:{row.id}" for row in version.frozen.rows("tasks")][:20]
    anchors += [f"section:{key}" for key in list(version.frozen.sections)[:20]]
    for anchor in anchors:
        comment_post(version=version, actor=reviewer, body="请补充说明。", anchor=anchor)
    rows[f"review page, full plan, {len(anchors)} comments"] = measure(client, url)
    rows["review panel"] = measure(client, reverse("review:panel", args=[plan.pk]))
    # the peer comparison the review page loads as a fragment (178 parks' plans in review)
    rows["peers fragment of the review page"] = measure(
        client, reverse("summaries:peers", args=[plan.pk, 1])
    )
    return rows


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from parks.models import Park, User
        from portal.demo.park import DEMO_PARK_A, seed_demo

        seed_demo()
        park = Park.objects.get(seed_key=DEMO_PARK_A)
        results = {"database": connection.vendor, "runs": RUNS, "pages": {}}
        pages = [
            (
                "park editor: park dashboard",
                "suzhou_editor",
                reverse("park-detail", args=[park.pk]),
            ),
            (
                "park editor: information form",
                "suzhou_editor",
                reverse("parks:profile-edit", args=[park.pk]),
            ),
            (
                "park manager: change history",
                "suzhou_manager",
                reverse("parks:park-audit", args=[park.pk]),
            ),
            ("national reviewer: park list (174 parks)", "national", reverse("parks:park-list")),
            ("admin: user list", "admin", reverse("parks:user-list")),
            ("admin: home", "admin", reverse("home")),
        ]
        for label, username, url in pages:
            client = Client()
            client.force_login(User.objects.get(username=username))
            results["pages"][label] = measure(client, url)
        results["pages"].update(plan_pages())
        pages, workbook = indicator_pages()
        results["pages"].update(pages)
        results["workbook"] = workbook
        results["pages"].update(review_pages())
        add_synthetic_parks(2000)
        client = Client()
        client.force_login(User.objects.get(username="national"))
        results["pages"]["national reviewer: park list (2,174 parks)"] = measure(
            client, reverse("parks:park-list")
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"database: {results['database']}, {RUNS} runs per page")
    print(f"{'page':<48} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
    for label, row in results["pages"].items():
        print(f"{label:<48} {row['queries']:>7} {row['median_ms']:>10} {row['p90_ms']:>8}")
    print(f"Excel data workbook ({results['workbook']['size_kib']} KiB):")
    for label in ("build", "check a full upload"):
        row = results["workbook"][label]
        print(f"  {label:<46} {row['median_ms']:>8} ms {row['peak_mib']:>8} MiB peak")


if __name__ == "__main__":
    main()
