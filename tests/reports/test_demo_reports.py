"""The demo's reports (issue 16, item 9): seed_demo approves the demo plan through the workflow
and writes its 2021-2024 annual reports, reviewed and approved through the workflow by the demo
users (2022's returned once), and the 2025 report in draft; the second demo park's plan is begun
and left in draft for its editor. Once: a second run writes nothing."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import IndicatorActual, TableData
from indicators.selectors import report_actuals
from parks.models import User
from plans.models import Plan, ProgressStatus, ProjectProgress, Section, TaskProgress
from plans.status import State
from portal.demo.park import DEMO_PARK_A, DEMO_PARK_B, seed_demo
from portal.demo.plan import draft_sections
from review.models import Comment, PdfDocument, StatusChange, Version
from review.workflow import ReturnReason
from tests.factories import CycleFactory, ensure_catalogue


@pytest.fixture
def demo(db, settings):
    settings.DEMO = True
    # the PDFs of record are asked for as in production; the test's transaction never commits,
    # so they stay queued instead of taking WeasyPrint a few seconds each
    settings.PDF_RENDER_ON_TRANSITION = True
    CycleFactory()
    ensure_catalogue()
    started = time.perf_counter()
    seed_demo()
    print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    return Plan.objects.get(park__seed_key=DEMO_PARK_A, kind=Plan.Kind.PLAN)


INTENSITY = "单位工业增加值综合能耗"


def reports_of(plan):
    return {r.data_year: r for r in Plan.objects.filter(follows=plan).order_by("data_year")}


def test_the_demo_plan_is_approved_through_the_workflow(demo):
    assert demo.status == State.APPROVED
    assert list(
        StatusChange.objects.filter(plan=demo).order_by("pk").values_list("action", flat=True)
    ) == ["submit", "start", "forward", "start", "approve"]


def test_the_demo_has_approved_2021_2024_reports_and_a_2025_draft(demo):
    reports = reports_of(demo)
    assert sorted(reports) == [2021, 2022, 2023, 2024, 2025]
    assert {y: r.status for y, r in reports.items()} == {
        **dict.fromkeys([2021, 2022, 2023, 2024], State.APPROVED),
        2025: State.DRAFT,
    }
    for year in (2021, 2022, 2023, 2024):
        report = reports[year]
        assert report.versions.count() == (2 if year == 2022 else 1)  # 2022 returned once
        assert TableData.objects.filter(plan=report).count() == 4
        economy = TableData.objects.get(plan=report, table="economy").values
        assert list(economy["iav"]) == [str(year)]
        for line in report_actuals(report):
            assert not line.needs_reason, (year, line.row.name)


def test_the_demo_actuals_fall_from_the_baseline_and_one_target_is_missed(demo):
    reports = reports_of(demo)
    intensity = {
        year: next(r for r in report_actuals(reports[year]) if r.row.name == INTENSITY)
        for year in (2021, 2022, 2023, 2024)
    }
    baseline = intensity[2021].row.baseline
    actuals = [intensity[y].actual for y in (2021, 2022, 2023, 2024)]
    assert baseline > actuals[0] > actuals[1] > actuals[2] > actuals[3]
    assert [intensity[y].result.met for y in (2021, 2022, 2023, 2024)] == [True, False, True, True]
    assert "疫情" in intensity[2022].row.reason
    assert IndicatorActual.objects.filter(plan=reports[2024]).exclude(data_source="").exists()


def test_the_demo_has_a_task_behind_a_project_late_and_one_added(demo):
    reports = reports_of(demo)
    behind = TaskProgress.objects.get(plan=reports[2022], status=ProgressStatus.BEHIND)
    assert "储能" in behind.reason
    late = ProjectProgress.objects.get(plan=reports[2024], name="园区集中供热管网改造项目")
    assert late.status == ProjectProgress.Status.COMPLETED
    assert late.slipped_years(2024) == 1 and "审批" in late.reason
    assert [
        (year, ProjectProgress.objects.filter(plan=reports[year], is_added=True).count())
        for year in (2021, 2022, 2023, 2024, 2025)
    ] == [(2021, 0), (2022, 1), (2023, 1), (2024, 1), (2025, 1)]  # carried forward


STRAIGHT = [
    ("submit", "suzhou_manager"),
    ("start", "jiangsu"),
    ("forward", "jiangsu"),
    ("start", "national"),
    ("approve", "national"),
]
RETURNED_ONCE = [
    ("submit", "suzhou_manager"),
    ("start", "jiangsu"),
    ("return", "jiangsu"),
    *STRAIGHT,
]


def test_each_approved_report_went_through_the_workflow_as_the_demo_users(demo):
    # given the demo seeded
    reports = reports_of(demo)

    # then each approved report was submitted, reviewed and approved by the demo users, with
    # the declaration and the opinions; 2022's was returned once and submitted again
    for year in (2021, 2022, 2023, 2024):
        changes = list(StatusChange.objects.filter(plan=reports[year]).order_by("pk"))
        steps = [(c.action, c.actor.username) for c in changes]
        assert steps == (RETURNED_ONCE if year == 2022 else STRAIGHT), year
        assert changes[-1].target == State.APPROVED
        assert all(c.declaration for c in changes if c.action == "submit")
        assert all(c.opinion for c in changes if c.action in ("return", "forward", "approve"))
        assert changes[-1].acting_body and str(year) in changes[-1].opinion
    assert not StatusChange.objects.filter(plan=reports[2025]).exists()


def test_the_returned_report_has_the_provinces_comment_on_the_missed_row_and_the_answer(demo):
    # given the demo seeded
    report = reports_of(demo)[2022]
    missed = IndicatorActual.objects.get(plan=report, name=INTENSITY)
    first, second = Version.objects.filter(plan=report).order_by("number")

    # then the province returned it for its content, with a comment on the missed target's row
    returned = StatusChange.objects.get(plan=report, action="return")
    assert returned.reasons == [ReturnReason.CONTENT] and returned.version == first
    comment = Comment.objects.get(version=first, parent=None)
    assert comment.anchor == f"row:actuals:{missed.pk}"
    assert INTENSITY in comment.anchor_label and comment.author.username == "jiangsu"
    assert comment.published
    # the park answered in the thread, and the province resolved it on the second version
    (answer,) = Comment.objects.filter(parent=comment)
    assert answer.author.username == "suzhou_editor" and "数据中心" in answer.body
    assert comment.is_resolved and comment.resolved_by.username == "jiangsu"
    # the reason was written out between the two versions
    frozen = [
        next(r for r in version.frozen.rows("actuals") if r.id == missed.pk)
        for version in (first, second)
    ]
    assert "数据中心" not in frozen[0].get("reason")
    assert "数据中心" in frozen[1].get("reason") == missed.reason
    # the other reports had nothing to answer
    assert Comment.objects.filter(version__plan__follows=demo).count() == 2


def test_each_approved_report_has_its_pdfs_of_record_asked_for(demo):
    # given the demo seeded (its PDFs stay queued: the test's transaction never commits)
    reports = reports_of(demo)

    # then every submitted version has its PDF, and the approved version its stamped PDF,
    # requested by who submitted and who approved
    for year in (2021, 2022, 2023, 2024):
        versions = list(Version.objects.filter(plan=reports[year]).order_by("number"))
        pdfs = PdfDocument.objects.filter(plan=reports[year])
        assert sorted((p.version.number, p.kind) for p in pdfs) == sorted(
            [(v.number, PdfDocument.Kind.SUBMITTED) for v in versions]
            + [(versions[-1].number, PdfDocument.Kind.APPROVED)]
        )
        approved = pdfs.get(kind=PdfDocument.Kind.APPROVED)
        assert approved.state == PdfDocument.State.QUEUED
        assert approved.requested_by.username == "national"
    assert not PdfDocument.objects.filter(plan=reports[2025]).exists()


def test_the_second_demo_park_has_a_draft_plan_its_editor_can_write(demo, client):
    # given the demo seeded
    plan = Plan.objects.get(park__seed_key=DEMO_PARK_B, kind=Plan.Kind.PLAN)
    editor = User.objects.get(username="hangzhou_editor")

    # then its plan is a draft begun in a few sections, never submitted
    assert plan.status == State.DRAFT and not plan.versions.exists()
    written = Section.objects.filter(plan=plan, revision__gt=0)
    assert sorted(written.values_list("key", flat=True)) == sorted(draft_sections(plan))
    assert sorted(draft_sections(plan)) == ["1.1", "1.2", "preface"]
    assert Section.objects.filter(plan=plan, revision=0).exists()  # the rest is left to write

    # when its editor opens a section and writes the next one
    client.force_login(editor)
    opened = client.get(reverse("plans:section-edit", args=[plan.pk, "1.2"]))
    saved = client.post(
        reverse("plans:section-edit", args=[plan.pk, "1.3"]),
        {"body": "<p>园区主导产业为数字经济。</p>", "revision": 0, "is_done": "on"},
    )

    # then the editor is in the editor, not redirected to a read-only page, and it is saved
    assert opened.status_code == 200
    assert "统计口径" in opened.content.decode()
    assert saved.status_code == 302
    assert "数字经济" in Section.objects.get(plan=plan, key="1.3").body


def test_seed_demo_twice_writes_nothing_more(demo):
    def counts():
        return [
            model.objects.count()
            for model in (Plan, StatusChange, TableData, Version, Comment, PdfDocument)
        ] + [sorted(Section.objects.values_list("pk", "revision"))]

    before = counts()
    with CaptureQueriesContext(connection) as queries:
        seed_demo()
    assert counts() == before
    assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
