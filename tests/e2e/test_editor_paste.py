"""Word and WPS content pasted into the section editor keeps its structure in a real browser:
lists (nested, numbered or bulleted), table header rows, merged cells, column widths and
captions survive the paste, the autosave, the server's sanitizer and a reload. "1. " and "- "
start lists; the toolbar speaks the user's language; the editor has a name and a skip link;
axe finds nothing serious on the page.

The clipboard HTML is in tests/fixtures/paste/ (see its README)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from plans.services import plan_get_or_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paste"
SECTION = "2.4.1"  # 能源消费: a rich-text section

# The editor's content, block by block: ["p", text], ["caption", text], [list tag, items]
# (an item is [text, nested lists]), ["table", rows] (a cell is "tag text [rN] [cN] [widths]").
SHAPE_JS = """(root) => {
    const text = (el) => el.textContent.replace(/[\\s\\u00a0]+/g, " ").trim();
    const describe = (el) => {
        const tag = el.tagName.toLowerCase();
        if (tag === "ol" || tag === "ul") {
            const kind = tag === "ol" && el.dataset.type && el.dataset.type !== "decimal"
                ? `${tag}:${el.dataset.type}` : tag;
            const start = el.getAttribute("start");
            return [start && start !== "1" ? `${kind}@${start}` : kind,
                    Array.from(el.children, (li) => [
                        text(li.querySelector(":scope > p") || li),
                        Array.from(li.querySelectorAll(":scope > ol, :scope > ul"), describe),
                    ])];
        }
        if (tag === "table") {
            return ["table", Array.from(el.querySelectorAll("tr"), (tr) =>
                Array.from(tr.children, (cell) => [
                    cell.tagName.toLowerCase(), text(cell),
                    cell.rowSpan > 1 ? `r${cell.rowSpan}` : "",
                    cell.colSpan > 1 ? `c${cell.colSpan}` : "",
                    cell.getAttribute("colwidth") || "",
                ].filter(Boolean).join(" ")))];
        }
        if (el.classList.contains("tableWrapper")) return describe(el.querySelector("table"));
        if (tag === "p" && el.classList.contains("caption")) return ["caption", text(el)];
        return [tag, text(el)];
    };
    return Array.from(root.children, describe)
        .filter(([tag, content]) => !(tag === "p" && content === ""));
}"""

EXPECTED = {
    "word-lists.html": [
        ["p", "“十四五”期间园区重点推进以下任务："],
        [
            "ol",
            [
                [
                    "优化能源结构",
                    [
                        [
                            "ol",
                            [
                                ["推进屋顶分布式光伏建设，新增装机30兆瓦", []],
                                [
                                    "建设园区级储能设施",
                                    [["ul", [["用户侧储能", []], ["电网侧储能", []]]]],
                                ],
                            ],
                        ]
                    ],
                ],
                ["推进节能降碳", []],
                ["完善能源消费统计核算", []],
            ],
        ],
        ["p", "保障措施包括："],
        [
            "ul",
            [
                ["成立园区绿色发展领导小组", [["ul", [["每季度召开一次推进会", []]]]]],
                ["设立绿色发展专项资金", []],
            ],
        ],
        ["ol", [["组织保障", []], ["资金保障", []]]],
    ],
    "word-table.html": [
        ["caption", "表 1 2019—2020年园区能源消费情况"],
        [
            "table",
            [
                ["th 能源品种 r2 113", "th 计量单位 r2 76", "th 消费量 c2 85,85", "th 备注 r2 123"],
                ["th 2019年 85", "th 2020年 85"],
                [
                    "td 电力 113",
                    "td 万千瓦时 76",
                    "td 1,180.2 85",
                    "td 1,234.5 85",
                    "td 含外购绿电 r2 123",
                ],
                ["td 天然气 113", "td 万立方米 76", "td 640 85", "td 678 85"],
                [
                    "td 合计（吨标准煤） c2 113,76",
                    "td 9,315.4 85",
                    "td 9,721.2 85",
                    "td 按当量值折算 123",
                ],
            ],
        ],
        ["p", "数据来源：园区统计局。"],
    ],
    "wps-lists.html": [
        ["p", "园区绿色低碳发展的主要任务："],
        [
            "ol",
            [
                [
                    "构建清洁低碳能源体系",
                    [
                        [
                            "ol",
                            [
                                [
                                    "扩大可再生能源利用规模",
                                    [["ol", [["屋顶光伏", []], ["分散式风电", []]]]],
                                ],
                                ["严控煤炭消费", []],
                            ],
                        ]
                    ],
                ],
                ["推动产业绿色转型", []],
            ],
        ],
        ["p", "重点企业名单另附。"],
        [
            "ul",
            [
                ["建立碳排放监测平台", [["ul", [["接入重点用能单位在线监测数据", []]]]]],
                ["开展绿色工厂创建", []],
            ],
        ],
    ],
    "wps-table.html": [
        ["caption", "表2 重点项目投资计划"],
        [
            "table",
            [
                [
                    "th 序号 40",
                    "th 项目名称 170",
                    "th 建设年限 92",
                    "th 总投资（万元） 92",
                    "th 进展 92",
                ],
                [
                    "td 1 40",
                    "td 园区屋顶光伏 170",
                    "td 2021—2023 r2 92",
                    "td 12,000 92",
                    "td 已开工 92",
                ],
                ["td 2 40", "td 集中供热管网改造 170", "td 8,500 92", "td 前期 92"],
                ["td 合计 c3 40,170,92", "td 20,500 92", "td — 92"],
            ],
        ],
        ["p", "投资额以可研批复为准。"],
    ],
}


@pytest.fixture
def plan(world, catalogue):
    return plan_get_or_create(park=world.park_a, cycle=world.cycle)


def editor(page):
    return page.locator(".ProseMirror[contenteditable=true]")


def open_editor(page, live_server, plan, section=SECTION):
    page.goto(live_server.url + reverse("plans:section-edit", args=[plan.pk, section]))
    editor(page).wait_for()


def paste_html(page, html):
    page.evaluate(
        """(html) => {
            const target = document.querySelector('.ProseMirror[contenteditable=true]');
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', target.innerText);
            target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data,
                                                              bubbles: true, cancelable: true}));
        }""",
        html,
    )


def wait_for_autosave(page):
    """Until everything typed is saved (then no request is left to race the test's end)."""
    page.wait_for_function(
        """() => {
            const status = document.getElementById('save-status');
            return status.textContent.includes('已于') && status.classList.contains('text-success');
        }""",
        timeout=15000,
    )


def shape_of_editor(page):
    return editor(page).evaluate(SHAPE_JS)


def shape_of_html(page, html):
    return page.evaluate(
        f"""(html) => {{
            const root = document.createElement('div');
            root.innerHTML = html;
            return ({SHAPE_JS})(root);
        }}""",
        html,
    )


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_word_and_wps_paste_round_trips_through_the_editor(
    fixture, world, plan, live_server, page, login, output_path
):
    # given: the editor of 2.4 (1), empty, and what Word or WPS put on the clipboard
    clipboard = (FIXTURES / fixture).read_text(encoding="utf-8")
    login(page, world.editor_a)
    open_editor(page, live_server, plan)
    editor(page).click()

    # when: it is pasted and the autosave runs
    paste_html(page, clipboard)
    pasted = shape_of_editor(page)
    wait_for_autosave(page)
    page.screenshot(path=f"{output_path}/{fixture}.png", full_page=True)

    # then: the editor shows the document's structure, the server stored the same structure
    # (sanitized: no Word markup), and the editor shows it again after a reload
    assert pasted == EXPECTED[fixture]
    stored = plan.sections.get(key=SECTION).body
    assert shape_of_html(page, stored) == EXPECTED[fixture]
    assert not re.search(r"mso-|Mso|style=|<span|<font|o:p|supportLists", stored), stored
    page.reload()
    editor(page).wait_for()
    assert shape_of_editor(page) == EXPECTED[fixture]


def test_pasted_word_list_keeps_bold_text_and_no_list_marker(world, plan, live_server, page, login):
    # given: the editor
    login(page, world.editor_a)
    open_editor(page, live_server, plan)
    editor(page).click()

    # when: Word's lists are pasted
    paste_html(page, (FIXTURES / "word-lists.html").read_text(encoding="utf-8"))

    # then: the bold item stays bold, and no item starts with its old marker (1. （1） · o 一、)
    html = editor(page).inner_html()
    assert "<strong>推进节能降碳</strong>" in html
    items = editor(page).locator("li > p").all_inner_texts()
    assert len(items) == 12
    assert [text for text in items if re.match(r"^\s*[\d(（一二·o§l]", text)] == []
    wait_for_autosave(page)


def test_a_word_list_pasted_after_written_text_stays_a_list(world, plan, live_server, page, login):
    # given: a paragraph already written, the cursor at its end, and Word's clipboard holding
    # only the nested numbered list (the fixture without its lead-in paragraph)
    clipboard = (FIXTURES / "word-lists.html").read_text(encoding="utf-8")
    lead_in = re.search(r"<p class=MsoNormal.*?</p>", clipboard, re.DOTALL).group(0)
    clipboard = clipboard.replace(lead_in, "", 1)
    login(page, world.editor_a)
    open_editor(page, live_server, plan)
    editor(page).click()
    page.keyboard.type("园区重点任务：")

    # when: it is pasted there
    paste_html(page, clipboard)

    # then: the paragraph is as written, and the list follows it whole (its first item did not
    # run into the paragraph)
    shape = shape_of_editor(page)
    assert shape[0] == ["p", "园区重点任务："]
    assert shape[1] == EXPECTED["word-lists.html"][1]
    wait_for_autosave(page)


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("1. ", "ol"), ("1。", "ol"), ("- ", "ul"), ("* ", "ul")],
)
def test_typing_a_list_marker_at_the_start_of_a_line_starts_a_list(
    typed, tag, world, plan, live_server, page, login
):
    # given: the editor, with the cursor in an empty paragraph
    login(page, world.editor_a)
    open_editor(page, live_server, plan)
    editor(page).click()

    # when: a markdown-style marker and two items are typed ("1。" is what a Chinese input
    # method gives for "1.", followed by its space)
    page.keyboard.type(typed if typed.endswith(" ") else typed + " ")
    page.keyboard.type("推进光伏建设")
    page.keyboard.press("Enter")
    page.keyboard.type("建设储能设施")

    # then: a list with two items, without the marker text
    assert shape_of_editor(page) == [[tag, [["推进光伏建设", []], ["建设储能设施", []]]]]
    wait_for_autosave(page)
    stored = plan.sections.get(key=SECTION).body
    assert stored.startswith(f"<{tag}") and stored.count("<li>") == 2


