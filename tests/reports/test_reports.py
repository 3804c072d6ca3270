"""Reports that follow an approved plan up (issue 16): what is owed, carried forward from the
approved version and from the previous year's approved report, the rights, the checks."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.build import plan_document
from indicators.attainment import attainment, meets_co2_cut, meets_energy_goal, yearly_cut_since
from indicators.models import IndicatorActual
from plans import services as plan_services
from plans.models import Plan, ProgressStatus, ProjectProgress, Section, TaskProgress
from plans.outline import ANNUAL_OUTLINE, FINAL_OUTLINE
from plans.rows import ROW_KINDS
from plans.status import State
from reports import schedule
from reports.models import ReportDeadline
from reports.selectors import report_lines
from reports.services import report_start
from review.selectors import submission_checklist
from review.services import version_freeze
from tests.queries import signed_in_queries, unread_count_queries

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def approved(plan_in):
    return plan_in(State.APPROVED, ready=True)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _approve(report, world):
    """The report's version frozen and approved, as the workflow would leave it."""
    version_freeze(plan=report, actor=world.manager_a)
    Plan.objects.filter(pk=report.pk).update(status=State.APPROVED)
    report.refresh_from_db()


# --- what is owed and when ---------------------------------------------------------------------


def test_an_approved_plan_owes_a_report_per_year_over_and_the_final_evaluation(world, approved):
    lines = report_lines(user=world.manager_a, plan=approved, today=TODAY)
    assert [(line.owed.kind, line.owed.data_year) for line in lines] == [
        ("annual", 2021),
        ("annual", 2022),
        ("annual", 2023),
        ("annual", 2024),
        ("annual", 2025),
        ("final", None),
    ]
    assert lines[0].owed.due == datetime.date(2022, 3, 31)
    assert lines[-1].owed.due == datetime.date(2026, 6, 30)
    assert all(line.is_overdue for line in lines)  # nothing started, all past due on 2026-11-30


def test_a_year_not_over_is_not_owed(world):
    assert [o.key for o in schedule.owed(world.cycle, today=datetime.date(2023, 5, 1))] == [
        ("annual", 2021),
        ("annual", 2022),
    ]


def test_an_admin_set_deadline_replaces_the_rule(world, approved):
    ReportDeadline.objects.create(
        cycle=world.cycle, kind="annual", data_year=2025, due_date=datetime.date(2027, 1, 15)
    )
    lines = {line.owed.key: line for line in report_lines(user=world.manager_a, plan=approved)}
    assert lines[("annual", 2025)].owed.due == datetime.date(2027, 1, 15)
    assert not lines[("annual", 2025)].is_overdue


def test_a_plan_not_approved_owes_nothing(world, plan_in):
    assert report_lines(user=world.manager_a, plan=plan_in(State.NATIONAL_REVIEW)) == []


# --- carried forward from the approved version --------------------------------------------------


def test_a_report_starts_filled_in_from_the_approved_version(world, approved):
    frozen = approved.versions.get().frozen
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)

    assert (report.kind, report.data_year, report.follows, report.park) == (
        "annual",
        2024,
        approved,
        world.park_a,
    )
    assert report.outline_version == ANNUAL_OUTLINE.version
    assert report.status == State.DRAFT
    assert report.due_date == datetime.date(2025, 3, 31)
    assert report.data_years == [2024]
    assert report.title == "2024年度绿色发展行动方案实施情况报告"
    assert set(Section.objects.filter(plan=report).values_list("key", flat=True)) == {
        e.key for e in ANNUAL_OUTLINE.sections
    }

    actuals = list(IndicatorActual.objects.filter(plan=report))
    assert len(actuals) == len(frozen.indicators) > 0
    for row, item in zip(actuals, frozen.indicators, strict=True):
        assert (row.name, row.unit, row.direction) == (item.name, item.unit, item.direction)
        assert row.target == item.target(2024)
        assert row.carried_from == item.id
        assert row.actual is None

    tasks = list(TaskProgress.objects.filter(plan=report))
    assert [t.name for t in tasks] == [r.get("name") for r in frozen.rows("tasks")]
    assert [t.milestone for t in tasks] == [
        (r.get("yearly") or {}).get("2024", "") for r in frozen.rows("tasks")
    ]
    assert all(t.status == ProgressStatus.IN_PROGRESS for t in tasks)

    projects = list(ProjectProgress.objects.filter(plan=report))
    assert [(p.name, p.planned_end_year) for p in projects] == [
        (r.get("name"), r.get("end_year")) for r in frozen.rows("projects")
    ]
    assert [p.planned_investment for p in projects] == [
        Decimal(str(r.get("investment"))) for r in frozen.rows("projects")
    ]


