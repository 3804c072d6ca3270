"""The template's outline, declared once (plans.outline.OUTLINE): every section of the ministry's
template is there with its guidance word for word, keys are unique, and the table of contents
lists the chapters and their x.y sections in order."""

import re
from collections import Counter
from pathlib import Path

import pytest

from documents.build import plan_document
from indicators.tables import DOCUMENT_PARTS, TABLES
from plans import outline
from plans.outline import ATTACHMENTS_REPORTS, OUTLINE, OUTLINES, TASK_GROUPS, Kind, outline_for
from plans.rows import FILE_KINDS, ROW_KINDS
from tests.factories import PlanFactory

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / ".." / "shared" / "seed" / "green-plan-template.txt"

CHAPTERS = [
    ("ch1", "第一章", "基本情况"),
    ("ch2", "第二章", "绿色发展现状"),
    ("ch3", "第三章", "目标与指标"),
    ("ch4", "第四章", "重点任务"),
    ("ch5", "第五章", "保障措施"),
    ("ch6", "第六章", "支撑材料"),
]
TEMPLATE_SECTIONS = [
    *(f"1.{n}" for n in range(1, 7)),
    *(f"2.{n}" for n in range(1, 7)),
    *(f"3.{n}" for n in range(1, 4)),
    *(f"4.{n}" for n in range(1, 4)),
]
TOC_KEYS = [
    "preface",
    "ch1",
    *(f"1.{n}" for n in range(1, 7)),
    "ch2",
    *(f"2.{n}" for n in range(1, 7)),
    "ch3",
    *(f"3.{n}" for n in range(1, 4)),
    "ch4",
    *(f"4.{n}" for n in range(1, 4)),
    "ch5",
    *(f"5.{n}" for n in range(1, 5)),
    "ch6",
    *(f"6.{n}" for n in range(1, 5)),
]


def _template_lines() -> list[str]:
    if not TEMPLATE.exists():
        pytest.skip(f"the seed template is not here ({TEMPLATE.resolve()})")
    text = TEMPLATE.read_text(encoding="utf-8")
    outline = text.split("二、绿色发展五年行动方案编制大纲", 1)[1]
    return [line.strip() for line in outline.splitlines() if line.strip()]


_CHAPTER = re.compile(r"^(第[一二三四五六七八九十]章)\s+(\S.*)$")
_HEADING = re.compile(r"^(\d\.\d)\s+(\S.*?)：?$")  # "1.1 园区概况", "3.1 主要目标："
_NUMBERED = re.compile(r"^(\d\.\d)(\S.*)$")  # "4.1根据……": a number run into its guidance
_ITEM = re.compile(r"^（(\d)）(.+)$")  # "（1）……"


