"""The plan's PDF (core.pdf, static/css/print.css): the demo plan printed as a typeset document
(cover with the seal, part 一, 目录 with the pages the chapters start on, each chapter on a new
page, running header and 第 X 页 / 共 Y 页, wide tables on landscape pages, nothing beyond the
margins, the 草稿 watermark on drafts only), rendered without touching the network.

The demo plan is seeded and printed once for the module (as a draft and as a submitted version),
inside a transaction that is rolled back; the tests read the two PDFs with poppler-utils."""

import base64
import functools
import logging
import re
import shutil
import socket
import subprocess
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from core.pdf import render_pdf
from documents.build import plan_document, storage_file_url
from documents.pdf import pdf_html
from plans.models import Plan
from plans.outline import OUTLINE
from portal.demo.numbers import GDP
from portal.demo.park import DEMO_PARK_A, seed_demo
from tests.factories import CycleFactory, ensure_catalogue
from tests.plans.helpers import image_bytes

# Every test needs the test database set up, the module's shared fixture included.
pytestmark = pytest.mark.django_db

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfimages"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdfimages) is not installed"
)

RUNNING_TITLE = "苏州工业园区 · 第2版"
MM = 72 / 25.4  # PDF points per millimetre
RIGHT_MARGIN_MM = 20  # print.css: @page and @page wide


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo plan of 苏州工业园区 printed as a draft and as a submitted version, with what
    WeasyPrint logged while printing them."""
    folder = tmp_path_factory.mktemp("pdf")
    records = _Records()
    weasyprint_logger = logging.getLogger("weasyprint")
    with django_db_blocker.unblock(), transaction.atomic():
        CycleFactory()
        ensure_catalogue()
        seed_demo()
        plan = Plan.objects.select_related("park", "cycle").get(
            park__seed_key=DEMO_PARK_A, kind=Plan.Kind.PLAN
        )
        doc = plan_document(plan, file_url=storage_file_url)

        extra = '<section class="approval"><h2>批复意见</h2></section>'
        draft_html = pdf_html(doc=doc, draft=True, running_title=RUNNING_TITLE, extra_html=extra)
        # the profile, its rows and the seal default to the document's own
        final_html = pdf_html(doc=doc, draft=False, running_title=RUNNING_TITLE, extra_html=extra)
        weasyprint_logger.addHandler(records)
        try:
            draft_pdf, draft_pages = render_pdf(draft_html)
            final_pdf, final_pages = render_pdf(final_html)
        finally:
            weasyprint_logger.removeHandler(records)
        park_name = plan.park.name
        seal_url = doc.seal_url
        transaction.set_rollback(True)
    (folder / "draft.pdf").write_bytes(draft_pdf)
    (folder / "final.pdf").write_bytes(final_pdf)
    return SimpleNamespace(
        park_name=park_name,
        seal_url=seal_url,
        draft_html=draft_html,
        final_html=final_html,
        draft=folder / "draft.pdf",
        final=folder / "final.pdf",
        draft_pages=draft_pages,
        final_pages=final_pages,
        records=records.records,
    )


# --- reading the PDF --------------------------------------------------------------------------


@functools.cache  # a whole-document run takes a second or two (poppler re-reads the CJK fonts)
def pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pages_text(path: Path, *options: str) -> list[str]:
    """Each page's text (pdftotext ends every page with a form feed)."""
    return pdftotext(path, *options).split("\f")[:-1]


def page_text(path: Path, number: int) -> str:
    return pdftotext(path, "-layout", "-f", str(number), "-l", str(number))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def heading_pattern(heading: str) -> str:
    """A heading as pdftotext may space it out."""
    return r"\s*".join(re.escape(char) for char in heading if not char.isspace())


def pages_with_words(path: Path) -> list[tuple[float, list[tuple[str, float]]]]:
    """Each page's width and its words with their right edges (points), from pdftotext -bbox."""
    html = pdftotext(path, "-bbox")
    result = []
    for width, body in re.findall(
        r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', html, re.S
    ):
        words = re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" [^>]*>([^<]*)<', body
        )
        result.append((float(width), [(text, float(x_max)) for x_max, text in words]))
    return result


def pdfimages_list(path: Path, *options: str) -> str:
    """pdfimages -list: page, num, type, width, height, ... of every image."""
    return subprocess.run(
        ["pdfimages", "-list", *options, str(path)], check=True, capture_output=True, text=True
    ).stdout


