"""Park staff enter energy data, see standard coal and CO2 computed, set targets, get a warning,
justify it and see the chart, in a real browser."""

import pytest
from django.urls import reverse

from plans.services import plan_get_or_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(world, catalogue):
    return plan_get_or_create(park=world.park_a, cycle=world.cycle)


def test_energy_data_to_a_justified_target_with_its_chart(
    world, plan, live_server, page, login, output_path
):
    # given: the data tables page
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("indicators:data", args=[plan.pk]))

    # when: 2020 industrial added value and energy use are entered (Chinese number formats)
    page.locator("[name=economy-iav__2020]").fill("8,000")
    page.locator("[name=energy-raw_coal__2020]").fill("1,000")
    page.locator("[name=energy-electricity__2020]").fill("５００")
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")

    # then: standard coal and CO2 are computed (714.3 + 614.5 tce; CO2 with the grid factor)
    total = page.locator("#table-energy [data-total-tce='2020']")
    assert total.inner_text() == "1,328.80"
    assert page.locator("#table-energy [data-total-co2='2020']").inner_text() != "—"
    assert page.locator("[data-derived=energy_intensity_iav] td").last.inner_text() == "0.1661"
    page.screenshot(path=f"{output_path}/data-tables.png", full_page=True)

    # when: a baseline that disagrees with the tables and targets that rise are set
    page.goto(live_server.url + reverse("indicators:indicator-list", args=[plan.pk]))
    row = page.locator("tr[data-indicator=energy_intensity_iav]")
    row.get_by_role("button", name="编辑").click()
    form = page.locator("#rows-indicators form")
    form.locator("[name=baseline]").fill("0.25")
    for year, value in zip(
        range(2021, 2026), ("0.24", "0.23", "0.24", "0.22", "0.21"), strict=True
    ):
        form.locator(f"[name=target_{year}]").fill(value)
    form.get_by_role("button", name="保存此行").click()

    # then: the warnings say why
    warnings = page.locator("#rows-indicators [data-warning]")
    warnings.first.wait_for()
    codes = {w.get_attribute("data-warning") for w in warnings.all()}
    assert {"weaker_year", "baseline_mismatch"} <= codes
    assert "提交前须填写情况说明" in page.locator("[data-warning=weaker_year]").inner_text()

    # when: the weaker year is justified
    page.locator("tr[data-indicator=energy_intensity_iav]").get_by_role(
        "button", name="编辑"
    ).click()
    page.locator("[name=justify_weaker_year]").fill("2023年新投产数据中心，能耗阶段性上升。")
    page.locator("#rows-indicators form").get_by_role("button", name="保存此行").click()
    page.locator("[data-warning=weaker_year]", has_text="情况说明").wait_for()

    # then: the chart shows history, targets and the national reference
    page.locator("tr[data-indicator=energy_intensity_iav] + tr summary").click()
    chart = page.locator("tr[data-indicator=energy_intensity_iav] + tr img.indicator-chart")
    chart.wait_for()
    chart.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise((ok, fail) => {"
        " img.addEventListener('load', () => ok(img.naturalWidth));"
        " img.addEventListener('error', () => fail(new Error('chart did not load'))); })"
    )
    assert chart.evaluate("img => img.naturalWidth") > 0
    svg = page.request.get(live_server.url + chart.get_attribute("src")).text()
    assert "单位工业增加值综合能耗" in svg and "国家参考值" in svg and "<script" not in svg
    page.screenshot(path=f"{output_path}/indicators.png", full_page=True)
