"""Reading the plan on a 390 px phone (issue 14): the preview, a frozen version, the comparison
of two versions and the data tables do not scroll sideways; wide tables scroll inside their own
box, which a keyboard can scroll too; no figure breaks across lines ("48,000.00", never
"48,/000.00"). Screenshots at 1280 and 390 px go to the test's output directory."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.plan_states import resubmit_changed, return_with_a_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The figures in the page's number cells that run over more than one line. A cell may hold a
# figure and, under it, a share; a figure is a run of text, and of text joined by <wbr> (the PDF
# may break a figure between digit groups, print.css; a page must not).
BROKEN_FIGURES = """() => [...document.querySelectorAll('.table-scroll td.text-end, td.numeric')]
  .flatMap((cell) => {
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const runs = [];
    while (texts.nextNode()) {
      const text = texts.currentNode;
      const last = runs[runs.length - 1];
      const joined = last && text.previousSibling?.nodeName === "WBR"
        && text.previousSibling.previousSibling === last[last.length - 1];
      if (joined) last.push(text); else runs.push([text]);
    }
    return runs.filter((run) => {
      const range = document.createRange();
      range.setStartBefore(run[0]);
      range.setEndAfter(run[run.length - 1]);
      const tops = new Set([...range.getClientRects()]
        .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      return tops.size > 1;
    }).map((run) => run.map((text) => text.textContent).join("").trim());
  })"""

# The scroll boxes that a keyboard cannot reach or a screen reader cannot name.
UNNAMED_BOXES = """() => [...document.querySelectorAll('.table-scroll')]
  .filter((box) => box.tabIndex !== 0 || box.getAttribute('role') !== 'region'
    || !(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')))
  .map((box) => box.outerHTML.slice(0, 120))"""


def read_on_a_phone(page, url: str, shot: str) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"{shot}-1280.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=f"{shot}-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    assert page.evaluate(BROKEN_FIGURES) == [], url
    assert page.evaluate(UNNAMED_BOXES) == [], url


def test_a_plan_reads_on_a_phone(world, plan, live_server, session, output_path):
    plan_url = lambda name, *args: live_server.url + reverse(name, args=[plan.pk, *args])  # noqa: E731

    # given: the demo plan returned once; the park's manager reads it
    return_with_a_comment(world, plan)
    park = session(world.manager_a)

    # then: the section editor and the preview read on a phone
    read_on_a_phone(park, plan_url("plans:section-edit", "1.1"), f"{output_path}/editor")
    expect(park.locator(".ProseMirror[contenteditable=true]")).to_be_visible()
    read_on_a_phone(park, plan_url("documents:preview"), f"{output_path}/preview")

    # ... the key projects' fourteen columns scroll in their box: the amounts stay whole
    projects = park.locator("#s-4\\.3 .table-scroll").first
    expect(projects).to_have_attribute("aria-label", "表 重点建设项目汇总")
    box = projects.bounding_box()
    assert box["width"] <= PHONE["width"]
    assert projects.evaluate("box => box.scrollWidth > box.clientWidth")
    amount = projects.locator("td.text-end", has_text=",").first
    assert "\n" not in amount.inner_text()
    assert amount.evaluate("cell => cell.getClientRects().length") == 1

    # ... and a keyboard scrolls it: the box takes the focus, the right arrow moves it
    projects.focus()
    park.keyboard.press("ArrowRight")
    park.keyboard.press("ArrowRight")
    # (the browser scrolls smoothly: wait until it has moved)
    park.wait_for_function("box => box.scrollLeft > 0", arg=projects.element_handle())
    assert projects.evaluate("box => box.scrollLeft") > 0

    # the data tables
    read_on_a_phone(park, plan_url("indicators:data"), f"{output_path}/data")

    # when: the changed plan is submitted again, the province reads v2 and the comparison
    resubmit_changed(world, plan)
    province = session(world.reviewer_a)
    read_on_a_phone(province, plan_url("review:version", 2), f"{output_path}/version")
    read_on_a_phone(province, plan_url("review:version-diff", 2), f"{output_path}/compare")
    expect(province.locator("ins").first).to_be_visible()