def _template_outline() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The template read as (key, number, title) headings and (key, text) guidance lines, each
    line under the outline key the template puts it."""
    headings, guidance = [], []
    chapter_no = 0
    current = None
    for line in _template_lines():
        if line in ("前言", "目录"):
            if line == "前言":
                headings.append(("preface", "", "前言"))
                current = "preface"
            continue
        if match := _CHAPTER.match(line):
            chapter_no += 1
            current = chapter = f"ch{chapter_no}"
            headings.append((chapter, match.group(1), match.group(2)))
        elif match := _HEADING.match(line):
            current = match.group(1)
            headings.append((current, match.group(1), match.group(2)))
        elif match := _NUMBERED.match(line):
            current = match.group(1)
            guidance.append((current, match.group(2)))
        elif match := _ITEM.match(line):
            parent = current if "." in current else str(chapter_no)
            guidance.append((f"{parent}.{match.group(1)}", match.group(2)))
        else:
            guidance.append((current, line))
    return headings, guidance


# --- the outline on its own -------------------------------------------------------------------


def test_outline_keys_are_unique():
    # given every entry of the outline in document order
    keys = [entry.key for entry, _depth in OUTLINE.walk()]

    # when the keys are counted
    repeated = [key for key, n in Counter(keys).items() if n > 1]

    # then none appears twice and the lookup by key knows every entry
    assert repeated == []
    assert len(OUTLINE.by_key) == len(keys)


def test_outline_starts_with_the_preface_and_has_the_six_chapters_in_order():
    # given the outline's top level
    top = [(entry.key, entry.number, entry.title) for entry in OUTLINE.entries]

    # then it is the template's 前言 and 第一章 to 第六章 with their titles
    assert top == [("preface", "", "前言"), *CHAPTERS]


@pytest.mark.parametrize("key", TEMPLATE_SECTIONS)
def test_every_numbered_section_of_the_template_is_in_its_chapter(key):
    # given a numbered section of the template (1.1-1.6, 2.1-2.6, 3.1-3.3, 4.1-4.3)
    entry = OUTLINE.get(key)

    # then it is numbered as in the template and sits in its chapter, after the chapter heading
    assert entry.number == key
    assert OUTLINE.chapter_of[key].key == f"ch{key[0]}"
    assert entry in OUTLINE.chapter_of[key].children


def test_green_creation_has_four_items_and_low_carbon_three():
    # given 2.3 绿色创建情况 and 2.4 低碳发展情况, whose template items have no titles
    creation, low_carbon = OUTLINE.get("2.3"), OUTLINE.get("2.4")

    # then 2.3 has items （1）-（4） and 2.4 items （1）-（3）, each one a section to write
    assert [(c.key, c.number) for c in creation.children] == [
        ("2.3.1", "（1）"),
        ("2.3.2", "（2）"),
        ("2.3.3", "（3）"),
        ("2.3.4", "（4）"),
    ]
    assert [(c.key, c.number) for c in low_carbon.children] == [
        ("2.4.1", "（1）"),
        ("2.4.2", "（2）"),
        ("2.4.3", "（3）"),
    ]
    assert all(c.is_editable for c in (*creation.children, *low_carbon.children))
    assert not creation.is_editable and not low_carbon.is_editable


def test_structured_tables_and_files_belong_to_sections_that_take_them():
    # given the row kinds and the outline
    expected_kind = {
        "tasks": Kind.KEY_TASKS,
        "milestones": Kind.ROADMAP,
        "projects": Kind.KEY_PROJECTS,
        "members": Kind.LEADING_GROUP,
        "task_progress": Kind.TASK_PROGRESS,
        "project_progress": Kind.PROJECT_PROGRESS,
        "actuals": Kind.ACTUALS,
    }

    # then each table's section exists in an outline, and every outline that has the section
    # declares that table there
    holding = {
        slug: [
            o.get(kind.section_key).kinds for o in OUTLINES.values() if kind.section_key in o.by_key
        ]
        for slug, kind in ROW_KINDS.items()
    }
    assert {
        slug: bool(kinds) and all(expected_kind[slug] in k for k in kinds)
        for slug, kinds in holding.items()
    } == dict.fromkeys(expected_kind, True)
    assert [entry.key for entry in OUTLINE.sections if Kind.ATTACHMENTS in entry.kinds] == [
        "6.3",
        "6.4",
    ]
    assert Kind.FIGURES in OUTLINE.get("1.1").kinds  # the template asks for maps of the park
    assert set(FILE_KINDS) == {"figures", "attachments"}


def test_attachment_categories_and_task_groups_have_unique_codes():
    # given every attachment category of the outline and the task groups
    categories = [code for e in OUTLINE.sections for code, _label in e.attachment_categories]
    groups = [code for code, _label in TASK_GROUPS]

    # then no code is used twice (an attachment's category names one place in the document)
    assert len(categories) == len(set(categories))
    assert len(groups) == len(set(groups))
    assert [code for code, _l in ATTACHMENTS_REPORTS] == [
        "fourteenth_plan",
        "eia_tracking",
        "env_quality",
        "land_use",
    ]


def test_neighbours_walk_the_editable_sections_in_document_order():
    # given the editable sections in document order
    keys = [entry.key for entry in OUTLINE.sections]

    # when each one's neighbours are asked for
    pairs = [OUTLINE.neighbours(key) for key in keys]

    # then previous/next are the adjacent sections, nothing before the first or after the last
    assert pairs[0][0] is None and pairs[-1][1] is None
    assert [nxt.key for _prev, nxt in pairs[:-1]] == keys[1:]
    assert [prev.key for prev, _nxt in pairs[1:]] == keys[:-1]
    assert keys[0] == "preface" and keys[-1] == "6.4"


# --- against the template itself (../shared/seed/green-plan-template.txt) ----------------------


def test_every_heading_of_the_template_is_in_the_outline():
    # given the headings of the template's outline: 前言, the chapters, the x.y sections
    headings, _guidance = _template_outline()
    assert len(headings) == 1 + 6 + 15, headings

    # when each is looked up by its key
    found = [
        (key, OUTLINE.get(key).number, OUTLINE.get(key).title) if key in OUTLINE.by_key else None
        for key, _number, _title in headings
    ]

    # then each is there with the template's number and title, word for word
    assert found == headings


def test_every_guidance_line_of_the_template_is_in_its_entry_verbatim():
    # given every line of guidance in the template, with the entry it stands under
    _headings, guidance = _template_outline()
    assert len(guidance) > 30

    # when each line is looked for in that entry's guidance or note
    missing = [
        (key, line)
        for key, line in guidance
        if key not in OUTLINE.by_key
        or (line not in OUTLINE.get(key).guidance and line != OUTLINE.get(key).note)
    ]

    # then every one is there word for word
    assert missing == []


def test_every_guidance_line_of_the_template_appears_somewhere_in_the_outline():
    # given every line of guidance of the template, regardless of where it stands
    _headings, guidance = _template_outline()
    texts = [f"{e.guidance}\n{e.note}" for e, _depth in OUTLINE.walk()]

    # then each line is found in the guidance or the note of some entry
    assert [line for _key, line in guidance if not any(line in t for t in texts)] == []


def test_report_categories_are_the_templates_words():
    # given the template's line for 第六章 (3)
    _headings, guidance = _template_outline()
    line = dict(guidance)["6.3"]

    # then each report category is named as the template names it
    assert [label for _code, label in ATTACHMENTS_REPORTS if label not in line] == []


# --- the table of contents --------------------------------------------------------------------


def test_table_of_contents_lists_chapters_and_their_sections_in_order(db):
    # given a plan
    plan = PlanFactory()

    # when its document is assembled
    toc = plan_document(plan).toc

    # then the table of contents is 前言, each chapter and its x.y sections, in document order,
    # without the untitled items of 2.3 and 2.4
    assert [entry.key for entry, _depth in toc] == TOC_KEYS
    assert {entry.key: depth for entry, depth in toc} == {
        key: 0 if key == "preface" or key.startswith("ch") else 1 for key in TOC_KEYS
    }
    assert [e.heading for e, _d in toc][:3] == ["前言", "第一章  基本情况", "1.1  园区概况"]


# --- section keys come from the outline (issue 13, rule 4) -------------------------------------

# What each named section key is named for: the kind of content the outline says it holds.
NAMED_KEYS = {
    outline.MAPS_KEY: Kind.FIGURES,
    outline.TARGETS_KEY: Kind.INDICATORS,
    outline.INDICATORS_KEY: Kind.INDICATORS,
    outline.FEASIBILITY_KEY: Kind.INDICATORS,
    outline.TASKS_KEY: Kind.KEY_TASKS,
    outline.ROADMAP_KEY: Kind.ROADMAP,
    outline.PROJECTS_KEY: Kind.KEY_PROJECTS,
    outline.LEADING_GROUP_KEY: Kind.LEADING_GROUP,
    outline.ENERGY_TABLES_KEY: Kind.DATA_TABLES,
    outline.WATER_TABLES_KEY: Kind.DATA_TABLES,
    outline.REPORTS_KEY: Kind.ATTACHMENTS,
    outline.ACTUALS_KEY: Kind.ACTUALS,
    outline.TASK_PROGRESS_KEY: Kind.TASK_PROGRESS,
    outline.PROJECT_PROGRESS_KEY: Kind.PROJECT_PROGRESS,
}
# The keys a report's outline has (plans.outline: the reports reuse the data tables' keys).
REPORT_KEYS = {
    outline.ACTUALS_KEY,
    outline.TASK_PROGRESS_KEY,
    outline.PROJECT_PROGRESS_KEY,
    outline.ENERGY_TABLES_KEY,
    outline.WATER_TABLES_KEY,
}
APPS = ("core", "parks", "plans", "indicators", "notifications", "documents", "review")
APPS += ("summaries", "portal")
SECTION_KEY = re.compile(r"""["'][1-9]\.[1-9](\.[1-9])?["']""")  # 1.1 … 6.4, 2.3.1 …


@pytest.mark.parametrize("version", sorted(OUTLINES))
def test_every_named_section_key_is_a_section_of_every_outline_holding_what_it_is_named_for(
    version,
):
    # given each section key the outline module names, and what it is named for
    named = {name: getattr(outline, name) for name in dir(outline) if name.endswith("_KEY")}
    assert set(named.values()) == set(NAMED_KEYS)

    # then it is a section of every outline version of its kind (the plan's, or a report's),
    # and holds that
    sections = outline_for(version).by_key
    keys = (
        REPORT_KEYS
        if version in (outline.ANNUAL_OUTLINE_VERSION, outline.FINAL_OUTLINE_VERSION)
        else set(NAMED_KEYS) - REPORT_KEYS | {outline.ENERGY_TABLES_KEY, outline.WATER_TABLES_KEY}
    )
    for key in keys:
        assert NAMED_KEYS[key] in sections[key].kinds, key


def test_the_numbers_are_shown_in_every_section_that_holds_indicators_or_data_tables():
    # given the sections the outline says hold indicators or data tables
    holding = OUTLINE.holding(Kind.INDICATORS) + OUTLINE.holding(Kind.DATA_TABLES)

    # then the document shows a part of the numbers in each, and only there, and each data
    # table lies in one of them
    assert set(DOCUMENT_PARTS) == {entry.key for entry in holding}
    assert {table.section_key for table in TABLES.values()} <= set(DOCUMENT_PARTS)


def test_no_module_but_the_outline_names_a_section_by_its_number():
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((REPO / app).rglob("*.py"))
        if "migrations" not in path.parts and path != REPO / "plans" / "outline.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SECTION_KEY.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
