"""Excel export benchmark: how long the national workbook takes and how much memory, and how
that grows with the number of parks.

    .venv/bin/python bench/exports.py                       (SQLite)
    DATABASE_URL=postgres://... .venv/bin/python bench/exports.py
    .venv/bin/python bench/exports.py --parks 1000          (a quicker second part)

On a throw-away test database with the demo data (portal.demo.park.seed_demo):

- one full plan is written and frozen as a version (review.services.version_freeze): the demo
  plan with 30 key projects, 45 key tasks, 25 indicators, every data table and the park
  information; its snapshot is then given, as an approved version (with its approval on the
  timeline), to each of the 174 demo parks (each snapshot carries its own park's name and
  province), then to synthetic parks spread over the provinces until there are 3,000;
- each size is exported as the worker does it (summaries.exports.export_run: every sheet, the
  national admin's scope, approved plans): wall time (median of the runs), the SQL queries, the
  file's size and rows, and the memory twice: the peak of Python allocations during the export
  (tracemalloc, in this process; tracemalloc slows the run, so it is timed apart) and the peak
  RSS of a fresh child process that runs one export (`--run-one <job id>`): VmHWM (see
  bench/pdf.py peak_mib: ru_maxrss of a child carries its parent's peak over exec) and, for the
  record, ru_maxrss.

Writes bench/out/exports.json and prints a table. Numbers, not assertions: read them in review.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

RUNS = 3
LARGE = 3000
FULL_PLAN = {"copies": 5, "indicators": 25}  # 30 projects, 45 tasks, 25 indicators
# A test database of its own, so a test run on the same server keeps its test_greenplan.
TEST_DB_NAME = "test_greenplan_bench_exports"
MIB = 2**20


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- seeding ------------------------------------------------------------------------------------


def full_snapshot() -> dict:
    """The frozen snapshot of a full plan, on a park of its own (then removed again)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parks.models import Park, Province, User
    from parks.services import park_profile_get_or_create, park_profile_save
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from portal.demo.numbers import seed_demo_numbers, seed_more_indicators
    from portal.demo.park import DEMO_PROFILE, demo_seal_png
    from portal.demo.plan import seed_demo_plan
    from review.services import version_freeze

    editor = User.objects.get(username="suzhou_editor")
    manager = User.objects.get(username="suzhou_manager")
    park = Park.objects.create(
        name="基准测试园区（全量方案）", province=Province.objects.get(code="320000")
    )
    profile = park_profile_get_or_create(park=park)
    park_profile_save(
        park=park,
        actor=manager,
        data={**DEMO_PROFILE, "city": "苏州市"},
        expected_revision=profile.revision,
        seal=SimpleUploadedFile("seal.png", demo_seal_png(), content_type="image/png"),
    )
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    seed_demo_plan(plan, editor, copies=FULL_PLAN["copies"])
    seed_demo_numbers(plan, editor)
    seed_more_indicators(plan, editor, FULL_PLAN["indicators"])
    version = version_freeze(plan=plan, actor=manager)
    return version.snapshot


def approve_parks(parks, snapshot: dict) -> None:
    """Each park's plan approved with version 1 (the snapshot, with the park's own name and
    province) and its approval on the timeline; rows made in bulk."""
    from dataclasses import replace

    from documents.freeze import content_hash
    from documents.schema import Frozen
    from parks.models import User
    from plans.models import Plan
    from plans.selectors import cycle_current
    from plans.status import State
    from review.models import StatusChange, Version

    cycle = cycle_current()
    national = User.objects.get(username="national")
    manager = User.objects.get(username="suzhou_manager")
    existing = {p.park_id: p for p in Plan.objects.filter(cycle=cycle, park__in=parks)}
    Plan.objects.bulk_create(
        Plan(park=park, cycle=cycle) for park in parks if park.pk not in existing
    )
    plans = list(Plan.objects.filter(cycle=cycle, park__in=parks).select_related("park__province"))
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(
        status=State.APPROVED, assigned_to=national
    )
    Version.objects.filter(plan__in=plans).delete()
    versions = []
    source = Frozen(snapshot)
    for plan in plans:
        park = plan.park
        frozen = source.replaced(
            park=replace(
                source.park,
                id=park.pk,
                name=park.name,
                province=park.province.name,
                province_code=park.province.code,
            ),
            plan=replace(source.plan, id=plan.pk),
        )
        versions.append(
            Version(
                plan=plan,
                number=1,
                outline_version=plan.outline_version,
                snapshot=frozen,
                content_hash=content_hash(frozen),
                submitted_by=manager,
            )
        )
    versions = Version.objects.bulk_create(versions, batch_size=200)
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                plan_id=v.plan_id,
                version=v,
                action="approve",
                source=State.NATIONAL_REVIEW,
                target=State.APPROVED,
                actor=national,
                actor_name=national.display_name,
            )
            for v in versions
        ),
        batch_size=500,
    )


def add_synthetic_parks(n: int) -> list:
    from parks.models import Park, Province

    provinces = list(Province.objects.order_by("code"))
    return Park.objects.bulk_create(
        (
            Park(name=f"合成园区{i:05d}", province=provinces[i % len(provinces)], district="合成区")
            for i in range(n)
        ),
        batch_size=500,
    )


# --- measuring ----------------------------------------------------------------------------------


def new_job():
    from parks.models import User
    from plans.selectors import cycle_current
    from summaries.models import ExportJob

    return ExportJob.objects.create(
        requested_by=User.objects.get(username="admin"),
        cycle=cycle_current().code,
        states=["approved"],
    )


def run_export(job_id: int):
    from summaries.exports import export_run

    job = export_run(job_id)
    assert job.state == "done", (job.state, job.error)
    return job


