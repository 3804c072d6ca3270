"""Park staff write the plan in a real browser: pasted tables survive autosave and reload, rows
are added and reordered without a page load, a map figure shows in the preview."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.services import plan_get_or_create
from portal.demo.plan import demo_map_png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASTED = (
    "<h2>园区能源结构</h2><p>2020年园区能源消费以电力和天然气为主。</p>"
    "<table><tr><th>能源品种</th><th>消费量</th></tr>"
    "<tr><td>电力（万千瓦时）</td><td>1,234.5</td></tr>"
    "<tr><td>天然气（万立方米）</td><td>678</td></tr></table>"
    '<p style="color:red" onclick="alert(1)">来自 Word 的段落<script>alert(2)</script></p>'
)


@pytest.fixture
def plan(world, catalogue):
    return plan_get_or_create(park=world.park_a, cycle=world.cycle)


def editor(page):
    return page.locator(".ProseMirror[contenteditable=true]")


def paste_html(page, html):
    page.evaluate(
        """(html) => {
            const target = document.querySelector('.ProseMirror[contenteditable=true]');
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'pasted');
            target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data,
                                                              bubbles: true, cancelable: true}));
        }""",
        html,
    )


def test_pasted_table_is_autosaved_and_still_there_after_reload(
    world, plan, live_server, page, login, output_path, csp_violations
):
    # the pasted Word paragraph's onclick and style attributes: the editor parses the pasted
    # HTML in the page, where the Content-Security-Policy refuses them before the sanitizer
    # drops them
    csp_violations.expect("script-src-attr", "style-src-attr")
    # given: the editor of 2.4 (1) energy use
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("plans:section-edit", args=[plan.pk, "2.4.1"]))
    editor(page).click()

    # when: a Word table is pasted and the autosave runs (no Save button pressed)
    paste_html(page, PASTED)
    page.keyboard.type("（粘贴后补充的文字）")
    expect(page.locator("#save-status")).to_contain_text("已于", timeout=15000)
    page.screenshot(path=f"{output_path}/autosaved.png", full_page=True)
    page.reload()

    # then: structure kept, script and styles gone, text there
    assert editor(page).locator("table tr").count() == 3
    assert "1,234.5" in editor(page).inner_text()
    assert "粘贴后补充的文字" in editor(page).inner_text()
    html = editor(page).inner_html()
    assert "onclick" not in html and "color:red" not in html and "alert(2)" not in html
    section = plan.sections.get(key="2.4.1")
    assert "<table>" in section.body and "<script" not in section.body


def test_project_rows_are_added_and_reordered_without_a_page_load(
    world, plan, live_server, page, login, output_path
):
    # given: 4.3 key projects
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("plans:section-edit", args=[plan.pk, "4.3"]))
    page.evaluate("window.__marker = 'same page'")
    table = page.locator("#rows-projects")

    for name, investment in (("光伏项目", "1,200"), ("供热改造", "800.5")):
        # when: a project is added through the inline form
        table.get_by_role("button", name="新增一行").click()
        table.locator("[name=name]").fill(name)
        table.locator("[name=group]").select_option("emission")
        table.locator("[name=implementer]").fill("园区能源公司")
        table.locator("[name=start_year]").fill("2021")
        table.locator("[name=end_year]").fill("2020" if name == "供热改造" else "2022")
        table.locator("[name=investment]").fill(investment)
        table.get_by_role("button", name="保存此行").click()
        if name == "供热改造":
            # then: a bad period is refused next to the form, the input kept
            expect_error = table.locator(".alert-danger, .invalid-feedback")
            expect_error.first.wait_for()
            assert table.locator("[name=name]").input_value() == "供热改造"
            table.locator("[name=end_year]").fill("2023")
            table.get_by_role("button", name="保存此行").click()
        table.locator("[data-row]", has_text=name).wait_for()

    rows = table.locator("[data-row]")
    assert rows.nth(0).inner_text().startswith("1\t光伏项目")
    # when: the first is moved down
    rows.nth(0).get_by_role("button", name="下移").click()
    table.locator("[data-row]").nth(0).filter(has_text="供热改造").wait_for()

    # then: the order changed in place, and totals add up (1,200 + 800.5)
    assert page.evaluate("window.__marker") == "same page"
    assert "2,000.50" in table.locator(".project-totals").inner_text().replace("，", ",")
    page.screenshot(path=f"{output_path}/projects.png", full_page=True)


def test_uploaded_map_figure_appears_numbered_in_the_preview(
    world, plan, live_server, page, login, output_path, tmp_path
):
    # given: a map image on disk and the 1.1 editor
    image = tmp_path / "园区四至范围图.png"
    image.write_bytes(demo_map_png("四至范围"))
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("plans:section-edit", args=[plan.pk, "1.1"]))

    # when: it is uploaded with a caption
    figures = page.locator("#files-figures")
    figures.locator("input[type=file]").set_input_files(str(image))
    figures.locator("[name=caption]").fill("园区四至范围图")
    figures.get_by_role("button", name="上传图件").click()
    page.locator("#files-figures [data-figure]").first.wait_for()

    # then: the preview shows it with its number
    page.goto(live_server.url + reverse("documents:preview", args=[plan.pk]))
    caption = page.locator("figure.doc-figure figcaption")
    assert caption.inner_text() == "图1-1 园区四至范围图"
    assert page.locator("figure.doc-figure img").evaluate("img => img.naturalWidth") == 1200
    page.screenshot(path=f"{output_path}/preview.png", full_page=True)