def test_the_final_evaluation_carries_the_period_targets(world, approved):
    frozen = approved.versions.get().frozen
    report = report_start(plan=approved, kind="final", data_year=None, actor=world.manager_a)
    assert report.outline_version == FINAL_OUTLINE.version
    assert report.data_years == [2021, 2022, 2023, 2024, 2025]
    targets = list(IndicatorActual.objects.filter(plan=report).values_list("target", flat=True))
    assert targets == [item.target(2025) for item in frozen.indicators]


def test_the_next_year_carries_the_previous_approved_report(world, approved):
    first = report_start(plan=approved, kind="annual", data_year=2023, actor=world.editor_a)
    project = ProjectProgress.objects.filter(plan=first).first()
    ProjectProgress.objects.filter(pk=project.pk).update(
        status=ProjectProgress.Status.UNDER_CONSTRUCTION,
        actual_start=datetime.date(2022, 4, 1),
        invested=Decimal("1234.50"),
        invested_government=Decimal("200"),
        note="主体工程完工60%",
    )
    task = TaskProgress.objects.filter(plan=first).first()
    TaskProgress.objects.filter(pk=task.pk).update(
        status=ProgressStatus.CANCELLED, reason="上级政策调整，任务取消。"
    )
    ProjectProgress.objects.create(
        plan=first,
        position=99,
        name="园区屋顶分布式光伏二期",
        planned_start_year=2023,
        planned_end_year=2024,
        planned_investment=Decimal("800"),
        is_added=True,
    )
    typed = IndicatorActual.objects.filter(plan=first, derivation="").first()
    IndicatorActual.objects.filter(pk=typed.pk).update(actual=Decimal("0.163"))
    _approve(first, world)

    second = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    assert second.carried_from_year == 2023
    # the chart's line of actuals: last year's, carried; the plan's yearly targets, carried
    again = IndicatorActual.objects.get(plan=second, carried_from=typed.carried_from)
    assert again.earlier == {"2023": "0.163000"}
    plan_targets = next(
        i.targets for i in approved.versions.get().frozen.indicators if i.id == typed.carried_from
    )
    assert again.planned == plan_targets
    carried = ProjectProgress.objects.get(plan=second, carried_from=project.carried_from)
    assert carried.status == ProjectProgress.Status.UNDER_CONSTRUCTION
    assert carried.actual_start == datetime.date(2022, 4, 1)
    assert (carried.invested, carried.invested_government) == (Decimal("1234.50"), Decimal(200))
    assert carried.note == "主体工程完工60%"
    added = ProjectProgress.objects.get(plan=second, name="园区屋顶分布式光伏二期")
    assert added.is_added and added.carried_from is None
    cancelled = TaskProgress.objects.get(plan=second, carried_from=task.carried_from)
    assert cancelled.status == ProgressStatus.CANCELLED
    assert cancelled.reason == "上级政策调整，任务取消。"


def test_a_report_in_draft_is_not_carried(world, approved):
    first = report_start(plan=approved, kind="annual", data_year=2023, actor=world.editor_a)
    ProjectProgress.objects.filter(plan=first).update(invested=Decimal(99))
    second = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    assert not ProjectProgress.objects.filter(plan=second, invested=Decimal(99)).exists()


