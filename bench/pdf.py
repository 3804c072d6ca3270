"""PDF benchmark: how long and how much memory the PDF of a submitted version takes.

    .venv/bin/python bench/pdf.py                       (SQLite)
    DATABASE_URL=postgres://... .venv/bin/python bench/pdf.py
    .venv/bin/python bench/pdf.py --parks 10            (a quicker run: 10 parks in part 3)

On a throw-away test database with the demo data (portal.demo.park.seed_demo) it measures:

1. The full plan, WeasyPrint (core.pdf.render_pdf, what the Celery worker runs): a plan with
   every section at ~2,000 characters, 25 indicators, all data tables, 40 key tasks, 30
   projects, 10 figures and the park information with its seal, frozen as a version
   (review.services.version_freeze); the HTML is built as production builds it
   (review.pdfs.document_pdf_html). Median wall time of 3 renders in this process, pages and
   size; the memory is measured apart, in fresh child processes (`bench/pdf.py --render-one
   <html>`): the child's RSS before rendering and its peak RSS (ru_maxrss) after, so this
   process's own memory does not count.
2. The same HTML printed by headless Chromium (`--print-to-pdf`), 3 runs: the `private:` image
   URLs rewritten to file:// paths of the private storage and print.css inlined. Median wall
   time, pages, peak memory of the whole process tree (the peak of the summed RSS and PSS of
   every process, polled from /proc every 50 ms; and the largest single process by
   /usr/bin/time -v), and what the printed text is missing next to WeasyPrint's: page-number
   footers, running headers, table-of-contents page numbers, landscape pages, images.
3. Every demo park's plan (174 parks; sections of ~600 characters, 9 tasks, 6 projects, 2
   figures, data tables, 6 indicators, park information with seal), each frozen as a version,
   then rendered through two workers: with REDIS_URL and PostgreSQL, one real Celery worker
   with two processes (`make worker`) on its own queue runs review.render_pdf for each (reads
   the version, builds the page, renders, stores the file), timed from the first request to the
   last PDF stored, with the worker tree's peak memory; without them, a multiprocessing Pool(2)
   calls render_pdf on pages built beforehand. Total wall time, PDFs per minute, mean time and
   pages per PDF. The seeding is timed apart and does not count.

The PDF uses the print fonts when they are built (`make fonts`, core.fonts); the results say
which fonts were used ("print_fonts"). Without them the full Noto CJK fonts are read: slower and
about 150 MB more at the peak.

The issue's target for the full plan on this 2-core machine: under 5 s and under 400 MB.
Writes bench/out/pdf.json and prints a table. Numbers, not assertions: read them in review.
"""

import argparse
import html as html_lib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.live import CHROMIUM, CHROMIUM_ARGS, shared_database_url  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

RUNS = 3
PRINT_ARGS = ("--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer")
GNU_TIME = "/usr/bin/time"
FULL_PLAN = {"section_length": 2000, "indicators": 25, "tasks": 40, "projects": 30, "figures": 10}
# A test database of its own, so a test run on the same server keeps its test_greenplan.
TEST_DB_NAME = "test_greenplan_bench_pdf"
MIB = 2**20
CELERY_QUEUE = "bench-pdf"


# --- Django, in this process and in the children ------------------------------------------------


def django_setup(media_root: str | None = None) -> None:
    """Set Django up; in a child, read the private files from the parent's storage
    (portal.test_settings gives every process a fresh, empty MEDIA_ROOT)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    if media_root is None or settings.S3_BUCKET:  # an object store: the run's folder is shared
        return

    own = settings.MEDIA_ROOT
    storages = {
        alias: {**config, "OPTIONS": {**config.get("OPTIONS", {}), "location": media_root}}
        if alias in ("default", "private")
        else config
        for alias, config in settings.STORAGES.items()
    }
    override_settings(MEDIA_ROOT=media_root, STORAGES=storages).enable()
    if own != media_root:
        shutil.rmtree(own, ignore_errors=True)


def _status_mib(field: str) -> float:
    """A field of /proc/self/status (VmRSS: resident now; VmHWM: its peak) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    """This process's peak RSS. VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over
    execve from the process that forked (subprocess and multiprocessing's spawn start children
    with vfork/fork + exec), so a child of a big parent starts with the parent's peak."""
    return _status_mib("VmHWM")


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def render_one(html_path: str, media_root: str) -> None:
    """The child of part 1: render one HTML file, print JSON with its memory."""
    django_setup(media_root)
    html = Path(html_path).read_text(encoding="utf-8")
    before, maxrss_before = _status_mib("VmRSS"), maxrss_mib()
    from core.pdf import render_pdf

    start = time.perf_counter()
    content, pages = render_pdf(html)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "rss_before_mib": round(before, 1),
                "peak_mib": round(peak_mib(), 1),
                "ru_maxrss_before_mib": round(maxrss_before, 1),
                "ru_maxrss_mib": round(maxrss_mib(), 1),
                "seconds": round(seconds, 2),
                "pages": pages,
                "size": len(content),
            }
        )
    )


