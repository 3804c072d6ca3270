"""A guessed password in a real browser: the lockout page after five failures, and the national
admin unlocking the account in the Django admin (both under the Content-Security-Policy)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def try_login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_locked_out_user_sees_why_and_the_national_admin_unlocks_them(
    world, live_server, session, output_path
):
    # given the national admin at work, and then five wrong passwords for park A's editor
    # (from the same machine: the admin logged in before it was locked)
    admin = session(world.admin)
    visitor = session(None)
    for _ in range(5):
        try_login(visitor, live_server, world.editor_a.username, "wrong-password")

    # when the right password follows
    try_login(visitor, live_server, world.editor_a.username, PASSWORD)

    # then the lockout page explains it in Chinese, in the portal's layout
    expect(visitor.locator("[data-lockout]")).to_contain_text("已被暂时锁定 15 分钟")
    expect(visitor.locator(".navbar-brand")).to_be_visible()
    visitor.screenshot(path=f"{output_path}/locked-out.png", full_page=True)

    # when the national admin unlocks the editor in the Django admin
    admin.goto(f"{live_server.url}/admin/axes/accessattempt/")
    expect(admin.locator("#result_list")).to_contain_text(world.editor_a.username)
    admin.check("#action-toggle")
    admin.select_option("select[name=action]", "unlock")
    admin.click("button[name=index]")
    admin.wait_for_load_state("networkidle")
    expect(admin.locator(".messagelist")).to_contain_text("已解除")

    # then the editor logs in
    try_login(visitor, live_server, world.editor_a.username, PASSWORD)
    expect(visitor.locator("[data-lockout]")).to_have_count(0)
    assert "/accounts/login/" not in visitor.url
