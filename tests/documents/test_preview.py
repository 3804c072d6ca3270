"""The preview: the whole plan as it will print (cover, part 一, table of contents, every chapter
in order with its text, figures, tables, totals and files), read with a fixed number of queries
however many rows the plan has."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parks.models import ParkProfile
from plans import services
from plans.models import Attachment, Plan, Section
from plans.outline import OUTLINE
from tests.factories import (
    AttachmentFactory,
    FigureFactory,
    GroupMemberFactory,
    KeyProjectFactory,
    KeyTaskFactory,
    MilestoneFactory,
    PlanFactory,
)
from tests.plans.helpers import text_of


@pytest.fixture
def plan_a(world):
    return PlanFactory(park=world.park_a)


def preview_url(plan) -> str:
    return reverse("documents:preview", args=[plan.pk])


def _write(plan, key: str, body: str, actor) -> None:
    services.section_save(plan=plan, key=key, body=body, expected_revision=0, actor=actor)


@pytest.fixture
def written_plan(world, plan_a):
    """Park A's plan with text, a task, two projects, a milestone, a member, a figure and a file."""
    ParkProfile.objects.filter(park=world.park_a).update(address="江苏省苏州市星湖街328号")
    _write(plan_a, "preface", "<p>为贯彻落实绿色发展理念，特制定本方案。</p>", world.editor_a)
    _write(plan_a, "1.1", "<p>园区位于苏州市东部。</p>", world.editor_a)
    _write(plan_a, "5.2", "<p>设立绿色发展专项资金。</p>", world.editor_a)
    KeyTaskFactory(
        plan=plan_a,
        name="重点用能企业节能改造",
        department="经济发展局",
        yearly={"2021": "完成诊断10家", "2025": "全部完成"},
    )
    KeyProjectFactory(
        plan=plan_a,
        name="屋顶分布式光伏项目",
        start_year=2022,
        investment=Decimal("8000"),
        government_funds=Decimal("1200.5"),
    )
    KeyProjectFactory(
        plan=plan_a,
        name="污水处理厂提标改造",
        group="emission",
        start_year=2023,
        investment=Decimal("4500.25"),
        government_funds=Decimal("0"),
    )
    MilestoneFactory(plan=plan_a, year=2028, target="园区碳排放达峰")
    GroupMemberFactory(plan=plan_a, name="李清源", group_role="组长")
    FigureFactory(plan=plan_a, section_key="1.1", caption="园区区位图")
    AttachmentFactory(
        plan=plan_a,
        section_key="6.3",
        category="fourteenth_plan",
        filename="苏州工业园区“十四五”规划.pdf",
    )
    return plan_a


def test_preview_shows_the_whole_plan_as_it_will_print(world, client_for, written_plan):
    # given park A's written plan

    # when its editor opens the preview
    response = client_for(world.editor_a).get(preview_url(written_plan))

    # then the cover, part 一, the table of contents and part 二 are there, in that order
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)
    cover = text.index("高新区绿色发展五年行动方案 （2021-2025年）")
    assert text.index("园区名称： 苏州工业园区") > cover
    part_one = text.index("一、园区基本信息")
    toc = text.index("目录", part_one)
    assert cover < part_one < toc
    # part 一 as a table, with what the park filled in and the park's province
    assert "江苏省苏州市星湖街328号" in text[part_one:toc]
    assert "江苏省" in text[part_one:toc]


