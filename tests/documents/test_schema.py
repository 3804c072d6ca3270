"""The frozen snapshot's schema, declared once (documents/schema.py; issue 13, rule 4): the
writer (documents.freeze) writes through the declaration, every reader reads through it, and a
snapshot stored in an older layout still reads."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from documents.freeze import FORMAT, content_hash, plan_snapshot
from documents.schema import Frozen, FrozenPark, FrozenSection, Record, snapshot
from indicators.accounting import DERIVED
from indicators.tables import TABLES
from parks.profile import PROFILE_FIELDS
from plans.rows import ALL_KINDS
from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import seed_demo_plan
from tests.factories import CustomFuelFactory, PlanFactory
from tests.review.conftest import complete_park_profile

REPO = Path(settings.BASE_DIR)
# Every package of the portal but documents/, which owns the snapshot, and the benchmarks.
READERS = ("core", "parks", "plans", "indicators", "notifications", "review", "summaries")
READERS += ("portal", "bench")
SNAPSHOT_NAMES = {"snap", "snapshot", "snapshots"}
# What may be done with a Version's raw snapshot outside documents/: read it through its
# declaration, or hash it.
RAW_USES = {"Frozen", "content_hash"}


@pytest.fixture
def full_plan(world, catalogue):
    """Park A's demo plan with every part filled: park information and seal, text, rows, figures,
    files, indicators, data tables and a fuel of the park's own."""
    complete_park_profile(world.park_a, world.manager_a)
    plan = PlanFactory(park=world.park_a)
    seed_demo_plan(plan, world.editor_a)
    seed_demo_numbers(plan, world.editor_a)
    CustomFuelFactory(plan=plan)
    plan.refresh_from_db()
    return plan


def test_a_full_plan_frozen_reads_back_through_the_declaration_exactly(full_plan):
    # given the snapshot of a full demo plan
    frozen_json = plan_snapshot(full_plan)

    # when it is read through the declaration and written back
    frozen = Frozen(frozen_json)
    again = frozen.to_json()

    # then every declared part is there and nothing undeclared: it reads back key for key
    assert list(frozen_json) == [part.key for part in Frozen.parts()]
    assert again == frozen_json
    assert content_hash(again) == content_hash(frozen_json)
    assert frozen.format == FORMAT
    # and every part holds something, so every record's fields were compared
    for part in Frozen.parts():
        assert getattr(frozen, part.name), f"{part.key} is empty in the full plan"
    assert all(frozen.section(key).body for key in ("preface", "1.1"))
    assert frozen.figures and frozen.attachments and frozen.indicators and frozen.energy.lines
    # and the maps other declarations own hold what they declare
    assert set(frozen.park.profile) == set(PROFILE_FIELDS) - {"seal"}
    for slug, rows in frozen.all_rows.items():
        assert rows, f"no {slug} rows in the full plan"
        assert all(list(row.values) == list(ALL_KINDS[slug].fields) for row in rows), slug
    assert set(frozen.tables) <= set(TABLES)
    assert set(frozen.all_derived) == set(DERIVED)


def test_a_snapshot_is_written_only_with_every_declared_part():
    with pytest.raises(TypeError, match="missing"):
        snapshot(park=FrozenPark())
    parts = {part.name: getattr(Frozen({}), part.name) for part in Frozen.parts()}
    del parts["format"]
    with pytest.raises(TypeError, match="unknown"):
        snapshot(**parts, notes="")
    assert snapshot(**parts)["format"] == FORMAT