def pool_init(media_root: str) -> None:
    django_setup(media_root)
    import weasyprint  # noqa: F401  (as a long-running worker would have it loaded)


def pool_render(html_path: str) -> dict:
    from core.pdf import render_pdf

    start = time.perf_counter()
    content, pages = render_pdf(Path(html_path).read_text(encoding="utf-8"))
    return {
        "seconds": time.perf_counter() - start,
        "pages": pages,
        "size": len(content),
        "pid": os.getpid(),
        "peak_mib": peak_mib(),
    }


# --- seeding ----------------------------------------------------------------------------------


def seed_profile(park, manager, seal: bytes) -> None:
    """Part 一 with the demo values and a seal, as portal.demo.park does for the demo park."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parks.services import park_profile_get_or_create, park_profile_save
    from portal.demo.park import DEMO_PROFILE

    profile = park_profile_get_or_create(park=park)
    if profile.revision:
        return
    park_profile_save(
        park=park,
        actor=manager,
        data={**DEMO_PROFILE, "city": park.district},
        expected_revision=profile.revision,
        seal=SimpleUploadedFile("seal.png", seal, content_type="image/png"),
    )


def frozen_pdf_html(plan, manager) -> tuple[str, str]:
    """(HTML, running title) of the submitted-version PDF of `plan`, built as the worker does."""
    from review.models import PdfDocument
    from review.pdfs import document_pdf_html
    from review.services import version_freeze

    version = version_freeze(plan=plan, actor=manager)
    pdf = PdfDocument(plan=plan, version=version, kind=PdfDocument.Kind.SUBMITTED)
    html = document_pdf_html(pdf)
    title = re.search(r'<div class="running-title"[^>]*>(.*?)</div>', html, re.S)
    return html, html_lib.unescape(title.group(1).strip()) if title else ""


def full_plan(editor, manager, seal: bytes) -> tuple[str, str, dict]:
    """The full plan on a park of its own (the 174 demo parks are left to part 3)."""
    from indicators.models import PlanIndicator
    from parks.models import Park, Province
    from plans.models import Figure, KeyProject, KeyTask
    from plans.rows import ROW_KINDS
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create, row_delete
    from portal.demo.numbers import seed_demo_numbers, seed_more_indicators
    from portal.demo.plan import seed_demo_plan

    park = Park.objects.create(
        name="基准测试园区（全量方案）",
        province=Province.objects.get(code="320000"),
        district="苏州市",
    )
    seed_profile(park, manager, seal)
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    seed_demo_plan(plan, editor, section_length=FULL_PLAN["section_length"], copies=5)
    tasks = KeyTask.objects.filter(plan=plan)  # copies=5 makes 45: drop the last ones
    for task in tasks.order_by("-pk")[: max(tasks.count() - FULL_PLAN["tasks"], 0)]:
        row_delete(kind=ROW_KINDS["tasks"], row=task, actor=editor, expected_revision=task.revision)
    seed_demo_numbers(plan, editor)
    seed_more_indicators(plan, editor, FULL_PLAN["indicators"])
    counts = {
        "indicators": PlanIndicator.objects.filter(plan=plan).count(),
        "tasks": KeyTask.objects.filter(plan=plan).count(),
        "projects": KeyProject.objects.filter(plan=plan).count(),
        "figures": Figure.objects.filter(plan=plan).count(),
        "section_characters": sum(len(s.body) for s in plan.sections.all()),
    }
    html, title = frozen_pdf_html(plan, manager)
    return html, title, counts


# --- WeasyPrint ---------------------------------------------------------------------------------


def weasyprint_full(html_path: Path, media_root: str, out: Path) -> dict:
    from core.pdf import render_pdf

    html = html_path.read_text(encoding="utf-8")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        content, pages = render_pdf(html)
        times.append(time.perf_counter() - start)
    out.write_bytes(content)
    children = []
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, __file__, "--render-one", str(html_path), "--media-root", media_root],
            capture_output=True,
            text=True,
            check=True,
        )
        children.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "median_s": round(statistics.median(times), 2),
        "runs_s": [round(t, 2) for t in times],
        "pages": pages,
        "size_kib": round(len(content) / 1024, 1),
        "child_rss_before_mib": max(c["rss_before_mib"] for c in children),
        "child_peak_mib": max(c["peak_mib"] for c in children),
        "child_render_s": [c["seconds"] for c in children],
        "child_ru_maxrss_mib": max(c["ru_maxrss_mib"] for c in children),
        "child_runs": children,
    }


# --- Chromium -----------------------------------------------------------------------------------


def chromium_html(html: str, media_root: str) -> tuple[str, int]:
    """The page as Chromium can print it: `private:` URLs as file:// paths, print.css inlined.
    Also the number of images whose file is missing."""
    from core.pdf import PRIVATE_SCHEME, print_stylesheet

    missing = 0

    def to_file(match):
        nonlocal missing
        path = Path(media_root) / unquote(html_lib.unescape(match.group(2)))
        missing += not path.exists()
        return match.group(1) + path.resolve().as_uri()

    html = re.sub(rf"""(["'(]){re.escape(PRIVATE_SCHEME)}([^"')\s]+)""", to_file, html)
    html = html.replace("</head>", f"<style>\n{print_stylesheet()}\n</style>\n</head>", 1)
    return html, missing


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """(ppid, pgrp) of a process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[2])


def _proc_memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB, 0 when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name] = int(rest.split()[0])
    return values.get("Rss", 0), values.get("Pss", 0)


def tree_memory(root: int) -> tuple[int, int, int]:
    """(summed RSS KiB, summed PSS KiB, processes) of `root`'s process group and descendants."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(entry)
            if stat:
                stats[int(entry)] = stat
    tree = {pid for pid, (_, pgrp) in stats.items() if pgrp == root} | {root}
    grew = True
    while grew:
        more = {pid for pid, (ppid, _) in stats.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    rss = pss = 0
    for pid in tree:
        r, p = _proc_memory_kib(pid)
        rss, pss = rss + r, pss + p
    return rss, pss, len(tree)


class TreePeak:
    """The peak of a process tree's summed RSS and PSS and of its process count, polled from
    /proc every 50 ms in a thread while the block runs."""

    def __init__(self, root: int):
        self.root = root
        self.rss_kib = self.pss_kib = self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self):
        while not self._stop.is_set():
            rss, pss, processes = tree_memory(self.root)
            self.rss_kib = max(self.rss_kib, rss)
            self.pss_kib = max(self.pss_kib, pss)
            self.processes = max(self.processes, processes)
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def chromium_print(html_path: Path, out: Path, work: Path) -> dict:
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=work))
    command = [
        CHROMIUM,
        *PRINT_ARGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={out}",
        html_path.as_uri(),
    ]
    if Path(GNU_TIME).exists():
        command = [GNU_TIME, "-v", *command]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    with TreePeak(process.pid) as peak:
        _, stderr = process.communicate()
        seconds = time.perf_counter() - start
    shutil.rmtree(profile, ignore_errors=True)
    if process.returncode or not out.exists():
        raise RuntimeError(f"Chromium failed ({process.returncode}): {stderr[-2000:]}")
    largest = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return {
        "seconds": seconds,
        "tree_peak_rss_mib": peak.rss_kib / 1024,
        "tree_peak_pss_mib": peak.pss_kib / 1024,
        "processes": peak.processes,
        "largest_process_mib": round(int(largest.group(1)) / 1024, 1) if largest else None,
    }


