import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def login(live_server):
    def _login(page, user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login