def test_a_snapshot_of_the_first_format_reads_with_the_later_fields_empty():
    # given a snapshot as format 1 stored it: no section states, no fuel quantities, no
    # catalogue facts or history on the indicators, no description on the files
    stored = {
        "format": 1,
        "park": {"id": 3, "name": "苏州工业园区", "city": "苏州市", "seal": {"file": "s.png"}},
        "sections": {"1.1": {"body": "<p>园区概况</p>", "is_done": True, "word_count": 4}},
        "attachments": [{"id": 9, "category": "other", "filename": "a.pdf", "file": "f/a.pdf"}],
        "indicators": [
            {
                "id": 5,
                "code": "energy_intensity_iav",
                "name": "单位工业增加值综合能耗",
                "unit": "吨标准煤/万元",
                "direction": "down",
                "targets": {"2025": "0.14"},
                "warnings": [{"code": "national_reference", "message": "未达到国家参考值"}],
            }
        ],
        "energy": {"total_tce": {"2020": "10.5"}, "lines": [{"key": "coal", "name": "原煤"}]},
    }

    # when it is read through the declaration
    frozen = Frozen(stored)

    # then what it holds reads as stored, and what format 1 lacked reads empty
    assert frozen.format == 1
    assert frozen.park.name == "苏州工业园区"
    assert frozen.park.profile == {"city": "苏州市"}
    assert frozen.park.seal.file == "s.png" and frozen.park.seal.sha256 == ""
    assert frozen.section("1.1") == FrozenSection("<p>园区概况</p>", True, 4, "", 0)
    assert frozen.section("9.9") == FrozenSection()
    assert frozen.attachment(9).description == "" and frozen.attachment(10) is None
    indicator = frozen.indicators[0]
    assert (indicator.history, indicator.reference_value, indicator.category) == ({}, None, "")
    assert str(indicator.target(2025)) == "0.14" and indicator.target(2024) is None
    assert indicator.warnings[0].code == "national_reference"
    assert frozen.energy.lines[0].quantity == {} and frozen.energy.lines[0].share == {}
    assert frozen.energy_totals("tce") == {2020: pytest.approx(10.5)}
    assert frozen.accounting.missing_co2 == [] and frozen.carbon_note == ""
    assert frozen.rows("tasks") == [] and frozen.table("energy") == {}
    # and the stored snapshot is left as it was
    assert "state" not in stored["sections"]["1.1"]


def test_every_field_of_every_record_reads_as_empty_where_an_older_snapshot_lacks_it():
    for record in Record.__subclasses__():
        assert record.read({}) == record(), record
    assert Frozen({}).to_json()["format"] == 1


# --- every reader goes through the declaration --------------------------------------------------


def _name(node: ast.AST) -> str:
    """The last name of an expression: `snap` of `snap`, `snapshot` of `version.snapshot`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_text(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _raw_snapshot_reads(tree: ast.AST):
    """(line, what) of each place a snapshot is indexed by a string key, or a Version's raw
    `.snapshot` is passed on (positionally or by assignment) to anything but RAW_USES."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _name(node.value) in SNAPSHOT_NAMES:
            if _is_text(node.slice):
                yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and _name(func.value) in SNAPSHOT_NAMES
                and node.args
                and _is_text(node.args[0])
            ):
                yield node.lineno, ast.unparse(node)
            if _name(func) not in RAW_USES:
                for arg in node.args:
                    if isinstance(arg, ast.Attribute) and arg.attr == "snapshot":
                        yield node.lineno, ast.unparse(node)
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "snapshot"
        ):
            yield node.lineno, ast.unparse(node)


def test_no_module_outside_documents_reads_a_snapshot_by_its_keys():
    offenders = [
        f"{path.relative_to(REPO)}:{line}: {what}"
        for package in READERS
        for path in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line, what in _raw_snapshot_reads(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_no_template_reads_a_versions_snapshot_by_its_keys():
    parts = "|".join(part.key for part in Frozen.parts())
    raw = re.compile(rf"\bsnapshot\.(?:{parts})\b")
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted((REPO / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if raw.search(line)
    ]
    assert offenders == []


def test_the_scan_finds_what_it_looks_for():
    source = """
park = version.snapshot.get("park", {})
rows = snap["rows"]
diff = version_diff(base.snapshot, self.version.snapshot)
raw = version.snapshot
fine = Frozen(version.snapshot), content_hash(version.snapshot), job.snapshot.name
kept = SummarySnapshot.objects.filter(pk=scope.snapshot)
"""
    found = sorted({line for line, _what in _raw_snapshot_reads(ast.parse(source))})
    assert found == [2, 3, 4, 5]
