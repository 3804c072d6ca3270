"""The demo plan's PDFs word by word, to compare two trees: the same words in the same boxes.

    .venv/bin/python bench/pdf_words.py render DIR       (SQLite; DATABASE_URL=... for PostgreSQL)
    .venv/bin/python bench/pdf_words.py compare DIR_A DIR_B

Issue 13 asked that moving code between apps leave the PDF of the full demo plan with the same
words in the same boxes (`pdftotext -bbox`, before and after). Run `render` in each tree: for
the tree before, a checkout of that commit (`git worktree add`) with this file copied into its
bench/, the same virtualenv, its messages compiled and the same PDF_FONT_DIR. Then `compare`
the two folders.

render: on a throw-away test database (SQLite in memory, or test_greenplan_bench_words on
DATABASE_URL's server) with the demo data (portal.demo.park.seed_demo), prints the plan of
苏州工业园区 as production does, through review.pdfs: its draft (pdf_request, draft), then walks
it through the workflow (submit, start, forward, start, approve: review.services.transition_apply
renders the submitted and the approved version as the worker would, Celery being eager here).
Each PDF is rendered once more with review.pdfs.pdf_render to count its SQL queries. Writes
DIR/<kind>.pdf, DIR/<kind>.words.tsv (page, xMin, yMin, xMax, yMax, word: pdftotext -bbox) and
DIR/queries.json (the queries of each render).

compare: word by word, page by page, boxes to 0.01 pt. A word whose text differs only in a date,
a time or a hash (what changes from run to run: the submission and approval times, the content
hash and the verification URL it is in) counts as the same word, its box and the boxes of the
words after it on its line are not compared. Prints every other difference and the query
counts, and exits 1 if anything differs.

Uses only entry points that are the same in the tree before issue 13 (92e7aeb) and after it,
but for the demo data, looked for where it is now and where it was then.
"""

import argparse
import html
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

TEST_DB_NAME = "test_greenplan_bench_words"
KINDS = ("draft", "submitted", "approved")
WORKFLOW = [  # (action, username) from draft to approved
    ("submit", "suzhou_manager"),
    ("start", "jiangsu"),
    ("forward", "jiangsu"),
    ("start", "national"),
    ("approve", "national"),
]
# What a reviewer or the park adds to a transition where this tree's workflow asks for it (the
# declaration, an opinion, going on with open comments: issue 14); passed only where
# review.services.transition_apply takes it.
ANSWERS = {"declared": True, "opinion": "同意。", "acknowledged": True}
# What may differ from run to run inside a word: a date, a time, a hash.
VOLATILE = re.compile(
    r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{1,2}:\d{2}(:\d{2})?|[0-9a-f]{16,}", re.IGNORECASE
)


# --- render -------------------------------------------------------------------------------------


