"""The review page, the verification page and the preview, in-process: queries, time, profile.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/peak_pages.py

On a throw-away test database (test_greenplan_bench_pagecache) with the demo data, a full plan in
draft (as bench/load.py seeds it) and parks in review with three versions of its frozen snapshot:
the review page of a full frozen version (a provincial reviewer), the verification page of a
version (no login) and the preview of the full draft (its editor), each through Django's test
client (the whole middleware stack). The first request of each warms the shared cache; the
figures are of the warm page, as under load. Numbers, not assertions.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

RUNS = 50
TEST_DB_NAME = "test_greenplan_bench_pagecache"


def setup():
    import django

    django.setup()
    from django.conf import settings

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = TEST_DB_NAME


def pages() -> dict:
    """label -> (client, path)"""
    from django.test import Client
    from django.urls import reverse

    from bench.load import full_plan, seed_review_parks, verification_version
    from parks.models import User
    from portal.demo.park import seed_demo

    seed_demo()
    editor, plan, snapshot = full_plan()
    manager = User.objects.get(username="suzhou_manager")
    review_plans = seed_review_parks(3, snapshot, manager)
    verify_path = verification_version(review_plans[1], manager)
    reviewer, author = Client(), Client()
    reviewer.force_login(User.objects.get(username="jiangsu"))
    author.force_login(editor)
    return {
        "review page": (reviewer, reverse("review:version", args=[review_plans[0].pk, 1])),
        "verification page": (Client(), verify_path),
        "preview": (author, reverse("documents:preview", args=[plan.pk])),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--only", default="", help="comma-separated labels")
    args = parser.parse_args()
    setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.timing import time_requests

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.core.cache import cache

        cache.clear()
        for label, (client, path) in pages().items():
            if args.only and label not in args.only.split(","):
                continue
            response = client.get(path)  # warm
            assert response.status_code == 200, (label, response.status_code)
            captured = []

            def record(execute, sql, params, many, context, captured=captured):
                start = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    ms = (time.perf_counter() - start) * 1000
                    captured.append({"sql": f"{ms:6.2f} ms  {sql}"})

            with connection.execute_wrapper(record):
                client.get(path)
            wall, cpu = time_requests(client, path, args.runs)
            print(
                f"{label}: {len(captured)} queries, median {wall:.2f} ms "
                f"(CPU {cpu:.2f} ms) over {args.runs}; "
                f"{connection.vendor}; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            if args.profile:
                for q in captured:
                    print("   ", q["sql"][:160])
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(args.runs):
                    client.get(path)
                profile.disable()
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(
                    os.environ.get("SORT", "cumulative")
                ).print_stats(60)
                print(out.getvalue())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
