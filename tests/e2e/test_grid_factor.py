"""The grid factor choice on the data page, in a real browser (issue 15): the default is the
park's grid, another factor is refused without a reason (the message next to the reason, the
choice kept), and with one it is saved and every data year shows the factor year it uses."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.services import plan_get_or_create
from tests.e2e.a11y import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_choosing_another_grid_factor_needs_a_reason(
    world, catalogue, live_server, page, login, output_path
):
    # given: park A's editor on the data tables page, at the carbon accounting section
    plan = plan_get_or_create(park=world.park_a, cycle=world.cycle)
    url = live_server.url + reverse("indicators:data", args=[plan.pk])
    login(page, world.editor_a)
    page.goto(url + "#carbon")
    series = page.locator("[name=accounting-grid_series]")
    expect(series.locator("option:checked")).to_have_text("按园区所在地默认：华东区域电网")
    expect(page.locator("[data-grid-year-row='2020']")).to_contain_text("2020年数据暂用2022年因子")
    assert serious_violations(page) == []

    # when: the national average is chosen without a reason and saved
    series.select_option(label="全国平均")
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")

    # then: the reason's field says why, the choice is kept, nothing is saved
    reason = page.locator("[name=accounting-grid_reason]")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#carbon")).to_contain_text("须填写理由")
    expect(series.locator("option:checked")).to_have_text("全国平均")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#carbon").screenshot(path=f"{output_path}/factors-refused-1280.png")

    # when: a reason is given and the page saved again
    reason.fill("与所在市温室气体清单采用的因子一致。")
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")

    # then: the choice and the reason are kept, and 2020 uses the national 2021 factor
    expect(page.locator(".alert-success")).to_contain_text("电网排放因子")
    expect(series.locator("option:checked")).to_have_text("全国平均")
    expect(reason).to_have_value("与所在市温室气体清单采用的因子一致。")
    expect(page.locator("[data-grid-year-row='2020']")).to_contain_text("2020年数据暂用2021年因子")
    assert serious_violations(page) == []
    page.locator("#carbon").screenshot(path=f"{output_path}/factors-saved-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#carbon").screenshot(path=f"{output_path}/factors-saved-390.png")