def test_preview_lists_every_chapter_in_order_after_the_table_of_contents(
    world, client_for, written_plan
):
    # given park A's written plan

    # when the preview is opened
    html = client_for(world.editor_a).get(preview_url(written_plan)).content.decode()

    # then the table of contents links every chapter and x.y section in order, and the chapters
    # follow as headings in the same order
    toc = re.search(r'<nav class="doc-toc".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="#s-([^"]+)"', toc) == [e.key for e, _d in OUTLINE.walk() if e.in_toc]
    chapters = re.findall(r'<h3 class="doc-chapter">(.*?)</h3>', html)
    assert chapters == ["前言", *(f"{e.number}  {e.title}" for e in OUTLINE.entries[1:])]
    assert chapters[1:] == [
        "第一章  基本情况",
        "第二章  绿色发展现状",
        "第三章  目标与指标",
        "第四章  重点任务",
        "第五章  保障措施",
        "第六章  支撑材料",
    ]
    positions = [html.index(f'id="s-{e.key}"') for e in OUTLINE.sections]
    assert positions == sorted(positions)


def test_preview_shows_text_figures_rows_totals_and_files(world, client_for, written_plan):
    # given park A's written plan

    # when the preview is opened
    html = client_for(world.editor_a).get(preview_url(written_plan)).content.decode()
    text = text_of(html)

    # then each section holds its own content
    def section(key):
        return re.search(
            rf'<section class="doc-section[^"]*" id="s-{key}">.*?</section>', html, re.S
        )

    assert "为贯彻落实绿色发展理念，特制定本方案。" in section("preface").group(0)
    one_one = section("1.1").group(0)
    assert "园区位于苏州市东部。" in one_one
    assert "<figcaption>图1-1 园区区位图</figcaption>" in one_one
    tasks = section("4.1").group(0)
    assert all(
        t in tasks for t in ("重点用能企业节能改造", "经济发展局", "完成诊断10家", "全部完成")
    )
    assert "2021年" in tasks and "2025年" in tasks  # a column per plan year
    roadmap = section("4.2").group(0)
    assert "园区碳排放达峰" in roadmap
    projects = section("4.3").group(0)
    assert "屋顶分布式光伏项目" in projects and "污水处理厂提标改造" in projects
    assert "8,000.00" in projects and "4,500.25" in projects
    # totals: 8000 + 4500.25 = 12500.25 in all; 1200.50 government funds; by start year
    assert re.search(r"投资总额（万元）</th>\s*<td[^>]*>12,500.25</td>", projects)
    assert re.search(r"其中政府资金（万元）</th>\s*<td[^>]*>1,200.50</td>", projects)
    assert re.search(r"<th[^>]*>2022</th>\s*<td[^>]*>8,000.00</td>", projects)
    assert re.search(r"<th[^>]*>2023</th>\s*<td[^>]*>4,500.25</td>", projects)
    assert "李清源" in section("5.1").group(0)
    files = section("6.3").group(0)
    assert "园区“十四五”规划：" in files
    assert "苏州工业园区“十四五”规划.pdf" in files
    attachment = Attachment.objects.get(plan=written_plan)
    assert reverse("plans:attachment-download", args=[written_plan.pk, attachment.pk]) in files
    assert "（尚未填写）" in text  # the required sections still empty are marked


def test_preview_marks_only_required_empty_sections_as_missing(world, client_for, plan_a):
    # given an untouched plan

    # when it is previewed
    html = client_for(world.editor_a).get(preview_url(plan_a)).content.decode()

    # then 1.1 (required) is marked not written, 2.3 (4) (optional) and 第二章's own text are not
    def missing(key):
        block = re.search(rf'id="s-{key}">.*?</section>', html, re.S).group(0)
        return "（尚未填写）" in block

    assert missing("1.1") is True
    assert missing("2.3.4") is False
    assert missing("ch2") is False


def test_preview_is_read_only(world, client_for, written_plan):
    # given park A's written plan

    # when its editor opens the preview
    html = client_for(world.editor_a).get(preview_url(written_plan)).content.decode()
    document = re.search(r'<div class="doc-paper">.*', html, re.S).group(0)

    # then the document has no form, no edit, move or remove action
    assert "<form" not in document
    assert "hx-post" not in document
    assert "/edit/" not in document


