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
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
# the demo walks its plan and reports through the workflow: no PDFs of record here
os.environ.setdefault("PDF_RENDER_ON_TRANSITION", "false")

RUNS = 50
TEST_DB_NAME = "test_greenplan_bench_pagecache"


def pages() -> dict:
    """label -> (client, path)"""
    from django.test import Client
    from django.urls import reverse

    from bench.inprocess import seed_review
    from bench.load import verification_version
    from parks.models import User

    seeded = seed_review(3)
    verify_path = verification_version(seeded.review_plans[1], seeded.manager)
    reviewer, author = Client(), Client()
    reviewer.force_login(User.objects.get(username="jiangsu"))
    author.force_login(seeded.editor)
    return {
        "review page": (reviewer, reverse("review:version", args=[seeded.review_plans[0].pk, 1])),
        "verification page": (Client(), verify_path),
        "preview": (author, reverse("documents:preview", args=[seeded.plan.pk])),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--only", default="", help="comma-separated labels")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from bench.inprocess import print_profile, request_queries, test_database
    from bench.timing import time_requests

    with test_database(TEST_DB_NAME):
        cache.clear()
        for label, (client, path) in pages().items():
            if args.only and label not in args.only.split(","):
                continue
            response = client.get(path)  # warm
            assert response.status_code == 200, (label, response.status_code)
            captured = request_queries(client, path)
            wall, cpu = time_requests(client, path, args.runs)
            print(
                f"{label}: {len(captured)} queries, median {wall:.2f} ms "
                f"(CPU {cpu:.2f} ms) over {args.runs}; "
                f"{connection.vendor}; load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            if args.profile:
                for q in captured:
                    print("   ", q[:160])
                sort = os.environ.get("SORT", "cumulative")
                print_profile(client, path, args.runs, [(sort, 60)])


if __name__ == "__main__":
    main()