# --- rights and refusals ------------------------------------------------------------------------


def test_only_staff_who_edit_within_their_park_start_a_report(world, approved):
    with pytest.raises(PermissionDenied):
        report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_b)
    with pytest.raises(PermissionDenied):
        report_start(plan=approved, kind="annual", data_year=2024, actor=world.reviewer_a)
    assert not Plan.objects.filter(kind="annual").exists()


def test_a_report_needs_an_approved_plan_a_year_over_and_is_started_once(world, plan_in):
    draft = plan_in(State.NATIONAL_REVIEW)
    with pytest.raises(ValidationError, match=r"未获批准|not approved"):
        report_start(plan=draft, kind="annual", data_year=2024, actor=world.editor_a)
    Plan.objects.filter(pk=draft.pk).update(status=State.APPROVED)
    with pytest.raises(ValidationError):
        report_start(plan=draft, kind="annual", data_year=2026, actor=world.editor_a)
    report_start(plan=draft, kind="annual", data_year=2024, actor=world.editor_a)
    with pytest.raises(ValidationError):
        report_start(plan=draft, kind="annual", data_year=2024, actor=world.editor_a)
    assert Plan.objects.filter(kind="annual").count() == 1


def test_the_pages(world, approved, client_for):
    client = client_for(world.editor_a)
    page = client.get(reverse("reports:list", args=[approved.pk]))
    assert page.status_code == 200
    assert "2024年度实施情况报告" in page.content.decode()
    started = client.post(
        reverse("reports:start", args=[approved.pk]), {"kind": "annual", "data_year": "2024"}
    )
    report = Plan.objects.get(kind="annual", data_year=2024)
    assert started.url == reverse("plans:plan-detail", args=[report.pk])
    detail = client.get(started.url).content.decode()
    assert "2024年度绿色发展行动方案实施情况报告" in detail
    section = client.get(reverse("plans:section-edit", args=[report.pk, "actuals"]))
    assert section.status_code == 200
    assert 'id="rows-actuals"' in section.content.decode()
    # the plan's own pages still find the plan, not the report
    entry = client.get(reverse("plans:plan-entry", args=[world.park_a.pk]))
    assert entry.url == reverse("plans:plan-detail", args=[approved.pk])
    # a reviewer reads the list but starts nothing
    reviewer = client_for(world.reviewer_a)
    assert reviewer.get(reverse("reports:list", args=[approved.pk])).status_code == 200
    refused = reviewer.post(
        reverse("reports:start", args=[approved.pk]), {"kind": "annual", "data_year": "2023"}
    )
    assert refused.status_code == 403


# --- written reasons ----------------------------------------------------------------------------


def test_a_missed_target_a_slipped_task_or_project_needs_a_reason(world, approved):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    typed = IndicatorActual.objects.filter(plan=report, derivation="", target__isnull=False)
    actual = typed.first()
    assert actual is not None
    wrong = actual.target + 1 if actual.direction == "lower" else actual.target - 1
    with pytest.raises(ValidationError) as missed:
        plan_services.row_update(
            kind=ROW_KINDS["actuals"],
            row=actual,
            actor=world.editor_a,
            data={"actual": wrong, "data_source": "园区统计公报", "reason": ""},
            expected_revision=actual.revision,
        )
    assert "reason" in missed.value.message_dict
    plan_services.row_update(
        kind=ROW_KINDS["actuals"],
        row=actual,
        actor=world.editor_a,
        data={"actual": wrong, "data_source": "园区统计公报", "reason": "重点企业扩产，能耗上升。"},
        expected_revision=actual.revision,
    )
    task = TaskProgress.objects.filter(plan=report).first()
    with pytest.raises(ValidationError) as behind:
        plan_services.row_update(
            kind=ROW_KINDS["task_progress"],
            row=task,
            actor=world.editor_a,
            data={"status": ProgressStatus.BEHIND, "reason": ""},
            expected_revision=task.revision,
        )
    assert "reason" in behind.value.message_dict
    project = ProjectProgress.objects.filter(plan=report, planned_end_year__lt=2024).first()
    if project is not None:
        with pytest.raises(ValidationError) as slipped:
            plan_services.row_update(
                kind=ROW_KINDS["project_progress"],
                row=project,
                actor=world.editor_a,
                data={"status": ProjectProgress.Status.UNDER_CONSTRUCTION, "reason": ""},
                expected_revision=project.revision,
            )
        assert "reason" in slipped.value.message_dict