def _touch(plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def _preview_queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(preview_url(plan))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_preview_query_count_does_not_grow_with_the_rows(world, client_for, plan_a):
    # given a plan with text in a few sections, two rows and a figure and a file
    client = client_for(world.editor_a)
    for key in ("preface", "1.1", "4.1", "4.3"):
        _write(plan_a, key, f"<p>{key} 正文</p>", world.editor_a)
    KeyTaskFactory(plan=plan_a)
    KeyProjectFactory(plan=plan_a)
    FigureFactory(plan=plan_a, section_key="1.1")
    AttachmentFactory(plan=plan_a)
    client.get(preview_url(plan_a))  # anything created on first view (e.g. the profile)
    _touch(plan_a)  # the factories write past the services, which touch the plan
    small = _preview_queries(client, plan_a)

    # when it grows to 40 tasks, 30 projects, 10 figures over two chapters, 8 files, milestones
    # and members, and is previewed again
    KeyTaskFactory.create_batch(39, plan=plan_a)
    KeyProjectFactory.create_batch(29, plan=plan_a)
    FigureFactory.create_batch(5, plan=plan_a, section_key="1.1")
    FigureFactory.create_batch(4, plan=plan_a, section_key="2.2")
    AttachmentFactory.create_batch(7, plan=plan_a, section_key="6.4", category="other")
    MilestoneFactory.create_batch(6, plan=plan_a)
    GroupMemberFactory.create_batch(8, plan=plan_a)
    _touch(plan_a)
    large = _preview_queries(client, plan_a)

    # then the preview reads it with the same number of queries
    assert large == small, (small, large)
    assert small < 40
    # and, nothing changed since, takes it from the shared cache with fewer
    assert _preview_queries(client, plan_a) < small - 15
    html = client.get(preview_url(plan_a)).content.decode()
    assert html.count("<figcaption>") == 10
    assert "图2-4" in html


def test_preview_query_count_is_the_same_for_a_reviewer(world, client_for, plan_a):
    # given a plan with many rows
    KeyTaskFactory.create_batch(20, plan=plan_a)
    FigureFactory.create_batch(3, plan=plan_a)
    Section.objects.filter(plan=plan_a, key="1.1").update(body="<p>正文</p>", text_length=2)
    client_for(world.editor_a).get(preview_url(plan_a))

    # when the editor and province A's reviewer preview it
    as_editor = _preview_queries(client_for(world.editor_a), plan_a)
    client_for(world.reviewer_a).get(preview_url(plan_a))  # the reviewer's session seen once
    as_reviewer = _preview_queries(client_for(world.reviewer_a), plan_a)

    # then both take the same number of queries (no per-row access check)
    assert as_editor == as_reviewer


def test_colgroup_turns_widths_into_percentages_of_the_table():
    from django.template import Context, Template

    template = Template('{% load plans_tags %}{% colgroup "10 20" years|each:5 15 %}')

    printed = template.render(Context({"years": [2021, 2022], "printing": True}))
    on_page = template.render(Context({"years": [2021, 2022]}))

    # 10 + 20 + 5 + 5 + 15 = 55: a style in the PDF, an attribute on the page (the CSP forbids
    # style attributes)
    widths = [f"{w * 100 / 55:.2f}" for w in (10, 20, 5, 5, 15)]
    styled = "".join(f'<col style="width: {w}%">' for w in widths)
    attributes = "".join(f'<col width="{w}%">' for w in widths)
    assert printed == f"<colgroup>{styled}</colgroup>"
    assert on_page == f"<colgroup>{attributes}</colgroup>"
    assert Template("{% load plans_tags %}{% colgroup '' %}").render(Context()) == ""


@pytest.mark.parametrize("widths", ["'10 0'", "'10 -5'", "'10 nan'", "'inf 10'"])
def test_colgroup_refuses_widths_that_are_not_positive(widths):
    from django.template import Context, Template, TemplateSyntaxError

    template = Template("{% load plans_tags %}{% colgroup " + widths + " %}")

    with pytest.raises(TemplateSyntaxError):
        template.render(Context())
