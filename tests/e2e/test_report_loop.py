"""The yearly loop as its people live it (issue 16): the park starts its 2024 implementation
report from the approved plan, writes a section, fills the year's data tables by Excel (the
energy intensity is computed from them), gives a slipped project its reason and submits; the
province comments on a missed target and returns; the park answers and resubmits; the province
forwards and the national reviewer approves; the PDF of record prints the actual-against-target
table."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from indicators.models import IndicatorActual
from indicators.selectors import report_actuals
from indicators.workbook import FIRST_DATA_ROW, KEY_COLUMN, SHEET_NAMES, UNIT_COLUMN
from notifications.models import Notification
from plans import services as plan_services
from plans.models import Plan, ProjectProgress, Section
from plans.outline import ANNUAL_OUTLINE
from plans.rows import ROW_KINDS
from plans.status import State
from review.models import PdfDocument
from review.selectors import submission_checklist
from tests.e2e.a11y import serious_violations
from tests.e2e.conftest import act
from tests.e2e.plan_states import approve

pytestmark = [pytest.mark.e2e, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]

ASKED = "单位工业增加值综合能耗未达成年度目标，请补充分析原因及下一步措施。"
ANSWERED = "已补充：2024年新投产数据中心用能集中释放，2025年起随技改项目投运回落。"
SLIPPED = "受用地审批影响，项目推迟至2025年完工。"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 11, 30)
    )


def accessible(page) -> None:
    assert serious_violations(page) == [], page.url


def shoot(page, path: str) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.screenshot(path=f"{path}-{size['width']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def fill_the_rest(report, world) -> None:
    """What the flow does not type in the browser: the other sections written and marked
    complete, the typed indicators' actuals and the other projects' progress."""
    for entry in ANNUAL_OUTLINE.sections:
        if entry.key in ("overview",) or not entry.required:
            continue
        section = Section.objects.get(plan=report, key=entry.key)
        plan_services.section_save(
            plan=report,
            key=entry.key,
            body=f"<p>{entry.title}：按年度计划推进。</p>",
            is_done=True,
            expected_revision=section.revision,
            actor=world.editor_a,
        )
    for row in IndicatorActual.objects.filter(plan=report, derivation=""):
        value = row.target if row.target is not None else row.baseline or Decimal(1)
        plan_services.row_update(
            kind=ROW_KINDS["actuals"],
            row=row,
            actor=world.editor_a,
            data={"actual": value, "data_source": "园区统计年报", "reason": ""},
            expected_revision=row.revision,
        )


def test_a_park_reports_2024_the_province_returns_it_and_the_nation_approves(
    world, plan, live_server, session, output_path, tmp_path, today
):
    url = live_server.url
    approve(world, plan)
    assert plan.status == State.APPROVED
    park = session(world.manager_a)

    # the park opens its approved plan's reports and starts the 2024 report
    park.goto(url + reverse("reports:list", args=[plan.pk]))
    row = park.locator('tr[data-report="annual-2024"]')
    expect(row).to_contain_text("2024年度实施情况报告")
    expect(row).to_contain_text("已逾期")
    accessible(park)
    shoot(park, f"{output_path}/reports")
    row.get_by_role("button", name="创建报告").click()
    park.wait_for_load_state("networkidle")
    report = Plan.objects.get(follows=plan, kind="annual", data_year=2024)
    expect(park.locator("h1")).to_have_text("2024年度绿色发展行动方案实施情况报告")
    fill_the_rest(report, world)

    # ... writes 一、总体进展 in the editor and marks it complete
    park.goto(url + reverse("plans:section-edit", args=[report.pk, "overview"]))
    editor = park.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    editor.type("2024年园区持续推进绿色低碳转型，重点任务总体按计划推进。")
    park.get_by_label("本节已完成").check()
    park.get_by_role("button", name="保存").first.click()
    park.wait_for_load_state("networkidle")
    assert "持续推进绿色低碳转型" in Section.objects.get(plan=report, key="overview").body

    # ... fills the 2024 data tables by Excel: downloads the workbook, types the year's figures
    park.goto(url + reverse("indicators:data", args=[report.pk]))
    with park.expect_download() as download:
        park.get_by_role("link", name="下载工作簿（含当前数据）").click()
    downloaded = tmp_path / "downloaded.xlsx"
    download.value.save_as(downloaded)
    book = load_workbook(downloaded)
    year_figures = {
        "economy": {"iav": 1_000_000, "gdp": 2_500_000},
        "water": {"total": 1000, "fresh": 300, "reused": 700},
        "pollutants": {
            "wastewater": 200,
            "cod": 150,
            "nh3n": 10,
            "so2": 50,
            "nox": 80,
            "sw_generated": 20,
            "sw_utilised": 18,
            "sw_stored": 1,
            "hazardous": 500,
        },
    }
    for table, values in year_figures.items():
        sheet = book[SHEET_NAMES[table]]
        for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
            key = sheet.cell(row=r, column=KEY_COLUMN).value
            if key in values:
                sheet.cell(row=r, column=UNIT_COLUMN + 1, value=values[key])
    energy = book[SHEET_NAMES["energy"]]
    for r in range(FIRST_DATA_ROW, energy.max_row + 1):
        if energy.cell(row=r, column=KEY_COLUMN).value == "raw_coal":
            energy.cell(row=r, column=UNIT_COLUMN + 1, value=700_000)  # 万吨? as the unit says
    filled = tmp_path / "2024.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    filled.write_bytes(buffer.getvalue())
    park.locator("input[name=workbook]").set_input_files(str(filled))
    park.get_by_role("button", name="检查工作簿").click()
    park.wait_for_load_state("networkidle")
    park.get_by_role("button", name="保存这些修改").click()
    park.wait_for_load_state("networkidle")
    actuals = {a.row.derivation: a for a in report_actuals(report) if a.computed}
    intensity = actuals["energy_intensity_iav"]
    assert intensity.actual is not None and intensity.result.met is False

    # ... sees the missed target in the report and gives the reason
    park.goto(url + reverse("plans:section-edit", args=[report.pk, "actuals"]))
    missed = park.locator(f"#row-actuals-{intensity.row.pk}")
    expect(missed).to_contain_text("未达成")
    missed.get_by_role("button", name="编辑").click()
    form = park.locator("#rows-actuals form")
    form.locator("[name=reason]").fill("新投产数据中心用能集中释放。")
    form.get_by_role("button", name="保存此行").click()
    expect(park.locator("#rows-actuals")).to_contain_text("新投产数据中心用能集中释放。")
    accessible(park)
    shoot(park, f"{output_path}/actuals")

    # ... gives a slipped project its reason (planned to finish in 2023, still being built)
    late = ProjectProgress.objects.filter(plan=report).first()
    ProjectProgress.objects.filter(pk=late.pk).update(planned_end_year=2023)
    park.goto(url + reverse("plans:section-edit", args=[report.pk, "project_progress"]))
    park.locator(f"#row-project_progress-{late.pk}").get_by_role("button", name="编辑").click()
    form = park.locator("#rows-project_progress form")
    form.locator("[name=status]").select_option("under_construction")
    form.get_by_role("button", name="保存此行").click()
    expect(form.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    form.locator("[name=reason]").fill(SLIPPED)
    form.get_by_role("button", name="保存此行").click()
    expect(park.locator("#rows-project_progress")).to_contain_text(SLIPPED)
    for other in ProjectProgress.objects.filter(plan=report).exclude(pk=late.pk):
        if other.slipped_years(2024):
            ProjectProgress.objects.filter(pk=other.pk).update(reason="按计划调整。")

    for item in report_actuals(report):  # the other missed targets' reasons, as typed before
        if item.needs_reason:
            plan_services.row_update(
                kind=ROW_KINDS["actuals"],
                row=item.row,
                actor=world.editor_a,
                data={"reason": "产业结构调整期，能耗与排放阶段性上升。"},
                expected_revision=item.row.revision,
            )

    # ... and submits it: nothing is missing
    assert [m.message for m in submission_checklist(report)] == []
    park.goto(url + reverse("review:panel", args=[report.pk]))
    act(park, report, "submit", declared=True)
    expect(park.locator("[data-plan-status]")).to_have_text("已提交省级审核")
    # the province hears which of the park's submissions moved
    told = Notification.objects.filter(user=world.reviewer_a).latest("pk").message
    assert told.startswith("苏州工业园区《2024年度绿色发展行动方案实施情况报告》"), told

    # the province comments on the missed target and returns the report
    province = session(world.reviewer_a)
    province.goto(url + reverse("review:panel", args=[report.pk]))
    act(province, report, "start")
    province.goto(url + reverse("review:version", args=[report.pk, 1]))
    block = province.locator(f'.comment-block[data-anchor="row:actuals:{intensity.row.pk}"]')
    block.locator("summary").click()
    block.locator("textarea[name=body]").fill(ASKED)
    block.get_by_role("button", name="添加意见").click()
    province.wait_for_load_state("networkidle")
    expect(province.locator(".comment").first).to_contain_text(ASKED)
    accessible(province)
    province.goto(url + reverse("review:panel", args=[report.pk]))
    act(province, report, "return", reasons=["content"], opinion="请补充未达成指标的原因分析。")

    # the park answers on the actuals and resubmits
    park.goto(url + reverse("plans:section-edit", args=[report.pk, "actuals"]))
    threads = park.locator("#part-threads")
    expect(threads).to_contain_text(ASKED)
    threads.locator("textarea[name=body]").fill(ANSWERED)
    threads.get_by_role("button", name="答复").click()
    park.wait_for_load_state("networkidle")
    park.goto(url + reverse("review:panel", args=[report.pk]))
    act(park, report, "submit", declared=True)

    # the province forwards, the national reviewer approves
    province.goto(url + reverse("review:panel", args=[report.pk]))
    act(province, report, "start")
    province.goto(url + reverse("review:version", args=[report.pk, 2]))
    province.locator(".comment-carried", has_text=ASKED).get_by_role(
        "button", name="标记为已解决"
    ).click()
    province.wait_for_load_state("networkidle")
    province.goto(url + reverse("review:panel", args=[report.pk]))
    act(province, report, "forward", opinion="同意报送。")
    national = session(world.national)
    national.goto(url + reverse("review:panel", args=[report.pk]))
    act(national, report, "start")
    act(national, report, "approve", opinion="同意该园区2024年度实施情况报告。")
    expect(national.locator("[data-plan-status]")).to_have_text("审核通过")
    assert Plan.objects.get(pk=report.pk).status == State.APPROVED

    # the PDF of record prints the actual-against-target table
    expect(national.locator('#pdfs [data-pdf-state="done"]')).not_to_have_count(0, timeout=90_000)
    pdf = PdfDocument.objects.get(plan=report, kind="approved")
    path = tmp_path / "report.pdf"
    with pdf.file.open("rb") as source:
        path.write_bytes(source.read())
    text = (
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
        .stdout.replace("\n", "")
        .replace(" ", "")
    )
    assert "表指标实际值与目标对照（2024年）" in text
    assert "2024年度绿色发展行动方案实施情况报告" in text
    assert "新投产数据中心用能集中释放。" in text
    assert "《2024年度绿色发展行动方案实施情况报告》第2版审核通过" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "4", str(path), f"{output_path}/pdf"],
        check=True,
    )