def word_item(marker, text, level=1, font=""):
    """A Word list paragraph as Word writes it when the paste carries no list definitions."""
    font_style = f" style='font-family:{font}'" if font else ""
    return (
        f"<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:l0 level{level} lfo1'>"
        f"<![if !supportLists]><span{font_style}><span style='mso-list:Ignore'>{marker}"
        "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span>"
        f"<![endif]><span>{text}</span><o:p></o:p></p>"
    )


@pytest.mark.parametrize(
    ("clipboard", "expected"),
    [
        (word_item("3.", "甲") + word_item("4.", "乙"), [["ol@3", [["甲", []], ["乙", []]]]]),
        (
            word_item("b)", "甲") + word_item("c)", "乙"),
            [["ol:lower-alpha@2", [["甲", []], ["乙", []]]]],
        ),
        (word_item("iv.", "甲"), [["ol:lower-roman@4", [["甲", []]]]]),
        (word_item("IX.", "甲"), [["ol:upper-roman@9", [["甲", []]]]]),
        (
            word_item("（三）", "甲") + word_item("①", "乙", 2),
            [["ol@3", [["甲", [["ol", [["乙", []]]]]]]]],
        ),
        (word_item("十二、", "甲"), [["ol@12", [["甲", []]]]]),
        (
            word_item("·", "甲", font="Symbol") + word_item("o", "乙", 2, "Courier New"),
            [["ul", [["甲", [["ul", [["乙", []]]]]]]]],
        ),
        (
            word_item("§", "甲", font="Wingdings") + word_item("l", "乙", font="Wingdings"),
            [["ul", [["甲", []], ["乙", []]]]],
        ),
        (
            word_item("•", "甲") + word_item("1.", "乙"),
            [["ul", [["甲", []]]], ["ol", [["乙", []]]]],
        ),
        (
            "<h2 style='mso-list:l1 level1 lfo2'><![if !supportLists]><span>"
            "<span style='mso-list:Ignore'>第一章<span>&nbsp;&nbsp; </span></span></span>"
            "<![endif]>总则</h2>",
            [["h2", "第一章 总则"]],
        ),
    ],
    ids=[
        "start",
        "letters",
        "roman",
        "upper roman",
        "chinese and circled",
        "chinese tens",
        "symbol bullets",
        "wingdings bullets",
        "bullet then number",
        "numbered heading",
    ],
)
def test_list_markers_decide_numbered_or_bulleted_when_word_sends_no_definitions(
    clipboard, expected, live_server, page
):
    # given: a page of the portal, which serves the paste transformer
    page.goto(f"{live_server.url}/accounts/login/")

    # when: Word list paragraphs without their @list definitions are cleaned
    cleaned = page.evaluate(
        """async ([url, html]) => (await import(url)).cleanPastedHtml(html)""",
        [static("js/office-paste.js"), f"<html><body>{clipboard}</body></html>"],
    )

    # then: the markers decide the kind of list, its numbering and its start; they are gone
    assert shape_of_html(page, cleaned) == expected