def pdf_objects(path: Path) -> bytes:
    """The PDF with its compressed streams inflated (link annotations live in object streams)."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n", data, re.S):
        length = re.search(rb"/Length (\d+)", match.group(1))
        if length and b"/FlateDecode" in match.group(1):
            raw = data[match.end() : match.end() + int(length.group(1))]
            try:
                parts.append(zlib.decompress(raw))
            except zlib.error:
                continue
    return b"\n".join(parts)


def page_sizes(path: Path) -> list[tuple[float, float]]:
    html = pdftotext(path, "-bbox")
    return [
        (float(w), float(h))
        for w, h in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', html)
    ]


# --- the document -----------------------------------------------------------------------------


@needs_poppler
def test_the_demo_plan_prints_the_cover_part_one_the_toc_and_every_chapter_in_order(demo):
    # given the demo plan printed (as submitted: the draft's watermark would mix with the text)
    pages = pages_text(demo.final, "-layout")

    # then the page count is the one render_pdf reported, the cover names the park, part 一 is
    # on page 2 and 目录 on page 3
    assert len(pages) == demo.draft_pages == demo.final_pages
    assert 25 <= len(pages) <= 60
    assert demo.park_name in pages[0] and "高新区绿色发展五年行动方案" in pages[0]
    assert "（加盖公章）" in pages[0]
    assert "一、园区基本信息" in pages[1]
    assert "二、绿色发展五年行动方案" in pages[2] and "目录" in squeezed(pages[2])
    # each of the six chapters (and 前言) starts a page, in the outline's order
    starts = []
    for entry in OUTLINE.entries:
        found = [
            n
            for n, text in enumerate(pages, start=1)
            if n > 3 and re.match(heading_pattern(entry.heading), lines(text)[1])
        ]
        assert len(found) == 1, (entry.heading, found)
        starts.append(found[0])
    assert starts == sorted(starts)
    # a number from the 2016-2020 data tables (园区生产总值 2016, 万元)
    assert f"{GDP[2016]:,}" in "".join(pages[starts[-1] - 1 :])


@needs_poppler
def test_every_page_after_the_cover_has_the_running_header_and_page_x_of_y(demo):
    pages = pages_text(demo.final, "-layout")
    total = len(pages)

    # the cover carries neither header nor page number
    assert RUNNING_TITLE not in pages[0]
    assert "页" not in pages[0]
    # every other page: the park and version on top, 第 X 页 / 共 Y 页 at the bottom
    for number, text in enumerate(pages[1:], start=2):
        assert lines(text)[0] == RUNNING_TITLE, number
        assert lines(text)[-1] == f"第 {number} 页 / 共 {total} 页", number
    assert "第 2 页 / 共" in pages[1]


@needs_poppler
def test_the_toc_gives_the_page_each_chapter_and_section_starts_on(demo):
    # given the 目录 page of the printed plan
    toc_page = 3
    toc = page_text(demo.final, toc_page)
    assert "目录" in squeezed(toc)

    # then every entry has dotted leaders and a page number, and that page shows the heading
    for entry, depth in ((e, d) for e, d in OUTLINE.walk() if e.in_toc):
        match = re.search(heading_pattern(entry.heading) + r"\s*\.{3,}\s*(\d+)", toc)
        assert match, entry.heading
        number = int(match.group(1))
        assert number > toc_page, entry.heading
        printed = page_text(demo.final, number)
        assert re.search(heading_pattern(entry.heading), printed), (entry.heading, number)
        if depth == 0:  # a chapter starts its page, just under the running header
            assert re.match(heading_pattern(entry.heading), lines(printed)[1]), entry.heading


@needs_poppler
def test_the_draft_has_the_watermark_on_every_page_and_the_submitted_version_none(demo):
    # the watermark is rotated text: read it in content-stream order (-raw)
    draft = pages_text(demo.draft, "-raw")
    final = pages_text(demo.final, "-raw")

    assert all("草稿" in squeezed(text) for text in draft)
    assert not any("稿" in text for text in final)
    assert 'class="pdf pdf-draft"' in demo.draft_html
    assert "pdf-draft" not in demo.final_html and "pdf-watermark" not in demo.final_html


@needs_poppler
def test_the_seal_is_printed_on_the_cover(demo):
    # given the demo park's seal, read from the private storage
    assert demo.seal_url.startswith("private:seals/")

    # when the images of the submitted version are listed
    rows = [
        line.split() for line in pdfimages_list(demo.final, "-f", "1", "-l", "1").splitlines()[2:]
    ]

    # then page 1 holds one image (the seal, with its transparency as a soft mask)
    cover = [row for row in rows if row[0] == "1"]
    assert [row[2] for row in cover] == ["image", "smask"]


@needs_poppler
def test_no_text_is_printed_beyond_the_right_margin(demo):
    # given every page of the submitted version (portrait and landscape)
    for number, (width, words) in enumerate(pages_with_words(demo.final), start=1):
        # then no word ends beyond the right margin (half a point of rounding)
        limit = width - RIGHT_MARGIN_MM * MM + 0.5
        beyond = [(text, round(x, 1)) for text, x in words if x > limit]
        assert beyond == [], (number, width, beyond)


@needs_poppler
def test_the_wide_tables_are_on_landscape_pages_and_the_rest_on_portrait(demo):
    pages = pages_text(demo.final, "-layout")
    sizes = page_sizes(demo.final)

    def landscape(caption):
        numbers = [n for n, text in enumerate(pages) if caption in squeezed(text)]
        assert numbers, caption
        return all(sizes[n][0] > sizes[n][1] for n in numbers)

    assert landscape("表重点任务（按年度分解）")
    assert landscape("表重点建设项目汇总")
    # the chapters after 第四章 are back on portrait pages
    fifth = next(n for n, text in enumerate(pages) if "第五章保障措施" in squeezed(text) and n > 2)
    assert all(width < height for width, height in sizes[fifth:])
    assert sizes[0][0] < sizes[0][1]


@needs_poppler
def test_no_page_is_empty(demo):
    # every page holds more than its running header and page number
    for number, text in enumerate(pages_text(demo.final, "-layout"), start=1):
        body = [line for line in lines(text) if line != RUNNING_TITLE and "页 / 共" not in line]
        assert body, number


def test_the_toc_links_to_the_chapters_and_no_link_names_a_storage_file(demo):
    objects = pdf_objects(demo.final)

    # the 目录 entries are links inside the document
    assert objects.count(b"/Subtype /Link") >= len([e for e, _d in OUTLINE.walk() if e.in_toc])
    # the attachments are listed by name, but no link points at a private storage name
    assert "private:attachments/" not in demo.final_html
    assert b"private:" not in objects


def test_printing_the_demo_plan_logs_no_error(demo):
    errors = [r.getMessage() for r in demo.records if r.levelno >= logging.ERROR]
    assert errors == []


def test_the_print_page_is_standalone_and_ends_with_the_extra_html(demo):
    html = demo.draft_html

    # a whole page of its own: no portal layout, no Bootstrap, no script
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "<script" not in html and "bootstrap" not in html.lower()
    assert "<link" not in html  # the stylesheet is handed to WeasyPrint, never fetched
    # the running title and the extra page (not escaped) after the document
    assert f'<div class="running-title" aria-hidden="true">{RUNNING_TITLE}</div>' in html
    assert html.index("</article>") < html.index('<section class="approval"><h2>批复意见</h2>')
    # the files come from the private storage
    assert f'src="{demo.seal_url}"' in html
    assert "/info/seal/" not in html and "/figures/" not in html


# --- the URL fetcher --------------------------------------------------------------------------


def test_rendering_refuses_every_url_but_private_storage_and_data_without_network(
    monkeypatch, caplog
):
    # given a page with images on http, https, file and ftp, and a socket that fails the test
    def no_network(*args, **kwargs):
        pytest.fail("rendering opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    urls = [
        "http://example.com/x.png",
        "https://example.com/y.png",
        "file:///etc/hostname",
        "ftp://example.com/z.png",
    ]
    html = "<p>测试</p>" + "".join(f'<img src="{url}">' for url in urls)

    # when it is rendered
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf, pages = render_pdf(html)

    # then the PDF is made without those images, and each refusal is logged
    assert pdf.startswith(b"%PDF") and pages == 1
    failures = [r.getMessage() for r in caplog.records if "Failed to load image" in r.getMessage()]
    assert len(failures) == len(urls)
    for url in urls:
        assert any(url in message and "reads no external URL" in message for message in failures)


@needs_poppler
def test_rendering_embeds_images_from_private_storage_and_data_urls(tmp_path, caplog):
    # given a PNG in the private storage and another as a data: URL
    from django.core.files.storage import storages

    name = storages["private"].save("figures/test/map.png", ContentFile(image_bytes()))
    data = base64.b64encode(image_bytes(size=(30, 20))).decode()
    html = f'<img src="private:{name}"><img src="data:image/png;base64,{data}">'

    # when it is rendered
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf, _pages = render_pdf(html)

    # then both images are in the PDF and nothing was refused
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    rows = [line.split() for line in pdfimages_list(path).splitlines()[2:]]
    sizes = sorted((row[3], row[4]) for row in rows)
    assert sizes == [("30", "20"), ("64", "48")]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_rendering_refuses_private_files_that_are_not_images(caplog):
    # given a private file the document has no business embedding
    from django.core.files.storage import storages

    name = storages["private"].save("attachments/test/plan.pdf", ContentFile(b"%PDF-1.4\n"))

    # when a page points an image at it
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(f'<img src="private:{name}">')

    # then it is refused
    assert any("Not an image type" in r.getMessage() for r in caplog.records)


def words_with_boxes(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words as (text, xMin, yMin, xMax, yMax), from pdftotext -bbox."""
    html = pdftotext(path, "-bbox")
    word = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<'
    )
    return [
        [
            (text, float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, text in word.findall(body)
        ]
        for body in re.findall(r"<page [^>]*>(.*?)</page>", html, re.S)
    ]


@needs_poppler
def test_no_word_runs_into_another(demo):
    # the tables with declared column widths are laid out without measuring their cells: a
    # figure wider than its column would run over the next cell; nothing does
    for number, words in enumerate(words_with_boxes(demo.final), start=1):
        if number == 1:
            continue  # the cover: the seal is meant to sit over the name line
        for i, (text, x0, y0, x1, y1) in enumerate(words):
            for other, ox0, oy0, ox1, oy1 in words[i + 1 :]:
                # glyph boxes of consecutive lines touch; words on one line do not
                overlap_x = min(x1, ox1) - max(x0, ox0)
                overlap_y = min(y1, oy1) - max(y0, oy0)
                same_line = overlap_y > 0.5 * min(y1 - y0, oy1 - oy0)
                assert overlap_x < 0.5 or not same_line, (number, text, other)


def test_the_long_tables_declare_a_width_for_every_column(demo):
    # the tables laid out without measuring (tasks, projects, roadmap, members, indicators)
    fixed = r'<table class="[^"]*doc-table-fixed[^"]*">(.*?)</table>'
    tables = re.findall(fixed, demo.final_html, re.S)
    assert len(tables) == 5
    for table in tables:
        widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', table)]
        header = re.search(r"<thead>(.*?)</thead>", table, re.S).group(1)
        # one width per column of the header, together the table's whole width
        assert len(widths) == header.count("<th ")
        assert abs(sum(widths) - 100) < 0.1
        assert min(widths) >= 3


@needs_poppler
def test_the_figures_of_the_tables_with_declared_widths_are_printed_whole(demo):
    # given the numbers in the number cells of those tables (amounts, baselines, targets)
    fixed = r'<table class="[^"]*doc-table-fixed[^"]*">(.*?)</table>'
    cells = re.findall(
        r'<td class="text-end">(.*?)</td>', "".join(re.findall(fixed, demo.final_html, re.S)), re.S
    )
    figures = {squeezed(re.sub(r"<[^>]+>", "", cell)) for cell in cells} - {"—", ""}
    assert len(figures) >= 10

    # then each is one word of the PDF: none was wrapped inside its column
    words = {text for page in words_with_boxes(demo.final) for text, *_box in page}
    assert sorted(figures - words) == []


@needs_poppler
def test_a_figure_too_long_for_its_column_wraps_between_digit_groups(tmp_path):
    from django.template import Context, Template

    # given the largest amount a project takes (14 digits) in a 21 mm column of a fixed table
    amount = Template("{% load plans_tags %}{{ value|wrap_at_groups }}").render(
        Context({"value": "999,999,999,999.99"})
    )
    assert amount == "999,<wbr>999,<wbr>999,<wbr>999.99"
    html = (
        '<table class="doc-table doc-table-fixed" style="width: 63mm">'
        '<colgroup><col style="width: 66.67%"><col style="width: 33.33%"></colgroup>'
        f'<tbody><tr><td>投资总额</td><td class="text-end">{amount}</td></tr></tbody></table>'
    )

    # when it is printed
    path = tmp_path / "amount.pdf"
    path.write_bytes(render_pdf(html)[0])

    # then it wraps after a thousands separator, each line whole groups of digits
    words = [text for text, *_box in words_with_boxes(path)[0] if text != "投资总额"]
    assert len(words) > 1 and "".join(words) == "999,999,999,999.99"
    assert all(re.fullmatch(r"(\d{1,3},)*\d{3}(\.\d\d)?|\d{1,3},(\d{3},)*", w) for w in words)


@needs_poppler
def test_the_charts_are_svg_images_whose_text_is_printed(demo):
    # the PDF's page holds each chart as an SVG image (read once, as a drawing), not inline
    charts = demo.final_html.count('class="doc-chart-image" src="data:image/svg+xml;base64,')
    assert charts >= 3
    assert "<svg" not in demo.final_html
    # and the charts' legends are printed, as text
    text = squeezed(pdftotext(demo.final))
    assert text.count("基准值与目标值") >= charts