def test_rows_of_the_plan_stay_in_the_report(world, approved):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    task = TaskProgress.objects.filter(plan=report).first()
    with pytest.raises(ValidationError):
        plan_services.row_delete(
            kind=ROW_KINDS["task_progress"],
            row=task,
            actor=world.editor_a,
            expected_revision=task.revision,
        )
    assert TaskProgress.objects.filter(pk=task.pk).exists()


# --- attainment, by hand ------------------------------------------------------------------------


def test_attainment_against_the_target_in_the_indicators_direction():
    exact = attainment("lower", Decimal("0.40"), Decimal("0.40"), Decimal("0.50"))
    assert (exact.met, exact.gap, exact.change, exact.change_pct) == (
        True,
        Decimal(0),
        Decimal("-0.10"),
        Decimal("-20.00"),
    )
    over = attainment("lower", Decimal("0.40"), Decimal("0.43"))
    assert (over.met, over.gap, over.label) == (False, Decimal("0.03"), "未达成")
    higher = attainment("higher", Decimal("95"), Decimal("93.5"), Decimal("90"))
    assert (higher.met, higher.gap, higher.change_pct) == (False, Decimal("1.5"), Decimal("3.89"))
    assert attainment("higher", None, Decimal(1)).met is None


def test_the_national_goals_on_actuals():
    assert meets_energy_goal(Decimal("0.4")) is True
    assert meets_energy_goal(Decimal("0.4001")) is False
    # 1.0 → 0.8 in 5 years: 1 - 0.8^(1/5) = 4.36 % a year
    cut = yearly_cut_since(Decimal("1.0"), Decimal("0.8"), 5)
    assert cut.quantize(Decimal("0.01")) == Decimal("4.36")
    assert meets_co2_cut(Decimal("1.0"), Decimal("0.8"), 5) is True
    # 1.0 → 0.85 in 5 years: 3.20 % a year, short of 4 %
    assert meets_co2_cut(Decimal("1.0"), Decimal("0.85"), 5) is False


# --- the report as a document: preview, frozen version, PDF -------------------------------------


def test_the_report_prints_its_actuals_tasks_and_projects(world, approved, client_for):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    typed = IndicatorActual.objects.filter(plan=report, derivation="", target__isnull=False)
    actual = typed.first()
    wrong = actual.target + 1 if actual.direction == "lower" else actual.target - 1
    IndicatorActual.objects.filter(pk=actual.pk).update(actual=wrong, reason="重点企业扩产。")

    html = client_for(world.editor_a).get(reverse("documents:preview", args=[report.pk]))
    assert html.status_code == 200
    text = html.content.decode()
    assert "2024年度绿色发展行动方案实施情况报告" in text
    assert "表 指标实际值与目标对照（2024年）" in text
    assert "未达成（差距" in text and "原因说明：重点企业扩产。" in text
    assert "表 重点任务进展" in text and "表 重点项目进展（截至2024年底）" in text
    assert f'aria-label="{actual.name}：实际值与目标"' in text

    doc = plan_document(report)
    missed = [item for item in doc.actuals if item.row.pk == actual.pk]
    assert missed[0].result.met is False
    assert missed[0].result.gap == Decimal(1)

    version = version_freeze(plan=report, actor=world.manager_a)
    frozen_rows = version.frozen.rows("actuals")
    assert [r.id for r in frozen_rows] == list(
        IndicatorActual.objects.filter(plan=report).values_list("pk", flat=True)
    )
    assert version.frozen.rows("tasks") == []  # a report freezes its own tables only

    Plan.objects.filter(pk=report.pk).update(status=State.PROVINCE_REVIEW)
    page = client_for(world.reviewer_a).get(reverse("review:version", args=[report.pk, 1]))
    assert page.status_code == 200
    shown = page.content.decode()
    assert "表 指标实际值与目标对照（2024年）" in shown and "原因说明：重点企业扩产。" in shown


