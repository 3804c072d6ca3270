import pytest

from indicators.demo import seed_demo_numbers
from plans.demo import seed_demo_plan
from tests.factories import PASSWORD, PlanFactory
from tests.review.conftest import complete_park_profile

pytestmark = pytest.mark.e2e


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def login(live_server):
    return lambda page, user: log_in(page, live_server, user)


@pytest.fixture
def plan(world, catalogue):
    complete_park_profile(world.park_a, world.manager_a)
    plan = PlanFactory(park=world.park_a)
    seed_demo_plan(plan, world.editor_a)
    seed_demo_numbers(plan, world.editor_a)
    return plan


@pytest.fixture
def session(browser, browser_context_args, live_server):
    """A logged-in browser context of its own for each user (own cookies, own tabs)."""
    contexts = []

    def open_as(user):
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        if user is None:  # a visitor who is not logged in
            return page
        return log_in(page, live_server, user)

    yield open_as
    for context in contexts:
        context.close()


def act(page, plan, action: str, **fields) -> None:
    """Press a transition's button on the review panel, after filling its form's fields."""
    form = page.locator(f'form[action$="/review/{action}/"]')
    for name, value in fields.items():
        field = form.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