TOOLBAR_LABELS_JS = """() => Array.from(
    document.querySelectorAll('.prose-menubar button, .prose-menubar__option'),
    (b) => [b.getAttribute('aria-label') || '', b.getAttribute('title') || '', b.textContent.trim()]
)"""


def test_toolbar_and_menus_are_in_chinese(world, plan, live_server, page, login):
    # given: a user of the Chinese interface (the default)
    login(page, world.editor_a)

    # when: they open the editor, inside a table so that the table buttons show as well
    open_editor(page, live_server, plan)
    editor(page).click()
    paste_html(page, (FIXTURES / "wps-table.html").read_text(encoding="utf-8"))
    editor(page).locator("td").first.click()
    labels = page.evaluate(TOOLBAR_LABELS_JS)

    # then: every button's screen-reader label and tooltip, and every menu entry, is Chinese
    buttons = [(label, title) for label, title, _text in labels if label or title]
    assert len(buttons) >= 25
    english = [label for label, title in buttons if re.search("[A-Za-z]", label + title)]
    assert english == []
    assert all(label == title for label, title in buttons)
    options = [text for label, title, text in labels if not label and not title]
    assert options and [o for o in options if re.search("[A-Za-z]", o)] == []
    assert "一级标题" in options and "正文" in options
    assert ("加粗", "加粗") in buttons
    wait_for_autosave(page)