def test_the_checklist_asks_for_actuals_and_reasons_not_for_the_plans_indicators(world, approved):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    typed = IndicatorActual.objects.filter(plan=report, derivation="")
    first, *others = list(typed)
    wrong = first.target + 1 if first.direction == "lower" else (first.target or 0) - 1
    IndicatorActual.objects.filter(pk=first.pk).update(actual=wrong, data_source="园区统计年报")
    task = TaskProgress.objects.filter(plan=report).first()
    TaskProgress.objects.filter(pk=task.pk).update(status=ProgressStatus.BEHIND)
    ProjectProgress.objects.filter(plan=report).update(status=ProjectProgress.Status.CANCELLED)

    messages = [item.message for item in submission_checklist(report)]
    assert not any("必填指标" in m or "required indicator" in m for m in messages)
    assert f"指标“{first.name}”未达成本年度目标：请说明原因。" in messages
    assert all(f"指标“{o.name}”：请填写实际值及数据来源。" in messages for o in others)
    assert f"重点任务“{task.name}”：请说明滞后、取消或调整的原因。" in messages
    assert (
        sum("重点项目“" in m for m in messages)
        == ProjectProgress.objects.filter(plan=report).count()
    )


def test_the_yearly_co2_cut_of_a_report_is_measured_from_the_2020_baseline(world, approved):
    """1.0 t/万元 in 2020 → 0.8 in 2024: 1 - 0.8^(1/4) = 5.43 % a year (by hand), although an
    annual report's own tables hold one year only."""
    from types import SimpleNamespace

    from indicators.selectors import actual_rows

    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    intensity = IndicatorActual(
        plan=report,
        name="单位工业增加值二氧化碳排放量",
        direction="lower",
        derivation="co2_intensity_iav",
        baseline=Decimal("1.0"),
        target=Decimal("0.85"),
    )
    cut = IndicatorActual(
        plan=report,
        name="单位工业增加值二氧化碳排放量年均削减率",
        direction="higher",
        derivation="co2_intensity_cut_rate",
        target=Decimal("4"),
    )
    numbers = SimpleNamespace(
        derived={"co2_intensity_iav": {2024: Decimal("0.8")}, "co2_intensity_cut_rate": {}}
    )
    rows = actual_rows(report, [intensity, cut], numbers)
    assert rows[0].result.met is True and rows[0].yearly_cut.quantize(Decimal("0.01")) == Decimal(
        "5.43"
    )
    assert rows[1].computed and rows[1].actual.quantize(Decimal("0.01")) == Decimal("5.43")
    assert rows[1].result.met is True


def test_figures_print_with_their_own_decimals_and_years_ungrouped():
    from indicators.templatetags.indicators_tags import measured

    assert measured(Decimal("0.170000"), "吨标准煤/万元") == "0.17"
    assert measured(Decimal("2030.000000"), "年") == "2030"
    assert measured(Decimal("1234567.5"), "万元") == "1,234,567.5"
    assert measured(Decimal("0.123456"), "%") == "0.1235"
    assert measured(None) == ""


