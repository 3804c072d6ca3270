"""The national admin reads the dashboard in a browser, narrows it to a province, freezes a
named snapshot and reads it back."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Plan
from plans.status import State
from review.services import version_freeze

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_dashboard_filter_and_snapshot(world, plan, live_server, session, output_path):
    version_freeze(plan=plan, actor=world.manager_a)
    Plan.objects.filter(pk=plan.pk).update(status=State.APPROVED)
    admin = session(world.admin)

    # the national dashboard: one approved plan, 江苏's progress, the indicator table
    admin.goto(live_server.url + reverse("summaries:dashboard"))
    expect(admin.locator("[data-coverage]")).to_contain_text("1 个园区")
    expect(admin.locator('tr[data-province="320000"]')).to_contain_text("江苏省")
    expect(admin.locator('tr[data-indicator="energy_intensity_iav"]')).to_contain_text("0.1700")
    admin.screenshot(path=f"{output_path}/dashboard.png", full_page=True)

    # narrowed to 浙江, where nothing is approved
    admin.select_option("#id_province", "330000")
    admin.get_by_role("button", name="显示").click()
    expect(admin.locator("[data-coverage]")).to_contain_text("0 个园区")

    # a named snapshot, then read back from the snapshot list
    admin.fill("#id_name", "2026-11 审核通过方案")
    admin.get_by_role("button", name="冻结").click()
    expect(admin.locator(".alert-success")).to_contain_text("2026-11 审核通过方案")
    expect(admin.locator("[data-coverage]")).to_contain_text("快照“2026-11 审核通过方案”")
    expect(admin.locator("[data-coverage]")).to_contain_text("1 个园区")