def words(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word pdftotext finds."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result, page = [], 0
    for line in xhtml.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if match:
            box = tuple(round(float(v), 2) for v in match.groups()[:4])
            result.append((page, *box, html.unescape(match.group(5))))
    return result


def render(folder: Path) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DB_NAME
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    folder.mkdir(parents=True, exist_ok=True)
    queries = {}
    try:
        from parks.models import User
        from plans.models import Plan

        try:
            from portal.demo.park import DEMO_PARK_A, seed_demo
        except ImportError:  # a tree from before the demo moved to portal/ (92e7aeb)
            from parks.demo import DEMO_PARK_A, seed_demo
        from review.models import PdfDocument
        from review.pdfs import pdf_render, pdf_request
        from review.services import transition_apply

        seed_demo()
        # the plan, made before its reports (a tree with reports has more than one)
        plan = Plan.objects.filter(park__seed_key=DEMO_PARK_A).order_by("pk").first()
        manager = User.objects.get(username="suzhou_manager")
        pdf_request(plan=plan, kind=PdfDocument.Kind.DRAFT, actor=manager)
        takes = inspect.signature(transition_apply).parameters
        answers = {key: value for key, value in ANSWERS.items() if key in takes}
        # the demo approves the plan through the workflow itself since issue 16
        walk = WORKFLOW if plan.status != "approved" else []
        for action, username in walk:
            plan.refresh_from_db()
            actor = User.objects.get(username=username)
            transition_apply(plan=plan, action=action, actor=actor, **answers)
        for kind in KINDS:
            pdf = PdfDocument.objects.get(plan=plan, kind=kind)
            assert pdf.state == PdfDocument.State.DONE, (kind, pdf.state, pdf.error)
            PdfDocument.objects.filter(pk=pdf.pk).update(state=PdfDocument.State.QUEUED)
            with CaptureQueriesContext(connection) as captured:
                pdf = pdf_render(pdf.pk)
            queries[kind] = len(captured)
            with pdf.file.open("rb") as f:
                (folder / f"{kind}.pdf").write_bytes(f.read())
            rows = words(folder / f"{kind}.pdf")
            (folder / f"{kind}.words.tsv").write_text(
                "".join("\t".join(map(str, row)) + "\n" for row in rows), encoding="utf-8"
            )
            print(f"{kind}: {pdf.pages} pages, {len(rows)} words, {queries[kind]} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    (folder / "queries.json").write_text(json.dumps(queries, indent=2))


# --- compare ------------------------------------------------------------------------------------


def read(path: Path) -> list[tuple]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        page, *box, word = line.split("\t")
        rows.append((int(page), *map(float, box), word))
    return rows


def run_dependent(a: str, b: str) -> bool:
    """Whether two different words differ only in dates, times and hashes."""
    return bool(VOLATILE.search(a) and VOLATILE.search(b)) and (
        VOLATILE.sub("", a) == VOLATILE.sub("", b)
    )


def compare_words(a: list[tuple], b: list[tuple]) -> tuple[list[str], list[str]]:
    """(differences, words that differ by run) between two word lists."""
    differences, by_run = [], []
    if len(a) != len(b):
        differences.append(f"{len(a)} words against {len(b)}")
    shifted_line = None  # (page, yMin) of the line after a word that differs by run
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        where = f"word {index + 1}, page {x[0]}"
        if x[0] == y[0] and x[5] != y[5] and run_dependent(x[5], y[5]):
            by_run.append(f"{where}: {x[5]!r} / {y[5]!r}")
            shifted_line = (x[0], x[2])
        elif x[0] != y[0] or x[5] != y[5]:
            differences.append(f"{where}: {x[5]!r} at {x[1:5]} against {y[5]!r} on page {y[0]}")
        elif x[1:5] != y[1:5] and shifted_line != (x[0], x[2]):
            differences.append(f"{where}: {x[5]!r} at {x[1:5]} against {y[1:5]}")
        if len(differences) > 50:
            differences.append("(stopped after 50)")
            break
    return differences, by_run


def compare(first: Path, second: Path) -> int:
    failed = False
    for kind in KINDS:
        a, b = first / f"{kind}.words.tsv", second / f"{kind}.words.tsv"
        if not (a.exists() and b.exists()):
            print(f"{kind}: missing in {a if not a.exists() else b}")
            failed = True
            continue
        rows_a, rows_b = read(a), read(b)
        differences, by_run = compare_words(rows_a, rows_b)
        pages = rows_a[-1][0] if rows_a else 0
        verdict = "identical" if not differences else f"{len(differences)} differences"
        print(
            f"{kind}: {len(rows_a)} words on {pages} pages against {len(rows_b)}, {verdict}; "
            f"{len(by_run)} words differ only in a date, time or hash"
        )
        for line in differences:
            print(f"  {line}")
        for line in by_run:
            print(f"  (by run) {line}")
        failed |= bool(differences)
    queries = [
        json.loads((folder / "queries.json").read_text())
        for folder in (first, second)
        if (folder / "queries.json").exists()
    ]
    if len(queries) == 2:
        print(f"queries of each render: {queries[0]} against {queries[1]}")
        failed |= queries[0] != queries[1]
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("render").add_argument("folder", type=Path)
    pair = commands.add_parser("compare")
    pair.add_argument("first", type=Path)
    pair.add_argument("second", type=Path)
    args = parser.parse_args()
    if args.command == "render":
        render(args.folder)
    else:
        sys.exit(compare(args.first, args.second))
