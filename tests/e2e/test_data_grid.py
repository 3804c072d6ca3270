"""The data tables as one grid with one save, in a real browser (issue 14): typing marks the
tables changed, the page asks before it is left only while something is unsaved, one save keeps
every table, and a bad value is refused next to its cell with everything typed kept."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.services import plan_get_or_create
from tests.e2e.a11y import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEAVING_IS_HELD = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def badge(page, part: str):
    return page.locator(f"[data-grid-part={part}] [data-unsaved-badge]")


def test_two_tables_one_save_then_a_bad_value(
    world, catalogue, live_server, page, login, output_path
):
    # given: park A's editor on the data tables page
    plan = plan_get_or_create(park=world.park_a, cycle=world.cycle)
    url = live_server.url + reverse("indicators:data", args=[plan.pk])
    login(page, world.editor_a)
    page.goto(url)
    assert serious_violations(page) == []
    assert page.evaluate(LEAVING_IS_HELD) is False

    # when: a number is typed into the economy table
    page.fill("[name=economy-iav__2020]", "8,000")

    # then: that table, and only that one, is marked unsaved, and leaving the page asks first
    expect(badge(page, "economy")).to_be_visible()
    expect(badge(page, "water")).to_be_hidden()
    expect(page.locator("[data-grid-dirty-list]")).to_have_text("园区主要经济指标")
    assert page.evaluate(LEAVING_IS_HELD) is True

    # when: typing the old value back, the mark goes; typing into the water table marks it
    page.fill("[name=economy-iav__2020]", "")
    expect(badge(page, "economy")).to_be_hidden()
    page.fill("[name=economy-iav__2020]", "8,000")
    page.fill("[name=water-total__2020]", "１２．５")
    expect(page.locator("[data-grid-dirty-list]")).to_have_text(
        "园区主要经济指标、规模以上工业用水量"
    )

    # when: the one save is pressed, and the page is loaded again
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")
    page.goto(url)

    # then: both tables kept their numbers, nothing is marked, leaving asks nothing
    assert page.input_value("[name=economy-iav__2020]") == "8000"
    assert page.input_value("[name=water-total__2020]") == "12.5"
    expect(page.locator("[data-unsaved-badge]:visible")).to_have_count(0)
    assert page.evaluate(LEAVING_IS_HELD) is False

    # when: a word is typed into one table and a number into another, and saved
    page.fill("[name=pollutants-cod__2019]", "三百")
    page.fill("[name=economy-gdp__2019]", "20,000")
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")

    # then: the message stands next to the cell, everything typed is still there, both tables
    # are marked unsaved, and nothing was saved
    cell = page.locator("[name=pollutants-cod__2019]")
    expect(cell).to_have_attribute("aria-invalid", "true")
    feedback = page.locator("#id_pollutants-cod__2019-error")
    expect(feedback).to_have_text("请填写数字，例如 1234.5 或 1,234.5。")
    assert page.input_value("[name=pollutants-cod__2019]") == "三百"
    assert page.input_value("[name=economy-gdp__2019]") == "20,000"
    expect(badge(page, "pollutants")).to_be_visible()
    expect(badge(page, "economy")).to_be_visible()
    assert page.evaluate(LEAVING_IS_HELD) is True
    assert serious_violations(page) == []
    page.screenshot(path=f"{output_path}/data-grid-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{output_path}/data-grid-390.png", full_page=True)
    # ... at 390 px the page does not scroll sideways: the tables scroll inside their boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []

    # when: the word is corrected and saved
    page.fill("[name=pollutants-cod__2019]", "300")
    page.get_by_role("button", name="保存全部修改").click()
    page.wait_for_load_state("networkidle")

    # then: both tables are saved
    page.goto(url)
    assert page.input_value("[name=pollutants-cod__2019]") == "300"
    assert page.input_value("[name=economy-gdp__2019]") == "20000"
