"""Deadline-day load benchmark: gunicorn as production runs it, driven at fixed rates.

    DATABASE_URL=postgres://... REDIS_URL=redis://... make bench-load
    .venv/bin/python bench/load.py --quick          (a smoke run: 20 parks, 4 s per run)
    .venv/bin/python bench/load.py --worker-class gthread --threads 4

1. A throw-away database `greenplan_load` on the PostgreSQL server of DATABASE_URL (dropped and
   made again; dropped at the end unless --keep): the demo data (portal.demo.park.seed_demo),
   178 parks with a draft plan and 3 editors each, every editor owning one section of ~2,000
   characters; a full plan in draft (sections of ~2,000 characters, 45 tasks, 30 projects, data
   tables) for the section editor and the preview; 178 more parks whose plans are in review with
   3 versions each (a frozen snapshot of the full plan), for the queue, the review page of a
   full plan and the national dashboard; one of them with a fourth version frozen from its own
   draft, so its content hash names one version, for the verification page (not logged in).
2. The queries of one request of each kind, in this process through Django's test client, with
   10 parks seeded and again with all of them: they must be equal (constant in the parks).
3. The editors are logged in by making their sessions directly (no password hashing); their
   session cookies and a CSRF cookie go to the load generator.
4. gunicorn serves the portal as production does (DEBUG off, a SECRET_KEY of this run,
   PostgreSQL, Redis; BENCH=true adds the bare view /bench/floor).
5. A separate process (`bench/load.py --drive`, asyncio and a small HTTP/1.1 client) sends the
   requests. At a fixed rate (open loop) each request has a scheduled send time and its latency
   is measured from that time, so a slow server cannot slow the generator down and hide its
   queueing (no coordinated omission). "Saturated" runs keep a fixed number of requests in
   flight (closed loop) and report what got through.

Prints a table (req/s, p50/p95/p99, each as a ratio of the floor, queries per request) and
writes bench/out/load.json. Numbers, not assertions: read them in review, next to the machine's
load (printed with them).
"""

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOAD_DB = os.environ.get("LOAD_DATABASE", "greenplan_load")  # another name for parallel runs
PAGES = ("section editor", "preview", "queue", "review page", "verification page", "dashboard")
PARKS = 178
EDITORS_PER_PARK = 3
REVIEWERS = 20
AUTOSAVE_RATES = (107, 150)
REVIEWER_INTERVAL_S = 2.0  # each of the 20 reviewers opens a page every 2 s: 10 pages/s
CSRF = "benchloadcsrfsecret0123456789abc"  # 32 characters: an unmasked CSRF secret


# --- the load generator (a separate process; no Django) -------------------------------------


class Connection:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Pool:
    def __init__(self, host, port, size):
        self.host, self.port = host, port
        self.free = [Connection(host, port) for _ in range(size)]
        self.available = asyncio.Semaphore(size)

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        async with self.available:
            connection = self.free.pop()
            try:
                return await asyncio.wait_for(connection.request(raw), timeout=60)
            except Exception:
                connection.close()
                raise
            finally:
                self.free.append(connection)


def raw_get(host, port, path, cookie):
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Accept-Language: zh-hans\r\n\r\n"
    ).encode()


class Editor:
    """One editor's autosaves: a changed text each time, with the revision the last one got."""

    def __init__(self, spec):
        self.path, self.cookie, self.body = spec["path"], spec["cookie"], spec["body"]
        self.revision, self.count = spec["revision"], 0
        self.lock = asyncio.Lock()

    def raw(self, host, port):
        self.count += 1
        # as the editor's script sends it (static/js/section-editor.js)
        data = json.dumps(
            {"body": self.body + f"<p>第{self.count}次自动保存。</p>", "revision": self.revision},
            ensure_ascii=False,
        ).encode()
        return (
            f"POST {self.path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {self.cookie}\r\n"
            f"X-CSRFToken: {CSRF}\r\nContent-Type: application/json\r\n"
            f"Accept-Language: zh-hans\r\nContent-Length: {len(data)}\r\n\r\n"
        ).encode() + data