def sheet_rows(job) -> dict[str, int]:
    from openpyxl import load_workbook

    with job.file.open("rb") as handle:
        workbook = load_workbook(handle, read_only=True)
        rows = {ws.title: sum(1 for _ in ws.iter_rows(values_only=True)) for ws in workbook}
        workbook.close()
    return rows


def child(job_id: int, database_url: str) -> dict:
    """One export in a fresh process: its peak RSS, apart from this process's memory."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
    }
    result = subprocess.run(
        [sys.executable, __file__, "--run-one", str(job_id)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_one(job_id: int) -> None:
    """The child: set Django up, run one export, print JSON with its memory."""
    import django

    django.setup()
    from django.conf import settings

    from summaries import export_workbook  # noqa: F401  (loaded as a worker would have it)

    before, maxrss_before = _status_mib("VmRSS"), maxrss_mib()
    start = time.perf_counter()
    job = run_export(job_id)
    seconds = time.perf_counter() - start
    job.file.delete(save=False)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "rss_before_mib": round(before, 1),
                "peak_mib": round(_status_mib("VmHWM"), 1),
                "ru_maxrss_before_mib": round(maxrss_before, 1),
                "ru_maxrss_mib": round(maxrss_mib(), 1),
            }
        )
    )


def measure(label: str, parks: int, database_url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, job = [], None
    queries = 0
    for i in range(runs):
        job = new_job()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            job = run_export(job.pk)
            times.append(time.perf_counter() - start)
        queries = len(captured)
        if i < runs - 1:
            job.file.delete(save=False)
    rows = sheet_rows(job)
    size = job.size
    job.file.delete(save=False)
    traced = new_job()
    tracemalloc.start()
    run_export(traced.pk)
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    traced.refresh_from_db()
    traced.file.delete(save=False)
    fresh = child(new_job().pk, database_url)
    result = {
        "label": label,
        "parks": parks,
        "runs_s": [round(t, 2) for t in times],
        "median_s": round(statistics.median(times), 2),
        "queries": queries,
        "tracemalloc_peak_mib": round(python_peak / MIB, 1),
        "child": fresh,
        "size_kib": round(size / 1024, 1),
        "rows": rows,
    }
    print(
        f"{label:<40} {result['median_s']:>8} s {result['tracemalloc_peak_mib']:>8} "
        f"{fresh['peak_mib']:>9} {fresh['rss_before_mib']:>9} {result['size_kib']:>10} "
        f"{sum(rows.values()):>9} {queries:>7}",
        flush=True,
    )
    return result


def database_url_of(connection) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def main(large: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    work = Path(tempfile.mkdtemp(prefix="greenplan-bench-exports-"))
    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DB_NAME
    else:  # a file, so the child process opens the same database
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(work / "bench.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    from django.conf import settings

    media_root = str(settings.MEDIA_ROOT)
    results = {"database": connection.vendor, "runs": RUNS, "full_plan": FULL_PLAN, "sizes": []}
    try:
        from parks.models import Park
        from portal.demo.park import seed_demo

        start = time.perf_counter()
        seed_demo()
        snapshot = full_snapshot()
        Park.objects.filter(name="基准测试园区（全量方案）").update(is_active=False)
        demo_parks = list(Park.objects.filter(is_active=True).select_related("province"))
        approve_parks(demo_parks, snapshot)
        results["snapshot_kib"] = round(len(json.dumps(snapshot, ensure_ascii=False)) / 1024, 1)
        results["seeding_s"] = round(time.perf_counter() - start, 1)
        url = database_url_of(connection)
        print(f"database: {connection.vendor}; snapshot of {results['snapshot_kib']} KiB a park")
        print(
            f"{'export':<40} {'time':>10} {'py peak':>8} {'child peak':>9} {'child base':>9} "
            f"{'size KiB':>10} {'rows':>9} {'queries':>7}"
        )
        print(f"{'':<40} {'':>10} {'MiB':>8} {'MiB':>9} {'MiB':>9}")
        results["sizes"].append(
            measure(f"{len(demo_parks)} demo parks", len(demo_parks), url, RUNS)
        )
        start = time.perf_counter()
        synthetic = add_synthetic_parks(large - len(demo_parks))
        synthetic = list(
            Park.objects.filter(pk__in=[p.pk for p in synthetic]).select_related("province")
        )
        approve_parks(synthetic, snapshot)
        results["seeding_large_s"] = round(time.perf_counter() - start, 1)
        label = f"{large:,} parks ({len(demo_parks)} demo + {len(synthetic):,} synthetic)"
        results["sizes"].append(measure(label, large, url, 1))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
    small, big = results["sizes"]
    results["growth"] = {
        "parks": round(big["parks"] / small["parks"], 1),
        "time": round(big["median_s"] / small["median_s"], 1),
        "tracemalloc_peak": round(big["tracemalloc_peak_mib"] / small["tracemalloc_peak_mib"], 1),
        "child_peak": round(big["child"]["peak_mib"] / small["child"]["peak_mib"], 2),
    }
    g = results["growth"]
    print(
        f"x{g['parks']} parks: x{g['time']} time, x{g['tracemalloc_peak']} Python peak, "
        f"x{g['child_peak']} process peak RSS (seeding, not counted: "
        f"{results['seeding_s']} s + {results['seeding_large_s']} s)"
    )
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "exports.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run-one", type=int, metavar="JOB", help=argparse.SUPPRESS)
    parser.add_argument("--parks", type=int, default=LARGE, help="parks in the second export")
    args = parser.parse_args()
    if args.run_one:
        run_one(args.run_one)
    else:
        main(args.parks)