def chromium_full(html: str, media_root: str, work: Path, out: Path) -> dict:
    page, missing = chromium_html(html, media_root)
    html_path = work / "full-plan-chromium.html"
    html_path.write_text(page, encoding="utf-8")
    runs = [chromium_print(html_path, out, work) for _ in range(RUNS)]
    return {
        "median_s": round(statistics.median(r["seconds"] for r in runs), 2),
        "runs_s": [round(r["seconds"], 2) for r in runs],
        "pages": pdf_pages(out),
        "size_kib": round(out.stat().st_size / 1024, 1),
        "tree_peak_rss_mib": round(max(r["tree_peak_rss_mib"] for r in runs), 1),
        "tree_peak_pss_mib": round(max(r["tree_peak_pss_mib"] for r in runs), 1),
        "largest_process_mib": max((r["largest_process_mib"] or 0) for r in runs) or None,
        "processes": max(r["processes"] for r in runs),
        "missing_image_files": missing,
    }


# --- reading the PDFs ---------------------------------------------------------------------------


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def pdf_check(path: Path, running_title: str, toc_titles: list[str]) -> dict:
    """What a reader sees: page-number footers, running headers, TOC page numbers, landscape
    pages, images."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    footer = re.compile(r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")
    toc_numbered = 0
    for title in toc_titles:
        spaced = r"\s*".join(re.escape(char) for char in title)
        pattern = re.compile(spaced + r"[\s.·…]*\d+\s*$", re.M)
        toc_numbered += any(pattern.search(page) for page in pages[:6])
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(len(pages)), str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    landscape = 0
    for width, height in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info):
        landscape += float(width) > float(height)
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return {
        "pages": len(pages),
        "pages_with_page_number_footer": sum(bool(footer.search(p)) for p in pages),
        "pages_with_running_header": sum(running_title in p for p in pages[1:]),
        "toc_entries": len(toc_titles),
        "toc_entries_with_page_number": toc_numbered,
        "landscape_pages": landscape,
        "images": len(images),
    }


def toc_titles(html: str) -> list[str]:
    toc = re.search(r'class="[^"]*doc-toc[^"]*".*?</(?:nav|div|section)>', html, re.S)
    if not toc:
        return []
    titles = re.findall(r"<a [^>]*>(.*?)</a>", toc.group(0), re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>|\s+", "", t)) for t in titles if t.strip()]


# --- every demo park ----------------------------------------------------------------------------


def seed_parks(parks, editor, manager, seal: bytes) -> tuple[list, float]:
    """Every demo park's plan written (the demo park's own is seeded already) and frozen as a
    version; (versions, seconds)."""
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from portal.demo.numbers import seed_demo_numbers
    from portal.demo.plan import seed_demo_plan
    from review.services import version_freeze

    cycle = cycle_current()
    versions = []
    start = time.perf_counter()
    for park in parks:
        seed_profile(park, manager, seal)
        plan = plan_get_or_create(park=park, cycle=cycle)
        if not plan.sections.filter(revision__gt=0).exists():
            seed_demo_plan(plan, editor, section_length=600)
            seed_demo_numbers(plan, editor)
        versions.append(version_freeze(plan=plan, actor=manager))
    return versions, time.perf_counter() - start


def _wait_for_worker(app, name: str, process, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}")
        if app.control.ping(destination=[name], timeout=1.0):
            return
    raise RuntimeError("the Celery worker did not answer")


def _stop_worker(process) -> None:
    """A warm shutdown (running tasks finish), then the whole process group killed."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _delete_queue(redis_url: str, queue_name: str) -> None:
    """The run's queue off Redis: its messages and kombu's bindings for it."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(
        queue_name, f"_kombu.binding.{queue_name}", f"_kombu.binding_permanent.{queue_name}"
    )


def render_with_celery(versions, work: Path) -> dict:
    """Every version's PDF through the real task (review.render_pdf: read the version, build
    the page, render, store) on one Celery worker with two processes, as `make worker` runs it,
    on Redis and this database; from the first request to the last PDF stored."""
    from django.conf import settings

    from portal.celery import app
    from review.models import PdfDocument
    from review.pdfs import pdf_request

    # a queue and a worker of this run's own: no other worker on the same Redis (the portal's,
    # another bench run) takes its tasks, and what an interrupted run left is never replayed
    queue_name = f"{CELERY_QUEUE}-{os.getpid()}"
    name = f"{queue_name}@localhost"
    log = (work / "worker.log").open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork"),
            *("--concurrency=2", "-Q", queue_name, "-n", name, "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle"),
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": shared_database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue_name
    # each PDF gets the task's hard time limit, on two processes, and a minute to start
    deadline = time.monotonic() + 60 + len(versions) * settings.CELERY_TASK_TIME_LIMIT / 2
    try:
        _wait_for_worker(app, name, process)
        with TreePeak(process.pid) as peak:
            start = time.perf_counter()
            pdfs = [
                pdf_request(plan=v.plan, kind=PdfDocument.Kind.SUBMITTED, version=v).pk
                for v in versions
            ]
            pending = PdfDocument.objects.filter(pk__in=pdfs).exclude(
                state__in=(PdfDocument.State.DONE, PdfDocument.State.FAILED)
            )
            while pending.exists():
                if process.poll() is not None:
                    raise RuntimeError(f"the Celery worker exited with {process.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{pending.count()} PDFs still pending at the deadline")
                time.sleep(0.2)
            total = time.perf_counter() - start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        _stop_worker(process)
        log.close()
        _delete_queue(settings.REDIS_URL, queue_name)
    done = list(PdfDocument.objects.filter(pk__in=pdfs, state=PdfDocument.State.DONE))
    if not done:
        raise RuntimeError(f"no PDF was rendered; see {work / 'worker.log'}")
    return {
        "workers": "one Celery worker, prefork, concurrency 2 (make worker), review.render_pdf",
        "failed": len(pdfs) - len(done),
        **throughput(
            total,
            plans=len(pdfs),
            seconds=[(p.finished_at - p.started_at).total_seconds() for p in done],
            pages=[p.pages for p in done],
            sizes=[p.size for p in done],
        ),
        "worker_tree_peak_rss_mib": round(peak.rss_kib / 1024, 1),
        "worker_tree_peak_pss_mib": round(peak.pss_kib / 1024, 1),
    }


def throughput(total: float, *, plans: int, seconds: list, pages: list, sizes: list) -> dict:
    """Part 3's figures: `plans` PDFs in `total` seconds of wall time; each rendered PDF's
    seconds in a worker, pages and bytes."""
    return {
        "plans": plans,
        "total_s": round(total, 1),
        "pdfs_per_minute": round(plans / total * 60, 1),
        "wall_per_pdf_s": round(total / plans, 2),
        "mean_render_s": round(statistics.mean(seconds), 2),
        "max_render_s": round(max(seconds), 2),
        "mean_pages": round(statistics.mean(pages), 1),
        "mean_size_kib": round(statistics.mean(sizes) / 1024, 1),
    }


def render_with_pool(versions, work: Path) -> dict:
    """Without Redis or PostgreSQL (no worker can share the database): the versions' pages
    built here, each rendered by render_pdf in a multiprocessing Pool(2)."""
    from django.conf import settings

    from review.models import PdfDocument
    from review.pdfs import document_pdf_html

    folder = work / "parks"
    folder.mkdir()
    files = []
    for version in versions:
        pdf = PdfDocument(plan=version.plan, version=version, kind=PdfDocument.Kind.SUBMITTED)
        path = folder / f"{version.pk:05d}.html"
        path.write_text(document_pdf_html(pdf), encoding="utf-8")
        files.append(str(path))
    context = multiprocessing.get_context("spawn")
    start = time.perf_counter()
    with context.Pool(2, initializer=pool_init, initargs=(settings.MEDIA_ROOT,)) as pool:
        results = pool.map(pool_render, files, chunksize=1)
    total = time.perf_counter() - start
    peaks = {}
    for r in results:
        peaks[r["pid"]] = max(peaks.get(r["pid"], 0), r["peak_mib"])
    return {
        "workers": "multiprocessing Pool(2), spawn, render_pdf in each (no Celery: no Redis)",
        "failed": 0,
        **throughput(
            total,
            plans=len(files),
            seconds=[r["seconds"] for r in results],
            pages=[r["pages"] for r in results],
            sizes=[r["size"] for r in results],
        ),
        "worker_peak_mib": [round(p, 1) for p in peaks.values()],
    }


def all_parks(parks, editor, manager, seal: bytes, work: Path) -> dict:
    from django.conf import settings
    from django.db import connection

    versions, seeding = seed_parks(parks, editor, manager, seal)
    if settings.REDIS_URL and connection.vendor == "postgresql":
        result = render_with_celery(versions, work)
    else:
        result = render_with_pool(versions, work)
    return {**result, "seeding_s": round(seeding, 1)}


# --- main ---------------------------------------------------------------------------------------


def main(limit: int | None) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DB_NAME
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    work = Path(tempfile.mkdtemp(prefix="greenplan-bench-pdf-"))
    media_root = str(settings.MEDIA_ROOT)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    try:
        from parks.models import Park, User
        from portal.demo.park import demo_seal_png, seed_demo

        seed_demo()
        parks = list(Park.objects.order_by("pk"))[:limit]
        editor = User.objects.get(username="suzhou_editor")
        manager = User.objects.get(username="suzhou_manager")
        seal = demo_seal_png()
        from core.fonts import built_fonts

        results = {
            "database": connection.vendor,
            "runs": RUNS,
            "print_fonts": [font.filename for font in built_fonts()],
        }

        html, title, counts = full_plan(editor, manager, seal)
        html_path = work / "full-plan.html"
        html_path.write_text(html, encoding="utf-8")
        results["full_plan"] = {**counts, "html_kib": round(len(html.encode()) / 1024, 1)}
        weasy_pdf, chrome_pdf = out / "pdf-full-weasyprint.pdf", out / "pdf-full-chromium.pdf"
        results["weasyprint"] = weasyprint_full(html_path, media_root, weasy_pdf)
        results["chromium"] = chromium_full(html, media_root, work, chrome_pdf)
        results["chromium"]["version"] = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True
        ).stdout.strip()
        titles = toc_titles(html)
        results["weasyprint"]["check"] = pdf_check(weasy_pdf, title, titles)
        results["chromium"]["check"] = pdf_check(chrome_pdf, title, titles)
        results["ratio_weasyprint_to_chromium"] = round(
            results["weasyprint"]["median_s"] / results["chromium"]["median_s"], 2
        )
        results["all_parks"] = all_parks(parks, editor, manager, seal, work)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
    (out / "pdf.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return results


def report(r: dict) -> None:
    w, c, p, f = r["weasyprint"], r["chromium"], r["all_parks"], r["full_plan"]
    print(f"database: {r['database']}, {r['runs']} runs each")
    print(f"print fonts: {', '.join(r['print_fonts']) or 'not built (make fonts): full Noto CJK'}")
    print(
        f"full plan: {f['indicators']} indicators, {f['tasks']} tasks, {f['projects']} projects, "
        f"{f['figures']} figures, {f['section_characters']:,} characters of section HTML, "
        f"page of {f['html_kib']} KiB"
    )
    print(f"{'full plan':<34} {'WeasyPrint':>14} {'Chromium':>14}")
    rows = [
        ("median wall time (s)", w["median_s"], c["median_s"]),
        ("runs (s)", " ".join(map(str, w["runs_s"])), " ".join(map(str, c["runs_s"]))),
        ("  in a fresh process (s)", " ".join(map(str, w["child_render_s"])), "-"),
        ("peak memory (MiB)", w["child_peak_mib"], c["tree_peak_rss_mib"]),
        ("  child RSS before render (MiB)", w["child_rss_before_mib"], "-"),
        ("  child ru_maxrss, see peak_mib()", w["child_ru_maxrss_mib"], "-"),
        ("  process tree, summed PSS (MiB)", "-", c["tree_peak_pss_mib"]),
        ("  largest single process (MiB)", w["child_peak_mib"], c["largest_process_mib"]),
        ("pages", w["pages"], c["pages"]),
        ("size (KiB)", w["size_kib"], c["size_kib"]),
    ]
    for key in (
        "pages_with_page_number_footer",
        "pages_with_running_header",
        "toc_entries_with_page_number",
        "landscape_pages",
        "images",
    ):
        rows.append((key.replace("_", " "), w["check"][key], c["check"][key]))
    for label, a, b in rows:
        print(f"{label:<34} {a!s:>14} {b!s:>14}")
    print(f"  (TOC entries: {w['check']['toc_entries']}; {c['version']})")
    print(f"ratio WeasyPrint / Chromium time: {r['ratio_weasyprint_to_chromium']}")
    print(
        f"target: < 5 s and < 400 MB -> WeasyPrint {w['median_s']} s, "
        f"{round(w['child_peak_mib'] * MIB / 1e6)} MB"
    )
    print(f"{p['plans']} park plans, {p['workers']}:")
    memory = (
        f"worker tree peaks {p['worker_tree_peak_rss_mib']} MiB RSS, "
        f"{p['worker_tree_peak_pss_mib']} MiB PSS"
        if "worker_tree_peak_rss_mib" in p
        else f"worker peaks {p['worker_peak_mib']} MiB"
    )
    print(
        f"  {p['total_s']} s in all, {p['pdfs_per_minute']} PDFs/min = {p['wall_per_pdf_s']} s "
        f"of wall time per PDF; {p['mean_render_s']} s mean time per PDF in a worker (max "
        f"{p['max_render_s']}), {p['mean_pages']} pages mean, {p['mean_size_kib']} KiB mean, "
        f"{p['failed']} failed; {memory}"
    )
    print(f"  seeding and freezing the versions (not counted): {p['seeding_s']} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--render-one", metavar="HTML", help=argparse.SUPPRESS)
    parser.add_argument("--media-root", help=argparse.SUPPRESS)
    parser.add_argument("--parks", type=int, default=None, help="only the first N demo parks")
    args = parser.parse_args()
    if args.render_one:
        render_one(args.render_one, args.media_root)
    else:
        django_setup()
        report(main(args.parks))
