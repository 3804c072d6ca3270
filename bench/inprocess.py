"""What the in-process page benchmarks (bench/pages.py, bench/peak_pages.py) share besides their
timing (bench/timing.py): a throw-away test database of the benchmark's own, the parks in review
seeded as bench/load.py seeds them, one request's queries and cProfile's top functions.

Imported after django.setup(). bench/pages.py may measure another checkout's code (`--code`):
this module comes from the benchmark's own checkout (`bench` is a namespace package, and a
checkout without this module leaves it to this one)."""

import cProfile
import io
import pstats
import time
from contextlib import contextmanager
from dataclasses import dataclass


@contextmanager
def test_database(name: str, *, keepdb: bool = False):
    """A test database named `name` (so that a test run on the same server keeps its own) made
    for the block, with Django's test environment, and dropped after it unless `keepdb`."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keepdb)
    try:
        yield
    finally:
        if not keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


@dataclass
class Seeded:
    editor: object  # the full plan's editor
    plan: object  # the full plan, in draft
    manager: object  # suzhou_manager, who submitted the plans in review
    review_plans: list  # the plans in review, 3 versions each of the full plan's snapshot


def seed_review(parks: int) -> Seeded:
    """The demo data, a full plan in draft (its snapshot frozen once) and `parks` more parks
    whose plans are in review with 3 versions of that snapshot (bench.load)."""
    from bench.load import full_plan, seed_review_parks
    from parks.models import User
    from portal.demo.park import seed_demo

    seed_demo()
    editor, plan, snapshot = full_plan()
    manager = User.objects.get(username="suzhou_manager")
    return Seeded(editor, plan, manager, seed_review_parks(parks, snapshot, manager))


def request_queries(client, path: str) -> list[str]:
    """The statements one GET of `path` sends, each with its time ("  1.23 ms  SELECT …")."""
    from django.db import connection

    captured = []

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append(f"{(time.perf_counter() - start) * 1000:6.2f} ms  {sql}")

    with connection.execute_wrapper(record):
        client.get(path)
    return captured


def print_profile(client, path: str, runs: int, sorts: list[tuple[str, int]]) -> None:
    """cProfile of `runs` GETs of `path`: for each (sort key, n) its top n functions."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        client.get(path)
    profile.disable()
    for key, n in sorts:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(n)
        print(out.getvalue())
