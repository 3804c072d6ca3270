"""Rich text is cleaned on the server whatever the browser sends: an allow-list keeps the document's
structure (paragraphs, headings, nested lists, tables with header cells, merged cells and column
widths, captions, bold) and drops scripts, event handlers, styles, frames and dangerous links.
字数 counts each Chinese character and each Latin word or number."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core.text import plain_text
from parks.models import AuditEntry
from plans.models import Section
from plans.richtext import count_words, sanitize_html
from tests.factories import PlanFactory

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:")
NUMERIC = {"colspan", "rowspan", "start", "width"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_harmless(html: str) -> None:
    """Only allow-listed tags; no handler, style or class attribute; links only to safe schemes
    (or relative); nothing a browser would run."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name} survived in {html!r}"
            assert name not in {"style", "src", "srcdoc", "action", "formaction"}, html
            if name == "class":  # the one class: a caption paragraph
                assert (tag, value) == ("p", "caption"), html
            if name in NUMERIC:
                assert value.isdigit(), html
            if name == "colwidth":
                assert all(part.isdigit() for part in value.split(",")), html
            if name == "href":
                assert value.startswith(SAFE_SCHEMES) or value.startswith("/"), html
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert "data:text" not in lowered


WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="utf-8">
<style>p.MsoNormal{margin:0cm;font-family:宋体}</style></head><body>
<h2 style="mso-outline-level:2">园区概况</h2>
<p class="MsoNormal" style="text-indent:2em;mso-line-height-rule:exactly"><span lang="ZH-CN"
style="font-family:宋体">园区位于<strong>苏州</strong>东部</span><o:p></o:p></p>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<table class="MsoTableGrid" border="1" style="border-collapse:collapse"><tr>
<td colspan="2" style="width:200pt" width="200"><p class="MsoNormal">主要指标</p></td></tr>
<tr><td>单位工业增加值能耗</td><td>0.32</td></tr></table>
<ul style="margin-top:0"><li class="MsoListParagraph">推进节能改造<o:p></o:p></li></ul>
</body></html>"""

# (id, HTML as sent, fragments that must survive, fragments that must be gone)
CASES = [
    ("script", "<p>甲<script>alert(1)</script>乙</p>", ["<p>甲乙</p>"], ["alert(1)"]),
    ("onerror", '<p>图<img src="x" onerror="alert(1)">后</p>', ["<p>图后</p>"], ["onerror"]),
    ("onclick", '<p onclick="steal()">正文</p>', ["<p>正文</p>"], ["onclick", "steal"]),
    ("style", '<p style="color:red;background:url(x)">正文</p>', ["<p>正文</p>"], ["color"]),
    ("javascript link", '<a href="javascript:alert(1)">点此</a>', ["点此"], ["javascript"]),
    ("mixed-case javascript", '<a href="JaVaScRiPt:alert(1)">点</a>', ["点"], ["alert"]),
    ("entity-split javascript", '<a href="java&#x09;script:alert(1)">点</a>', ["点"], ["alert"]),
    (
        "data link",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点</a>',
        ["点"],
        ["base64"],
    ),
    ("vbscript link", '<a href="vbscript:msgbox(1)">点</a>', ["点"], ["vbscript"]),
    (
        "safe links kept",
        '<p><a href="https://www.most.gov.cn/" target="_blank">科技部</a>'
        '<a href="mailto:lvse@example.cn">邮件</a></p>',
        ['href="https://www.most.gov.cn/"', 'href="mailto:lvse@example.cn"'],
        ["target"],
    ),
    ("iframe", '<iframe src="https://evil.example/"></iframe><p>后</p>', ["<p>后</p>"], ["evil"]),
    ("object", '<object data="x.swf"></object><p>后</p>', ["<p>后</p>"], ["x.swf"]),
    ("embed", '<embed src="x.swf"><p>后</p>', ["<p>后</p>"], ["x.swf"]),
    (
        "svg with script",
        '<svg onload="alert(1)"><script>alert(2)</script><circle r="1"/></svg><p>后</p>',
        ["<p>后</p>"],
        ["svg", "circle", "alert"],
    ),
    ("img is not allowed", '<p><img src="https://e.cn/a.png" alt="地图"></p><p>文</p>', [], []),
    (
        "nested script trick",
        "<scr<script>ipt>alert(1)</script>",
        [],
        ["<scr", "<script"],
    ),
    (
        "double-open script trick",
        "<<script>script>alert(1)<</script>/script>",
        [],
        ["<script", "alert(1)"],
    ),
    ("style element", "<style>p{display:none}</style><p>正文</p>", ["<p>正文</p>"], ["display"]),
    (
        "form controls",
        '<form action="https://evil.example/"><input name="a"></form><p>正文</p>',
        ["<p>正文</p>"],
        ["<form", "<input", "evil"],
    ),
    (
        "meta refresh and base",
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<base href="https://evil.example/"><p>正文</p>',
        ["<p>正文</p>"],
        ["evil", "<meta", "<base"],
    ),
    (
        "escaped markup stays text",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        ["<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
        [],
    ),
    (
        "word paste",
        WORD_PASTE,
        [
            "<h2>园区概况</h2>",
            "<p>园区位于<strong>苏州</strong>东部</p>",
            '<td colspan="2" width="200"><p>主要指标</p></td>',  # the column width, a number
            "<tr><td>单位工业增加值能耗</td><td>0.32</td></tr>",
            "<ul><li>推进节能改造</li></ul>",
        ],
        ["Mso", "o:p", "mso-", "font-family", "WordDocument", "Print", "<span", "200pt"],
    ),
    (
        "text formatting kept",
        "<p><em>斜</em><u>下划线</u><s>删除</s>CO<sub>2</sub> m<sup>3</sup><br>换行</p>"
        "<blockquote>引文</blockquote><hr><ol><li>一</li></ol><h3>小标题</h3>",
        [
            "<em>斜</em>",
            "<u>下划线</u>",
            "<s>删除</s>",
            "CO<sub>2</sub>",
            "m<sup>3</sup>",
            "<blockquote>引文</blockquote>",
            "<ol><li>一</li></ol>",
            "<h3>小标题</h3>",
        ],
        [],
    ),
    (
        "table header with colspan",
        '<table><tr><th colspan="3">表头</th></tr></table>',
        ['<th colspan="3">表头</th>'],
        [],
    ),
    (
        "nested lists",
        '<ol start="3" data-type="lower-alpha"><li><p>优化能源结构</p><ol data-type="decimal">'
        "<li><p>屋顶光伏</p><ul><li><p>用户侧储能</p></li></ul></li></ol></li>"
        "<li><p>推进节能降碳</p></li></ol>",
        [
            '<ol start="3" data-type="lower-alpha"><li><p>优化能源结构</p><ol data-type="decimal">'
            "<li><p>屋顶光伏</p><ul><li><p>用户侧储能</p></li></ul></li></ol></li>"
            "<li><p>推进节能降碳</p></li></ol>"
        ],
        [],
    ),
    (
        "header rows, merged cells and column widths",
        '<table><tbody><tr><th rowspan="2" colwidth="113" width="113"><p>能源品种</p></th>'
        '<th colspan="2" colwidth="85,85" width="170"><p>消费量</p></th></tr>'
        '<tr><th colwidth="85" width="85">2019年</th><th colwidth="85" width="85">2020年</th></tr>'
        '<tr><td colwidth="113" width="113">电力</td><td colspan="2" colwidth="85,85" width="170">'
        "1,234.5</td></tr></tbody></table>",
        [
            '<th rowspan="2" colwidth="113" width="113"><p>能源品种</p></th>',
            '<th colspan="2" colwidth="85,85" width="170"><p>消费量</p></th>',
            '<th colwidth="85" width="85">2019年</th>',
            '<td colspan="2" colwidth="85,85" width="170">1,234.5</td>',
        ],
        [],
    ),
    (
        "spans and widths that are not whole numbers",
        '<table><tr><td colspan="2 onmouseover=x" rowspan="-1" colwidth="100,abc" width="50%">'
        '格</td><td width="javascript:alert(1)" colwidth="0">格</td></tr></table>'
        '<ol start="x"><li>项</li></ol>',
        ["<td>格</td><td>格</td>", "<ol><li>项</li></ol>"],
        ["colspan", "rowspan", "colwidth", "width", "alert", "start"],
    ),
    (
        "caption paragraph",
        '<p class="caption MsoCaption" style="text-align:center" onclick="x()">表1 能源消费</p>'
        '<p class="lead">正文</p><h2 class="caption">标题</h2>',
        ['<p class="caption">表1 能源消费</p>', "<p>正文</p>", "<h2>标题</h2>"],
        ["MsoCaption", "lead", "onclick", "text-align"],
    ),
]


@pytest.mark.parametrize(
    ("html", "kept", "gone"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_sanitizer_keeps_structure_and_drops_what_could_run(html, kept, gone):
    # given HTML as a browser, a paste from Word or a hand-made request might send it

    # when it is sanitized
    clean = sanitize_html(html)

    # then the structure is kept, the dangerous parts are gone, and nothing runnable is left
    assert [fragment for fragment in kept if fragment not in clean] == []
    assert [fragment for fragment in gone if fragment in clean] == []
    assert_harmless(clean)


@pytest.mark.parametrize("html", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_sanitizing_twice_changes_nothing(html):
    # given HTML sanitized once (what is stored)
    once = sanitize_html(html)

    # when it is sanitized again (the next save of an unchanged body)
    twice = sanitize_html(once)

    # then it is the same: a stored body never drifts from save to save
    assert twice == once


def test_an_image_does_not_survive_sanitizing():
    # given a paragraph holding only an image (images belong in the figures list), then text
    html = '<p><img src="https://e.cn/a.png" alt="地图"></p><p>园区概况</p>'

    # when it is sanitized
    clean = sanitize_html(html)

    # then the image is gone (no <img>, no src, no alt text); what survives is the text and at
    # most the empty paragraph that held the image
    assert clean in ("<p>园区概况</p>", "<p></p><p>园区概况</p>")
    assert [tag for tag, _attrs in elements(clean)] in (["p"], ["p", "p"])


@pytest.mark.parametrize(
    "html", ["", "   ", "<p></p>", "<p><br></p>", "<p> </p><p><br/></p>", "<script>x</script>"]
)
def test_a_body_with_nothing_in_it_is_stored_empty(html):
    # given what an emptied editor, or only dangerous content, sends

    # when it is sanitized
    clean = sanitize_html(html)

    # then nothing is stored, so the section counts as empty
    assert clean == ""


# --- 字数 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 园区 年 工业增加值: 8 characters; 2020, increased, by, 5: 4 words
        ("园区2020年工业增加值 increased by 5%", 12),
        ("", 0),
        ("绿色发展", 4),
        ("，。；：“”（）", 0),  # Chinese punctuation is not counted
        ("GDP能耗下降13.5%", 6),  # GDP, 能, 耗, 下, 降, and 13.5 as one number
        ("CO2 emissions fell 1,234.5 t", 5),
        ("don't stop", 2),
        ("𠀀𪚥", 2),  # characters outside the Basic Multilingual Plane
    ],
)
def test_count_words_counts_each_chinese_character_and_each_latin_word(text, expected):
    # given a text

    # when its 字数 is counted
    words = count_words(text)

    # then each CJK character and each Latin word or number counts once
    assert words == expected


def test_plain_text_keeps_block_boundaries_and_unescapes():
    # given sanitized HTML with blocks and an escaped character
    html = "<h2>标题</h2><p>甲&amp;乙</p><ul><li>一</li><li>二</li></ul>"

    # when its plain text is taken (for 字数 and length)
    text = plain_text(html)

    # then tags are gone, entities read as characters and blocks do not run together
    assert text.split("\n") == ["标题", "甲&乙", "一", "二"]


# --- through the section editor ---------------------------------------------------------------


def test_posting_dangerous_html_to_the_section_editor_stores_the_sanitized_version(
    world, client_for
):
    # given park A's plan and its editor on section 1.1
    plan = PlanFactory(park=world.park_a)
    url = reverse("plans:section-edit", args=[plan.pk, "1.1"])
    sent = (
        '<p class="MsoNormal" style="color:red" onclick="x()">园区位于<strong>苏州</strong>'
        '<script>alert(1)</script><img src=x onerror="alert(2)"></p>'
        '<a href="javascript:alert(3)">链接</a>'
        '<table><tr><td colspan="2">指标</td></tr></table>'
    )

    # when they save it
    response = client_for(world.editor_a).post(url, {"body": sent, "revision": 0})

    # then the stored body is the sanitized one, and so is what the audit trail records
    assert response.status_code == 302
    section = Section.objects.get(plan=plan, key="1.1")
    assert section.body == sanitize_html(sent)
    assert "<p>园区位于<strong>苏州</strong></p>" in section.body
    assert '<td colspan="2">指标</td>' in section.body
    assert_harmless(section.body)
    entry = AuditEntry.objects.get(target_id=str(section.pk))
    assert entry.changes["body"]["new"] == section.body


def test_autosaving_dangerous_html_stores_the_sanitized_version(world, client_for):
    # given park A's plan and its editor on the preface
    plan = PlanFactory(park=world.park_a)
    url = reverse("plans:section-autosave", args=[plan.pk, "preface"])

    # when the editor's script autosaves HTML with a script and a handler in it
    response = client_for(world.editor_a).post(
        url, {"body": '<p onmouseover="x()">前言<script>alert(1)</script></p>', "revision": 0}
    )

    # then what is stored, and counted, is the clean text
    assert response.status_code == 200
    section = Section.objects.get(plan=plan, key="preface")
    assert section.body == "<p>前言</p>"
    assert (section.word_count, response.json()["words"]) == (2, 2)


def test_preview_shows_the_sanitized_body_and_no_script(world, client_for):
    # given a section saved with a script in it
    plan = PlanFactory(park=world.park_a)
    client = client_for(world.editor_a)
    client.post(
        reverse("plans:section-edit", args=[plan.pk, "1.2"]),
        {"body": "<p>社会发展<script>document.title='x'</script></p>", "revision": 0},
    )

    # when the plan is previewed
    html = client.get(reverse("documents:preview", args=[plan.pk])).content.decode()

    # then the text is shown and the script is not in the page
    assert '<div class="section-body"><p>社会发展</p></div>' in html
    assert "document.title='x'" not in html
