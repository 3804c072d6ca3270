import pytest

from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import seed_demo_plan
from tests.factories import PASSWORD, PlanFactory
from tests.review.conftest import complete_park_profile

pytestmark = pytest.mark.e2e

# Every violation of the Content-Security-Policy in a page fires `securitypolicyviolation`;
# this reports each, with the directive and what it refused, on the console.
CSP_REPORT = "CSP violation:"
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.effectiveDirective + " refused "
    + (event.blockedURI || "inline") + " (" + event.sourceFile + ":" + event.lineNumber + ")");
});
"""


class CspViolations:
    """What the CSP refused during a test. A test that feeds the page something hostile on
    purpose says which refusals it expects (`expect("script-src-attr")`); any other fails it."""

    def __init__(self):
        self.reports: list[str] = []
        self.expected: set[str] = set()

    def expect(self, *directives: str) -> None:
        self.expected.update(directives)

    def directives(self) -> set[str]:
        return {report.split()[2] for report in self.reports}

    def unexpected(self) -> list[str]:
        return [r for r in self.reports if r.split()[2] not in self.expected]


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch):
    """Every page of every browser test runs under the portal's Content-Security-Policy, and a
    script, style or image that it refuses fails the test: each browser context (pytest-
    playwright's `page` and the `session` fixture's alike) reports violations to the console,
    where they are collected and checked at the end of the test."""
    violations = CspViolations()
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                message.text.startswith(CSP_REPORT) and violations.reports.append(message.text)
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield violations
    unexpected = violations.unexpected()
    assert unexpected == [], "Content-Security-Policy violations:\n" + "\n".join(unexpected)


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