def test_the_plans_facts_of_a_carried_row_are_not_in_its_form(world, approved, client_for):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    project = ProjectProgress.objects.filter(plan=report).first()
    client = client_for(world.editor_a)
    edit = reverse("plans:row-edit", args=[report.pk, "project_progress", project.pk])
    form = client.get(edit).content.decode()
    assert 'name="status"' in form and 'name="invested"' in form
    assert 'name="planned_end_year"' not in form and 'name="is_added"' not in form
    # a planned end year posted anyway changes nothing
    client.post(
        edit,
        {
            "status": "under_construction",
            "invested": "100",
            "invested_government": "0",
            "planned_end_year": "2030",
            "reason": "用地审批延后。",
            "revision": project.revision,
        },
    )
    project.refresh_from_db()
    assert project.planned_end_year != 2030 and project.invested == Decimal(100)
    # a project the park adds is marked as added during implementation
    client.post(
        reverse("plans:row-create", args=[report.pk, "project_progress"]),
        {
            "name": "园区储能电站",
            "planned_start_year": "2024",
            "planned_end_year": "2025",
            "planned_investment": "3000",
            "status": "under_construction",
            "invested": "500",
            "invested_government": "0",
            "revision": "",
        },
    )
    added = ProjectProgress.objects.get(plan=report, name="园区储能电站")
    assert added.is_added and added.carried_from is None


def test_a_plan_reopened_after_approval_keeps_its_reports_listed(world, approved):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    Plan.objects.filter(pk=approved.pk).update(status=State.RETURNED)
    approved.refresh_from_db()
    lines = report_lines(user=world.manager_a, plan=approved)
    assert [(line.owed.key, line.report) for line in lines] == [(("annual", 2024), report)]


def test_a_report_has_no_reports_of_its_own(world, approved, client_for):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    client = client_for(world.editor_a)
    assert client.get(reverse("reports:list", args=[report.pk])).status_code == 404
    started = client.post(
        reverse("reports:start", args=[report.pk]), {"kind": "annual", "data_year": "2023"}
    )
    assert started.status_code == 404
    # nor an indicators page of the plan's kind (it would write the plan's indicators into it)
    assert client.get(reverse("indicators:indicator-list", args=[report.pk])).status_code == 404
    assert not report.indicators.exists()


def test_a_typed_actual_needs_its_data_source_and_a_reason_of_spaces_is_none(world, approved):
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    typed = IndicatorActual.objects.filter(plan=report, derivation="", target__isnull=False)
    row = typed.first()
    IndicatorActual.objects.filter(pk=row.pk).update(actual=row.target, data_source="  ")
    task = TaskProgress.objects.filter(plan=report).first()
    TaskProgress.objects.filter(pk=task.pk).update(status=ProgressStatus.BEHIND, reason="   ")
    messages = [item.message for item in submission_checklist(report)]
    assert f"指标“{row.name}”：请填写实际值及数据来源。" in messages
    assert f"重点任务“{task.name}”：请说明滞后、取消或调整的原因。" in messages


def test_a_report_reads_against_the_previous_years_approved_report(world, approved, client_for):
    from review.diff import as_previous_year, version_diff

    first = report_start(plan=approved, kind="annual", data_year=2023, actor=world.editor_a)
    project = ProjectProgress.objects.filter(plan=first).first()
    ProjectProgress.objects.filter(pk=project.pk).update(
        status=ProjectProgress.Status.UNDER_CONSTRUCTION, invested=Decimal("1200")
    )
    _approve(first, world)
    second = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    carried = ProjectProgress.objects.get(plan=second, carried_from=project.carried_from)
    ProjectProgress.objects.filter(pk=carried.pk).update(invested=Decimal("2600"))
    version = version_freeze(plan=second, actor=world.manager_a)

    diff = version_diff(
        as_previous_year(first.versions.get().frozen, version.frozen), version.frozen
    )
    moved = [p for p in diff.parts if p.anchor == f"row:project_progress:{carried.pk}"]
    assert [p.status for p in moved] == ["changed"]  # the same project, not removed and added
    assert not [p for p in diff.parts if p.status != "changed" and "progress" in p.anchor]

    Plan.objects.filter(pk=second.pk).update(status=State.PROVINCE_REVIEW)
    reviewer = client_for(world.reviewer_a)
    page = reviewer.get(reverse("review:version", args=[second.pk, 1])).content.decode()
    link = reverse("review:version-year-on-year", args=[second.pk, 1])
    assert link in page and "与已批准的2023年度报告对照" in page
    compared = reviewer.get(link).content.decode()
    assert "2024年度报告（第1版）与已批准的2023年度报告（第1版）对照" in compared
    assert carried.name in compared and "2,600" in compared
    # the first year has nothing to read against; another park's staff find nothing
    assert (
        reviewer.get(reverse("review:version-year-on-year", args=[first.pk, 1])).status_code == 404
    )
    other = client_for(world.editor_b)
    assert other.get(link).status_code == 404


