"""The review queue and the national dashboard, in-process: queries, median time, cProfile.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --profile queue      (and cProfile's top functions)
    .venv/bin/python bench/pages.py --keepdb             (reuse the seeded database)

On a throw-away test database (test_greenplan_bench_pages) seeded as bench/load.py seeds it for
these pages: the demo data, a full plan frozen once, and 178 parks whose plans are in review with
3 versions each (bench/seeding.py). A national reviewer (jiangsu) reads the queue, the admin the
national dashboard (?states=submitted), through Django's test client (the whole middleware).
`--code DIR` runs the pages of another checkout (e.g. /work/main) on the same database, so a
change can be measured alternately with the code before it. Numbers, not assertions.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*", default=["queue", "dashboard"])
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--parks", type=int, default=178)
    parser.add_argument("--keepdb", action="store_true", help="keep (and reuse) the database")
    parser.add_argument("--code", help="the checkout whose code is measured (default this one)")
    args = parser.parse_args()
    code = Path(args.code).resolve() if args.code else ROOT
    sys.path.insert(0, str(code))
    sys.path.insert(1, str(ROOT))  # bench.load for the seeding, when --code is another checkout
    os.chdir(code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
    # the demo walks its plan and reports through the workflow: no PDFs of record here
    os.environ.setdefault("PDF_RENDER_ON_TRANSITION", "false")
    import django

    from bench.timing import time_requests

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.inprocess import print_profile, request_queries, seed_review, test_database

    settings.ALLOWED_HOSTS = ["*"]
    with test_database("test_greenplan_bench_pages", keepdb=args.keepdb):
        from parks.models import User

        if not User.objects.filter(username="jiangsu").exists():
            seed_review(args.parks)
        pages = {
            "queue": ("jiangsu", reverse("review:queue")),
            "dashboard": ("admin", reverse("summaries:dashboard") + "?states=submitted"),
        }
        print(
            f"code: {code}; database: {connection.vendor}; cache: "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        for name in args.pages:
            username, path = pages[name]
            client = Client()
            client.force_login(User.objects.get(username=username))
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            queries = len(request_queries(client, path))
            wall, cpu = time_requests(client, path, args.runs)
            print(
                f"{name}: {queries} queries, median {wall:.1f} ms "
                f"(CPU {cpu:.1f} ms), {len(response.content) // 1024} KB, "
                f"{args.runs} requests"
            )
            if args.profile:
                print_profile(client, path, args.runs, [("cumulative", 50), ("tottime", 25)])


if __name__ == "__main__":
    main()
