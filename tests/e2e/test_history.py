"""The change history (变更记录) in a real browser (issue 14): a park manager reads changes as
text, filters by part, pages through, and exports what the filters show to Excel."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans import services as plan_services
from plans.models import Section
from tests.e2e.a11y import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_manager_reads_filters_pages_and_exports_the_history(
    world, plan, live_server, page, login, output_path
):
    # given: the demo plan, the editor's autosave session on 1.2 still open (its row keeps its
    # first text; the page reads the section's), then section 1.1 rewritten by the manager
    draft = Section.objects.get(plan=plan, key="1.2")
    for revision, addition in enumerate(("（初稿）", "（初稿，第二稿）")):
        plan_services.section_save(
            plan=plan,
            key="1.2",
            body=draft.body.replace("</p>", f"{addition}</p>", 1),
            expected_revision=draft.revision + revision,
            actor=world.editor_a,
            autosave=True,
        )
    section = Section.objects.get(plan=plan, key="1.1")
    plan_services.section_save(
        plan=plan,
        key="1.1",
        body=section.body.replace("</p>", "（已核实）</p>", 1),
        expected_revision=section.revision,
        actor=world.manager_a,
    )
    login(page, world.manager_a)
    page.goto(live_server.url + reverse("parks:park-audit", args=[world.park_a.pk]))

    # then: the newest change is the manager's, the section named, the text's addition marked
    newest = page.locator(".history-entry").first
    expect(newest).to_contain_text("方案正文 · 1.1 园区概况")
    expect(newest.locator("ins")).to_contain_text("（已核实）")
    session = page.locator(".history-entry").nth(1)
    expect(session).to_contain_text("1.2")
    expect(session.locator("ins")).to_contain_text("第二稿")
    assert "<p>" not in page.locator("main").inner_text()
    expect(page.locator(".history-entry")).to_have_count(50)
    assert serious_violations(page) == []
    page.screenshot(path=f"{output_path}/history-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{output_path}/history-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # when: the next page is opened
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state("networkidle")

    # then: it is page 2, and it shows older changes
    expect(page.locator(".pagination")).to_contain_text("2 /")
    assert page.locator(".history-entry").count() > 0

    # when: the history is filtered to section 1.1
    page.select_option("#id_part", label="1.1 园区概况")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")

    # then: only that section's changes are listed, the filter kept
    entries = page.locator(".history-entry")
    assert entries.count() == 2
    for index in range(entries.count()):
        expect(entries.nth(index)).to_contain_text("1.1 园区概况")
    assert serious_violations(page) == []

    # when: the export link is followed
    link = page.locator("[data-history-export]")
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    assert query["part"] == [page.input_value("#id_part")]
    with page.expect_download() as download:
        link.click()

    # then: an Excel workbook of what the page shows arrives
    assert download.value.suggested_filename.endswith(".xlsx")
    assert "变更记录" in download.value.suggested_filename