def test_an_actual_names_its_evidence_among_the_reports_own_files(world, approved, client_for):
    from tests.factories import AttachmentFactory

    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    evidence = AttachmentFactory(
        plan=report, section_key="report_evidence", category="evidence", filename="2024统计年报.pdf"
    )
    elsewhere = AttachmentFactory(plan=approved, section_key="6.3", category="fourteenth_plan")
    row = IndicatorActual.objects.filter(plan=report, derivation="").first()
    edit = reverse("plans:row-edit", args=[report.pk, "actuals", row.pk])
    client = client_for(world.editor_a)
    typed = {"actual": "0.15", "data_source": "园区统计年报", "reason": "", "revision": 0}
    # a file of another plan is not a choice: refused beside the field, nothing saved
    refused = client.post(edit, {**typed, "evidence": elsewhere.pk}).content.decode()
    assert "选择一个有效的选项" in refused
    row.refresh_from_db()
    assert row.evidence_id is None and row.actual is None
    client.post(edit, {**typed, "evidence": evidence.pk})
    row.refresh_from_db()
    assert row.evidence == evidence and row.actual == Decimal("0.15")
    preview = client.get(reverse("documents:preview", args=[report.pk])).content.decode()
    assert "佐证：2024统计年报.pdf" in preview
    version = version_freeze(plan=report, actor=world.manager_a)
    frozen = next(r for r in version.frozen.rows("actuals") if r.id == row.pk)
    assert frozen.get("evidence_id") == evidence.pk


def test_saving_a_project_progress_row_costs_a_fixed_number_of_queries(world, approved, client_for):
    # given the 2024 report's first project, as its edit form posts it
    report = report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)
    project = ProjectProgress.objects.filter(plan=report).first()
    client = client_for(world.editor_a)
    edit = reverse("plans:row-edit", args=[report.pk, "project_progress", project.pk])

    def save(invested):
        return client.post(
            edit,
            {
                "status": "under_construction",
                "invested": invested,
                "invested_government": "0",
                "reason": "用地审批延后。",
                "revision": project.revision,
            },
        )

    save("110")  # what a process caches (the session, the audit's content type), read once
    project.refresh_from_db()

    # when it is saved
    with CaptureQueriesContext(connection) as saved:
        response = save("120")

    # then it is saved, and the report (its data year, for the slip check) is read once: the
    # plan the page looked up serves the row's check, its audit row and the plan's touch
    project.refresh_from_db()
    assert response.status_code == 200 and project.invested == Decimal(120)
    plans_read = [
        q["sql"] for q in saved.captured_queries if q["sql"].startswith('SELECT "plans_plan"."id"')
    ]
    assert len(plans_read) == 1, [q[-90:] for q in plans_read]
    # (the session and the user from the cache where Redis is configured, else from the database)
    count = 17 + signed_in_queries() + unread_count_queries()
    assert len(saved) == count, [q["sql"][:100] for q in saved.captured_queries]
