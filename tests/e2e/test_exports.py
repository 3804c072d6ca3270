"""The Excel export in the browser: the national admin opens the exports page, asks for a
workbook of the approved plans, sees it ready and downloads it; an export the worker finishes
later turns ready on the page by itself (htmx polling)."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from plans.status import State
from summaries.exports import export_run
from summaries.models import ExportJob
from tests.review.helpers import walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_national_admin_exports_the_approved_plans_and_downloads_the_workbook(
    world, plan, live_server, session, output_path
):
    # given park A's plan approved
    walk(plan, world, State.APPROVED)
    admin = session(world.admin)

    # the national admin opens the exports page: approved plans are chosen already
    admin.goto(live_server.url + reverse("summaries:exports"))
    expect(admin.get_by_role("heading", name="Excel 导出")).to_be_visible()
    expect(admin.get_by_label("审核通过")).to_be_checked()
    expect(admin.get_by_label("草稿")).to_have_count(0)  # drafts are never offered

    # asks for the workbook and sees it ready
    admin.get_by_role("button", name="生成工作簿").click()
    admin.wait_for_load_state("networkidle")
    jobs = admin.locator("#export-jobs")
    expect(jobs.locator('[data-export-state="done"]')).to_have_count(1, timeout=60_000)
    expect(jobs).to_contain_text("1 个园区")
    admin.screenshot(path=output_path + "-exports.png", full_page=True)

    # and downloads it: the workbook of the approved plan, named in Chinese
    with admin.expect_download() as download:
        jobs.get_by_role("link", name="下载工作簿").click()
    assert download.value.suggested_filename.startswith(
        "高新区绿色发展行动方案汇总-全国-2021-2025-"
    )
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    assert workbook.sheetnames[:3] == ["说明", "1 填报状态", "2 指标"]
    parks = [row[1] for row in workbook["1 填报状态"].iter_rows(min_row=2, values_only=True)]
    assert parks == [world.park_a.name]


def test_an_export_the_worker_finishes_later_turns_ready_without_a_reload(
    world, live_server, session
):
    # given an export still waiting for a worker
    job = ExportJob.objects.create(requested_by=world.national, cycle=world.cycle.code)
    page = session(world.national)
    page.goto(live_server.url + reverse("summaries:exports"))
    row = page.locator(f'[data-export="{job.pk}"]')
    expect(row).to_have_attribute("data-export-state", "queued")

    # when the worker makes it
    export_run(job.pk)

    # then the page shows it ready within a few seconds, with its download
    expect(page.locator(f'[data-export="{job.pk}"]')).to_have_attribute(
        "data-export-state", "done", timeout=10_000
    )
    expect(page.get_by_role("link", name="下载工作簿")).to_be_visible()