def test_toolbar_is_in_english_when_the_user_chooses_english(world, plan, live_server, page, login):
    # given: a user who chose English
    login(page, world.editor_a)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )

    # when: they open the editor
    open_editor(page, live_server, plan)
    labels = page.evaluate(TOOLBAR_LABELS_JS)

    # then: the labels are English, the portal's wording
    buttons = {label for label, _title, _text in labels if label}
    assert {"Bold", "Numbered list", "Insert table", "Undo"} <= buttons


def test_the_editor_has_a_name_and_a_skip_link_reaches_it(world, plan, live_server, page, login):
    # given: the section editor
    login(page, world.editor_a)
    open_editor(page, live_server, plan)

    # then: the editing area is a multi-line text box named by the section's heading
    textbox = page.get_by_role("textbox", name=page.locator("#section-heading").inner_text())
    assert textbox.get_attribute("aria-multiline") == "true"
    assert textbox.evaluate("el => el.classList.contains('ProseMirror')")

    # when: the first Tab press of the page is followed by Enter
    page.locator("body").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")

    # then: the skip link said so in Chinese, and typing goes into the editor
    assert focused == "跳到编辑器"
    assert page.evaluate("document.activeElement.classList.contains('ProseMirror')")
    page.keyboard.type("直接输入")
    assert "直接输入" in editor(page).inner_text()
    wait_for_autosave(page)


def test_axe_finds_no_serious_problem_on_the_editor_page(world, plan, live_server, page, login):
    # given: the section editor with pasted Word content in it (lists and a table)
    login(page, world.editor_a)
    open_editor(page, live_server, plan)
    editor(page).click()
    paste_html(page, (FIXTURES / "word-table.html").read_text(encoding="utf-8"))
    paste_html(page, (FIXTURES / "word-lists.html").read_text(encoding="utf-8"))

    # when: axe-core checks the page
    results = Axe().run(page)

    # then: nothing critical or serious
    serious = [v for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert serious == [], results.generate_report()
    wait_for_autosave(page)
