"""Checked input and the policy's goals in a browser (issue 15): 1e20 is refused next to its cell
with what was typed kept, and the national dashboard shows the 2025 energy intensity goals; both
pages without a serious accessibility violation, at desktop and phone widths."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Plan
from plans.services import plan_get_or_create
from plans.status import State
from review.services import version_freeze
from tests.e2e.a11y import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_1e20_is_refused_next_to_its_cell(world, catalogue, live_server, page, login, output_path):
    plan = plan_get_or_create(park=world.park_a, cycle=world.cycle)
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("indicators:data", args=[plan.pk]))

    # when 1e20 万千瓦时 of electricity is typed and the tables saved
    page.fill("[name=energy-electricity__2020]", "1e20")
    page.get_by_role("button", name="保存全部修改").click()

    # then the reason is under the cell, in Chinese, and the typed value is still there
    cell = page.locator("[name=energy-electricity__2020]")
    expect(cell).to_have_value("1e20")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_energy-electricity__2020-error")).to_contain_text(
        "超出任何园区可能的数量（最多 10,000,000 万千瓦时）"
    )
    assert serious_violations(page) == []
    cell.scroll_into_view_if_needed()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        cell.scroll_into_view_if_needed()
        page.screenshot(path=f"{output_path}/checks-bound-{width}.png")


def test_the_dashboard_shows_the_energy_goals(world, plan, live_server, session, output_path):
    version_freeze(plan=plan, actor=world.manager_a)
    Plan.objects.filter(pk=plan.pk).update(status=State.APPROVED)
    admin = session(world.admin)
    admin.goto(live_server.url + reverse("summaries:dashboard"))

    goals = admin.locator("[data-energy-goals]")
    expect(goals).to_contain_text("2025年能耗强度目标（国科发火〔2021〕28号）")
    expect(goals.locator("tr[data-goal=half]")).to_contain_text("1 个园区中 1 个（100%）")
    expect(goals.locator("tr[data-goal=zones]")).to_contain_text("达到")
    assert serious_violations(admin) == []
    for width in (1280, 390):
        admin.set_viewport_size({"width": width, "height": 900})
        goals.scroll_into_view_if_needed()
        admin.screenshot(path=f"{output_path}/checks-dashboard-{width}.png")
