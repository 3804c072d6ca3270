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


# What a decision's confirmation page asks for when a test does not say: the opinion of a
# reviewer, the park's declaration, going on despite open comments.
DECISION_DEFAULTS = {"opinion": "经审核，同意。", "declared": True, "acknowledged": True}


def act(page, plan, action: str, **fields) -> None:
    """Take a decision as its user does: its link on the review panel, then the confirmation
    page's fields (`reasons` a list of codes, booleans tick a box), then confirm."""
    page.locator(f'a[href$="/review/{action}/"]').click()
    page.wait_for_load_state("networkidle")
    form = page.locator("form[data-busy]")
    for name, value in {**DECISION_DEFAULTS, **fields}.items():
        field = form.locator(f'[name="{name}"]')
        if not field.count():
            continue
        if isinstance(value, bool):
            field.set_checked(value)
        elif isinstance(value, list):
            for code in value:
                form.locator(f'[name="{name}"][value="{code}"]').check()
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