class Stream:
    """What one run sends: autosaves round-robin over the editors, or GETs of a list of pages."""

    def __init__(self, spec, host, port):
        self.host, self.port = host, port
        self.editors = [Editor(e) for e in spec.get("editors", [])]
        self.pages = spec.get("pages", [])
        self.next = 0
        self.latencies, self.statuses = [], {}

    async def one(self, pool, scheduled):
        """One request; its latency counted from `scheduled`."""
        index = self.next
        self.next += 1
        try:
            if self.editors:
                editor = self.editors[index % len(self.editors)]
                async with editor.lock:  # an editor's next save waits for its previous one
                    status, body = await pool.send(editor.raw(self.host, self.port))
                    if status in (200, 409):
                        editor.revision = json.loads(body)["revision"]
            else:
                path, cookie = self.pages[index % len(self.pages)]
                status, _body = await pool.send(raw_get(self.host, self.port, path, cookie))
        except Exception as error:  # a timeout or a dropped connection
            status = type(error).__name__
        end = time.perf_counter()
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        if status == 200:
            self.latencies.append((scheduled, end))

    def result(self, start, end):
        inside = sorted(e - s for s, e in self.latencies if start <= s < end)
        done = [e for _s, e in self.latencies if start <= e < end]
        return {
            "rps": round(len(done) / (end - start), 1),
            "p50_ms": _pct(inside, 50),
            "p95_ms": _pct(inside, 95),
            "p99_ms": _pct(inside, 99),
            "statuses": self.statuses,
        }


def _pct(values, p):
    if not values:
        return None
    return round(values[min(len(values) - 1, int(len(values) * p / 100))] * 1000, 1)


async def drive(spec):
    host, port, duration, warmup = spec["host"], spec["port"], spec["duration"], spec["warmup"]
    runs = []
    for item in spec["streams"]:
        stream = Stream(item, host, port)
        pool = Pool(host, port, item.get("concurrency") or 256)
        runs.append((item, stream, pool))
    start = time.perf_counter() + 0.1
    measure_from, end = start + warmup, start + warmup + duration

    async def open_loop(item, stream, pool):
        tasks, i, rate = [], 0, item["rate"]
        while True:
            scheduled = start + i / rate
            if scheduled >= end:
                break
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(stream.one(pool, scheduled)))
            i += 1
        await asyncio.gather(*tasks)

    async def closed_loop(item, stream, pool):
        async def client():
            while time.perf_counter() < end:
                await stream.one(pool, time.perf_counter())

        await asyncio.gather(*(client() for _ in range(item["concurrency"])))

    await asyncio.gather(
        *(
            (open_loop if item.get("rate") else closed_loop)(item, stream, pool)
            for item, stream, pool in runs
        )
    )
    results = [stream.result(measure_from, end) for _item, stream, _pool in runs]
    for result, (_item, stream, _pool) in zip(results, runs, strict=True):
        # the next run starts from the revisions this one left
        result["revisions"] = [editor.revision for editor in stream.editors]
    return results


# --- the benchmark (Django in this process) -------------------------------------------------


def refuse(message):
    sys.exit(f"bench/load.py: {message}")


