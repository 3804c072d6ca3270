"""Park editor fills in part 一 in a real browser (Debian Chromium via Playwright)."""

import pytest
from django.urls import reverse

# The browser talks to a live server, so the test runs in real transactions.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = {
    "#id_address": "江苏省苏州市工业园区星湖街 328 号",
    "#id_head_name": "张建国",
    "#id_head_title": "管委会主任",
    "#id_head_mobile": "13912345678",
    "#id_dept_name": "园区生态环境局",
    "#id_contact_name": "王晓明",
    "#id_contact_landline": "0512-66681234-88",
}


def test_park_editor_fixes_a_wrong_postcode_and_keeps_everything_typed(
    world, live_server, page, login, output_path
):
    # given: the park A editor on the park information form
    login(page, world.editor_a)
    page.goto(live_server.url + reverse("parks:profile-edit", args=[world.park_a.pk]))
    assert page.locator("legend", has_text="园区管理机构负责人").is_visible()
    for selector, value in TYPED.items():
        page.fill(selector, value)

    # when: a five-digit postcode is saved
    page.fill("#id_postcode", "21502")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_load_state("networkidle")

    # then: the message stands next to the postcode field and nothing typed is lost
    error = page.locator("#div_id_postcode .invalid-feedback")
    assert "邮政编码为 6 位数字" in error.inner_text()
    assert page.locator("#id_postcode").input_value() == "21502"
    for selector, value in TYPED.items():
        assert page.locator(selector).input_value() == value
    page.screenshot(path=f"{output_path}/postcode-error.png", full_page=True)

    # when: fixed and saved, then the page is reloaded
    page.fill("#id_postcode", "215021")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").inner_text().startswith("园区基本信息已于")
    page.reload()

    # then: the values are there
    assert page.locator("#id_postcode").input_value() == "215021"
    for selector, value in TYPED.items():
        assert page.locator(selector).input_value() == value
    page.screenshot(path=f"{output_path}/saved.png", full_page=True)
