"""axe-core on the portal's main pages (issue 14): every role's pages, the park's while a
returned plan is being revised and the reviewers' once it is submitted again, each at 1280 px
and on a 390 px phone, with no critical and no serious WCAG 2 A/AA violation; on the phone no
page scrolls sideways. One logged-in browser context per person serves all of their pages."""

import datetime

import pytest
from django.urls import reverse

from plans.models import Plan
from plans.status import State
from reports.services import report_start
from review.models import Version
from review.services import version_freeze
from tests.e2e.a11y import serious_violations
from tests.e2e.plan_states import approve, resubmit_changed, return_with_a_comment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Walk:
    """Visits pages as one person, runs axe at both widths, and keeps what it found."""

    def __init__(self, live_server):
        self.base = live_server.url
        self.found: dict[str, list[str]] = {}
        self.pages: set[str] = set()

    def visit(self, page, url: str, *, ready: str | None = None) -> None:
        page.set_viewport_size(DESKTOP)
        page.goto(self.base + url)
        page.wait_for_load_state("networkidle")
        if ready:
            page.locator(ready).first.wait_for()
        where = page.url.removeprefix(self.base)
        self.pages.add(where)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            problems = serious_violations(page)
            if size is PHONE:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    problems.append(f"the page scrolls sideways: {width} px wide")
            if problems:
                self.found[f"{where} at {size['width']} px"] = problems


def test_main_pages_have_no_critical_or_serious_violation(world, plan, live_server, session):
    walk = Walk(live_server)
    plan_url = lambda name, *args: reverse(name, args=[plan.pk, *args])  # noqa: E731

    # a visitor: the login page and the public verification form
    visitor = session(None)
    walk.visit(visitor, reverse("login"))
    walk.visit(visitor, reverse("review:verify-form"))

    # the park, while the returned plan is revised
    return_with_a_comment(world, plan)
    manager = session(world.manager_a)
    for url, ready in [
        (reverse("home"), None),
        (reverse("park-detail", args=[world.park_a.pk]), None),
        (reverse("parks:profile-edit", args=[world.park_a.pk]), None),
        (plan_url("plans:plan-detail"), None),
        # the rich-text editor, named by the section's heading
        (plan_url("plans:section-edit", "1.1"), ".ProseMirror[contenteditable=true]"),
        # pages of rows: the key projects (14 columns) and the leading group
        (plan_url("plans:section-edit", "4.3"), "#rows-projects table"),
        (plan_url("plans:section-edit", "5.1"), "#rows-members table"),
        (plan_url("indicators:indicator-list"), None),
        (plan_url("indicators:data"), None),
        (plan_url("documents:preview"), None),
        (plan_url("review:panel"), None),
        (plan_url("review:transition", "submit"), "form[data-busy]"),
        (plan_url("review:version", 1), None),
        (reverse("notifications:list"), None),
        (reverse("parks:park-audit", args=[world.park_a.pk]), None),
        (reverse("password_change"), None),
    ]:
        walk.visit(manager, url, ready=ready)
    walk.visit(session(world.editor_a), reverse("home"))

    # the province, once the changed plan is submitted again
    resubmit_changed(world, plan)
    province = session(world.reviewer_a)
    for url in [
        reverse("home"),
        reverse("review:queue"),
        reverse("parks:park-list"),
        plan_url("review:version", 2),
        plan_url("review:version-diff", 2),
        plan_url("review:transition", "forward"),
    ]:
        walk.visit(province, url)

    # the national level: the dashboard, the exports, users; the verification of v2
    national = session(world.national)
    walk.visit(national, reverse("home"))
    walk.visit(national, reverse("summaries:dashboard"))
    admin = session(world.admin)
    walk.visit(admin, reverse("summaries:exports"))
    walk.visit(admin, reverse("parks:user-list"))
    content_hash = Version.objects.get(plan=plan, number=2).content_hash
    walk.visit(admin, reverse("review:verify", args=[content_hash]))

    # then: 22 and more distinct pages were read, each at both widths, and none has a critical
    # or serious violation
    assert len(walk.pages) >= 22, sorted(walk.pages)
    assert walk.found == {}


def test_the_report_pages_have_no_critical_or_serious_violation(
    world, plan, live_server, session, monkeypatch
):
    """Issue 16's pages: the reports a plan owes, a report's editor pages, its data tables and
    preview; the reports due for reviewers; the reports' actuals nationally."""
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 11, 30)
    )
    approve(world, plan)
    last_year = report_start(plan=plan, kind="annual", data_year=2023, actor=world.editor_a)
    version_freeze(plan=last_year, actor=world.manager_a)
    Plan.objects.filter(pk=last_year.pk).update(status=State.APPROVED)
    report = report_start(plan=plan, kind="annual", data_year=2024, actor=world.editor_a)
    walk = Walk(live_server)
    manager = session(world.manager_a)
    for url, ready in [
        (reverse("park-detail", args=[world.park_a.pk]), None),
        (reverse("reports:list", args=[plan.pk]), None),
        (reverse("plans:plan-detail", args=[report.pk]), None),
        (reverse("plans:section-edit", args=[report.pk, "actuals"]), "#rows-actuals table"),
        (reverse("plans:section-edit", args=[report.pk, "task_progress"]), None),
        (reverse("plans:section-edit", args=[report.pk, "project_progress"]), None),
        (reverse("indicators:data", args=[report.pk]), None),
        (reverse("documents:preview", args=[report.pk]), None),
    ]:
        walk.visit(manager, url, ready=ready)
    # the province reads the 2024 report's version against the approved 2023 report
    version_freeze(plan=report, actor=world.manager_a)
    Plan.objects.filter(pk=report.pk).update(status=State.PROVINCE_REVIEW)
    province = session(world.reviewer_a)
    walk.visit(province, reverse("reports:due"))
    walk.visit(province, reverse("review:version", args=[report.pk, 1]))
    walk.visit(province, reverse("review:version-year-on-year", args=[report.pk, 1]))
    national = session(world.national)
    walk.visit(national, reverse("reports:due"))
    walk.visit(national, reverse("summaries:actuals"))
    assert len(walk.pages) == 12, sorted(walk.pages)  # the due list read by two people
    assert walk.found == {}