def check_services():
    """PostgreSQL and Redis, or a clear refusal: the figures mean nothing on SQLite/local memory."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        refuse(
            "needs PostgreSQL and Redis, as production runs. Set DATABASE_URL=postgres://... "
            "and REDIS_URL=redis://... (`make services` starts both on 127.0.0.1)."
        )
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        refuse("needs Redis: set REDIS_URL=redis://... (`make services` starts it).")
    import psycopg
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_timeout=3).ping()
    except Exception as error:
        refuse(f"Redis at REDIS_URL does not answer: {error}")
    try:
        psycopg.connect(_pg_dsn(url), autocommit=True, connect_timeout=5).close()
    except Exception as error:
        refuse(f"PostgreSQL at DATABASE_URL does not answer: {error}")
    return url


def _pg_dsn(url):
    return url.replace("postgres://", "postgresql://", 1)


def _with_db(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def recreate_database(url, name=LOAD_DB):
    import psycopg

    with psycopg.connect(_pg_dsn(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url, name=LOAD_DB):
    import psycopg

    with psycopg.connect(_pg_dsn(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_editor_parks(parks, start, stop, section_keys):
    """Parks [start, stop) each get a draft plan and 3 editors, each owning a section of ~2,000
    characters. Made with bulk writes: the seeding is not what is measured."""
    from django.db import transaction

    from core.text import plain_text
    from parks.models import User
    from parks.roles import Role
    from plans.models import Plan, Section
    from plans.outline import outline_for
    from plans.richtext import count_words
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from plans.status import State
    from portal.demo.plan import section_html

    cycle = cycle_current()
    outline = outline_for(cycle.outline_version)
    editors = []
    with transaction.atomic():
        for index, park in enumerate(parks[start:stop], start=start):
            plan = plan_get_or_create(park=park, cycle=cycle)
            # the demo approves its first park's plan (and reports on it): on deadline day
            # every editor writes a draft
            Plan.objects.filter(pk=plan.pk).update(status=State.DRAFT)
            for n, key in enumerate(section_keys):
                entry = outline.by_key[key]
                body = section_html(entry, outline.chapter_of[key].key, 2000, seed=index + n)
                text = plain_text(body)
                Section.objects.filter(plan=plan, key=key).update(
                    body=body, text_length=len(text), word_count=count_words(text), revision=1
                )
                editors.append(
                    User(
                        username=f"bench_editor_{index}_{n}",
                        first_name=f"编辑{index}-{n}",
                        role=Role.PARK_EDITOR,
                        park=park,
                        password="!",
                    )
                )
        User.objects.bulk_create(editors)


def seed_review_parks(count, snapshot, manager):
    """`count` more parks whose plans are in review, 3 versions each (the full plan's snapshot)."""
    from bench.seeding import submitted_three_times
    from parks.models import Park, Province

    province = Province.objects.get(code="320000")
    first = Park.objects.filter(name__startswith="基准审核园区").count()
    parks = Park.objects.bulk_create(
        Park(name=f"基准审核园区{i:03d}", province=province, district="苏州市")
        for i in range(first, first + count)
    )
    return submitted_three_times(parks, snapshot=snapshot, manager=manager)


def verification_version(plan, manager) -> str:
    """The verification page's path for a version of `plan` (in review) frozen from its own
    draft, so that its content hash names one version: the review parks' versions all share the
    full plan's snapshot."""
    from django.urls import reverse

    from review.services import version_freeze

    version = version_freeze(plan=plan, actor=manager)
    return reverse("review:verify", args=[version.content_hash])


def full_plan():
    """A full plan in draft on a demo park: its editor (suzhou_editor moved there) and the plan.
    Its snapshot is frozen for the parks in review, and the frozen version deleted again."""
    from parks.models import Park, User
    from plans.selectors import cycle_current
    from plans.services import plan_get_or_create
    from portal.demo.numbers import seed_demo_numbers
    from portal.demo.plan import seed_demo_plan
    from review.models import Version
    from review.services import version_freeze

    park = Park.objects.get(seed_key="苏州高新技术产业开发区")
    editor = User.objects.get(username="suzhou_editor")
    User.objects.filter(pk=editor.pk).update(park=park)
    editor.refresh_from_db()
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    seed_demo_plan(plan, editor, section_length=2000, copies=5)
    seed_demo_numbers(plan, editor)
    snapshot = version_freeze(plan=plan, actor=User.objects.get(username="suzhou_manager"))
    Version.objects.filter(pk=snapshot.pk).delete()
    return editor, plan, snapshot


def session_cookie(user):
    """A logged-in session made directly, as django.contrib.auth.login would make it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={CSRF}"


def query_counts(requests):
    """Queries of one request of each kind, in-process (test client, the same middleware), in
    the steady state: each kind sent twice first (a first visit may record something the page
    then reads anew: a reading of a version forgets the reader's kept readings), then, once
    what the seeding and those visits forgot may be kept again (a forgotten key refuses to keep
    anything for a few seconds, core.cache.forget), once more, then counted."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from core.cache import FORGOTTEN_SECONDS

    senders = {}
    for label, (user, method, path, data) in requests.items():
        client = Client(SERVER_NAME="127.0.0.1")  # ALLOWED_HOSTS as in production
        if user is not None:
            client.force_login(user)
        send = client.post if method == "POST" else client.get
        senders[label] = (send, path, data)
        for _warm in range(2):
            send(path, data() if callable(data) else data)
    time.sleep(FORGOTTEN_SECONDS)
    counts = {}
    for label, (send, path, data) in senders.items():
        send(path, data() if callable(data) else data)
        payload = data() if callable(data) else data  # read before counting
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = send(path, payload)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(captured)
    return counts


def request_kinds(
    editor_user, editor_plan, editor_key, full_editor, full, review_plan, verify_path
):
    """Each kind of request as (user, method, path, data) for the in-process count; no user:
    not logged in."""
    from django.urls import reverse

    from parks.models import User
    from plans.models import Section

    saves = [0]

    def autosave_data():
        saves[0] += 1
        section = Section.objects.get(plan=editor_plan, key=editor_key)
        return {"body": section.body + f"<p>计数{saves[0]}</p>", "revision": section.revision}

    reviewer = User.objects.get(username="jiangsu")
    return {
        "floor": (editor_user, "GET", "/bench/floor", None),
        "autosave": (
            editor_user,
            "POST",
            reverse("plans:section-autosave", args=[editor_plan.pk, editor_key]),
            autosave_data,
        ),
        "section editor": (
            full_editor,
            "GET",
            reverse("plans:section-edit", args=[full.pk, "1.1"]),
            None,
        ),
        "preview": (full_editor, "GET", reverse("documents:preview", args=[full.pk]), None),
        "queue": (reviewer, "GET", reverse("review:queue"), None),
        "review page": (reviewer, "GET", reverse("review:version", args=[review_plan.pk, 1]), None),
        "verification page": (None, "GET", verify_path, None),
        "dashboard": (
            User.objects.get(username="admin"),
            "GET",
            reverse("summaries:dashboard") + "?states=submitted",
            None,
        ),
    }


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port, args):
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--timeout", "60"]
    command += ["--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except Exception:
            if process.poll() is not None:
                refuse("gunicorn did not start (see its output above)")
            time.sleep(0.5)
    refuse("gunicorn did not answer /healthz within 60 s")


def _cpu_ms(pgid, database) -> dict:
    """CPU ms (user + system) used so far by gunicorn's processes, by the PostgreSQL backends of
    the load database and by this process's finished children (the load generator), read from
    /proc: on a shared machine the CPU a request costs moves less than its req/s."""
    import resource

    tick = os.sysconf("SC_CLK_TCK")
    web = database_ms = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) * 1000 / tick
            if int(fields[2]) == pgid:
                web += cpu
            elif f" {database} " in Path(entry.path, "cmdline").read_text(errors="replace"):
                database_ms += cpu
        except (OSError, IndexError, ValueError):
            continue
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    driver = (children.ru_utime + children.ru_stime) * 1000
    return {"web": web, "database": database_ms, "generator": driver}


def run_driver(spec):
    done = subprocess.run(
        [sys.executable, __file__, "--drive"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="20 parks, 4 s per run: a smoke run")
    parser.add_argument("--parks", type=int, help=f"parks with editors (default {PARKS})")
    parser.add_argument("--duration", type=float, help="seconds measured per run (default 20)")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--concurrency", type=int, default=16, help="in flight when saturated")
    parser.add_argument("--keep", action="store_true", help=f"keep the {LOAD_DB} database")
    parser.add_argument(
        "--database",
        default=LOAD_DB,
        help=f"the throw-away database's name (default {LOAD_DB}; another for a second run "
        "at the same time)",
    )
    parser.add_argument(
        "--only-autosave",
        action="store_true",
        help="only the floor and the autosave runs (to compare autosave changes)",
    )
    parser.add_argument(
        "--only-pages",
        default="",
        help="comma-separated pages (of: " + ", ".join(PAGES) + "): the floor and these only, "
        "saturated (to profile or compare one page)",
    )
    args = parser.parse_args()
    unknown = {p.strip() for p in args.only_pages.split(",") if p.strip()} - set(PAGES)
    if unknown:
        parser.error(f"--only-pages: no page {', '.join(sorted(unknown))}")
    if args.drive:
        print(json.dumps(asyncio.run(drive(json.loads(sys.stdin.read())))))
        return
    parks_wanted = args.parks or (20 if args.quick else PARKS)
    duration = args.duration or (4.0 if args.quick else 20.0)
    warmup = 1.0 if args.quick else 3.0
    base_url = check_services()
    recreate_database(base_url, args.database)
    media = tempfile.mkdtemp(prefix="greenplan-load-media-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _with_db(base_url, args.database),
        # a new database, so keys of its own in the shared cache (as after restoring one,
        # README): the last run's signed-in users, under the same ids, are of other sessions,
        # and a kept entry is not replaced until it expires (parks.signed_in)
        "CACHE_KEY_PREFIX": f"load-{secrets.token_hex(4)}",
        "BENCH": "true",
        "MEDIA_ROOT": media,
        "PDF_RENDER_ON_TRANSITION": "false",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    try:
        results = benchmark(args, env, parks_wanted, duration, warmup)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(base_url, args.database)
    print_table(results)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))


def benchmark(args, env, parks_wanted, duration, warmup):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from parks.models import Park, Province, User
    from plans.models import Plan
    from plans.outline import Kind, outline_for
    from plans.selectors import cycle_current
    from portal.demo.park import seed_demo

    seed_demo()
    full_editor, full, snapshot = full_plan()
    manager = User.objects.get(username="suzhou_manager")
    outline = outline_for(cycle_current().outline_version)
    keys = [e.key for e in outline.sections if Kind.RICH_TEXT in e.kinds][:EDITORS_PER_PARK]
    missing = parks_wanted - Park.objects.exclude(pk=full.park_id).count()
    if missing > 0:
        Park.objects.bulk_create(
            Park(name=f"基准园区{i:03d}", province=Province.objects.get(code="320000"))
            for i in range(missing)
        )
    parks = list(Park.objects.exclude(pk=full.park_id).order_by("pk")[:parks_wanted])
    first = min(10, parks_wanted)
    seed_editor_parks(parks, 0, first, keys)
    review_plans = seed_review_parks(first, snapshot, manager)
    editor_user = User.objects.get(username="bench_editor_0_0")
    editor_plan = Plan.objects.get(park=parks[0], cycle=cycle_current())
    verify_path = verification_version(review_plans[1], manager)
    kinds = request_kinds(
        editor_user, editor_plan, keys[0], full_editor, full, review_plans[0], verify_path
    )
    counts_few = query_counts(kinds)
    seed_editor_parks(parks, first, parks_wanted, keys)
    seed_review_parks(parks_wanted - first, snapshot, manager)
    counts_all = query_counts(kinds)
    seeded_s = time.perf_counter() - started

    # sessions made directly; what each request of the load generator sends
    from plans.models import Section

    sections = {
        (s.plan.park_id, s.key): s
        for s in Section.objects.filter(plan__park__in=parks, key__in=keys).select_related("plan")
    }
    editors = []
    for user in User.objects.filter(username__startswith="bench_editor_").order_by("pk"):
        n = int(user.username.rsplit("_", 1)[1])
        section = sections[(user.park_id, keys[n])]
        editors.append(
            {
                "path": kinds["autosave"][2]
                .replace(f"/plans/{editor_plan.pk}/", f"/plans/{section.plan_id}/")
                .replace(f"/sections/{keys[0]}/", f"/sections/{keys[n]}/"),
                "cookie": session_cookie(user),
                "body": section.body,
                "revision": section.revision,
            }
        )
    cookie_of = {}

    def page(label):
        user, _method, path, _data = kinds[label]
        if user is None:
            return [[path, f"csrftoken={CSRF}"]]
        if user.pk not in cookie_of:
            cookie_of[user.pk] = session_cookie(user)
        return [[path, cookie_of[user.pk]]]

    reviewers = []
    for i in range(REVIEWERS):  # 20 reviewers: their own sessions, queue / review page / dashboard
        user, _m, path, _d = kinds[("queue", "review page", "dashboard")[i % 3]]
        reviewers.append([path, session_cookie(user)])
    connections.close_all()

    port = free_port()
    gunicorn = start_gunicorn(env, port, args)
    load_before = os.getloadavg()
    try:
        base = {"host": "127.0.0.1", "port": port, "duration": duration, "warmup": warmup}
        saturated = {"concurrency": args.concurrency}
        runs = {}

        def run(label, *streams):
            before = _cpu_ms(gunicorn.pid, args.database)
            result = run_driver({**base, "streams": list(streams)})
            after = _cpu_ms(gunicorn.pid, args.database)
            if len(streams) == 1:  # CPU per request, warm-up included (as steady as the rest)
                sent = result[0]["rps"] * (duration + warmup)
                result[0]["cpu_ms_per_request"] = {
                    part: round((after[part] - before[part]) / sent, 2) if sent else None
                    for part in after
                }
            for name, row, stream in zip(label, result, streams, strict=True):
                revisions = row.pop("revisions")
                for editor, revision in zip(stream.get("editors", []), revisions, strict=True):
                    editor["revision"] = revision
                runs[name] = row
                print(f"  {name}: {row}", file=sys.stderr)

        run(["floor, saturated"], {**saturated, "pages": page("floor")})
        only_pages = [label.strip() for label in args.only_pages.split(",") if label.strip()]
        if not only_pages:
            run(["autosave, saturated"], {**saturated, "editors": editors})
            for rate in AUTOSAVE_RATES:
                run([f"autosave at {rate}/s"], {"rate": rate, "editors": editors})
        pages = () if args.only_autosave else (only_pages or PAGES)
        for label in pages:
            run([f"{label}, saturated"], {**saturated, "pages": page(label)})
        if not (args.only_autosave or only_pages):
            run(
                ["mixed: autosave at 107/s", "mixed: 20 reviewers' pages"],
                {"rate": 107, "editors": editors},
                {"rate": REVIEWERS / REVIEWER_INTERVAL_S, "pages": reviewers},
            )
    finally:
        load_after = os.getloadavg()
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    return {
        "parks": parks_wanted,
        "editors": len(editors),
        "seconds_per_run": duration,
        "gunicorn": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
        },
        "saturated_concurrency": args.concurrency,
        "seeding_s": round(seeded_s, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "queries": {"few": counts_few, "all": counts_all},
        "runs": runs,
    }


QUERY_KIND = {
    "floor": "floor",
    "autosave": "autosave",
    "section editor": "section editor",
    "preview": "preview",
    "queue": "queue",
    "review page": "review page",
    "verification page": "verification page",
    "dashboard": "dashboard",
    "20 reviewers": "review page",
}


def print_table(results):
    floor = results["runs"]["floor, saturated"]
    g = results["gunicorn"]
    print(
        f"\n{results['parks']} parks, {results['editors']} editors; gunicorn {g['workers']} "
        f"{g['worker_class']} workers x {g['threads']} threads; {results['seconds_per_run']} s "
        f"per run, {results['saturated_concurrency']} in flight when saturated; "
        f"{results['cpus']} CPUs, load average {results['load_average_before']} before, "
        f"{results['load_average_after']} after"
    )
    head = f"{'run':<30} {'req/s':>7} {'x floor':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(
        f"{head} {'x floor (p50/p95/p99)':>22} {'queries':>8} "
        f"{'CPU ms/req web+db+gen':>22}  non-200"
    )
    few, every = results["queries"]["few"], results["queries"]["all"]
    for label, row in results["runs"].items():
        kind = next((k for k in QUERY_KIND if k in label), None)
        kind = QUERY_KIND.get(kind)
        queries = "" if kind is None else str(every[kind])
        if kind is not None and few[kind] != every[kind]:
            queries += f" (!={few[kind]})"
        ratios = "/".join(_ratio(row[p], floor[p], 1) for p in ("p50_ms", "p95_ms", "p99_ms"))
        other = {s: n for s, n in row["statuses"].items() if s != "200"}
        cpu = row.get("cpu_ms_per_request")
        cpu = "" if not cpu or None in cpu.values() else "+".join(f"{v:.1f}" for v in cpu.values())
        print(
            f"{label:<30} {row['rps']:>7} {_ratio(row['rps'], floor['rps'], 3):>8} "
            f"{_num(row['p50_ms']):>8} {_num(row['p95_ms']):>8} {_num(row['p99_ms']):>8} "
            f"{ratios:>22} {queries:>8} {cpu:>22}  {other or ''}"
        )
    same = all(few[k] == every[k] for k in every)
    print(
        "queries per request measured in-process with 10 parks and with all: "
        + ("equal" if same else "NOT equal (see !=)")
    )


def _ratio(value, floor, places):
    if not value or not floor:
        return "-"
    return f"{value / floor:.{places}f}"


def _num(value):
    return "-" if value is None else f"{value:g}"


if __name__ == "__main__":
    main()
