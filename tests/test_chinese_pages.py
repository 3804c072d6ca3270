"""The interface is Chinese first: the main pages, rendered in zh-hans as each persona reads them
(a filled-in plan with two submitted versions, a comment, a notification), show no English words
in their visible text nor in the texts a screen reader speaks (labels, titles, placeholders,
alternative texts). Units, file formats, brands and the language switcher's "English" are
allowed."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from plans.models import Plan
from plans.status import State
from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import seed_demo_plan
from review.models import Version
from review.services import comment_add, version_freeze
from tests.factories import PlanFactory
from tests.review.conftest import complete_park_profile
from tests.review.helpers import act

# Words that stay as they are in a Chinese page: units, file formats, standards and brands.
ALLOWED = {
    word.lower()
    for word in (
        "English",  # the language switcher offers English in English
        "tCO2",
        "CO2",
        "tce",
        "kgce",
        "kWh",
        "MWh",
        "GWh",
        "GJ",
        "TJ",
        "MJ",
        "kW",
        "MW",
        "GDP",
        "PM",
        "SO2",
        "NOx",
        "COD",
        "VOCs",
        "PDF",
        "Excel",
        "Word",
        "WPS",
        "SVG",
        "PNG",
        "JPEG",
        "JPG",
        "DOCX",
        "XLSX",
        "CSV",
        "SHA",
        "QR",
        "ID",
        "Email",
        "E-mail",
        "hm2",
        "km2",
        "m2",
        "m3",
        "kg",
        "km",
        "MB",
        "KB",
    )
}
# The template's own wording, quoted verbatim in the outline (plans/outline.py).
VERBATIM = re.compile(r"Ecology-Oriented Development|\bEOD\b")
URLISH = re.compile(
    r"(https?://\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+\.(pdf|docx|xlsx|png|jpe?g|svg|csv)\b"
    r"|\b[0-9a-f]{16,}\b|\b[A-Za-z]+-\d[\w.-]*)",  # hashes, codes such as seed-2024
    re.I,
)
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z'’-]*[A-Za-z](?![A-Za-z0-9_])")
SPOKEN = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def spoken_and_visible_text(html: str) -> str:
    """What a reader sees or hears: the text outside scripts, styles and tags, and the labels,
    titles, placeholders and alternative texts of the elements."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    attributes = " ".join(SPOKEN.findall(html))
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(f"{text} {attributes}")).strip()


def english_words(html: str, *, also_allowed: set[str] = frozenset()) -> list[str]:
    text = VERBATIM.sub(" ", URLISH.sub(" ", spoken_and_visible_text(html)))
    allowed = ALLOWED | {w.lower() for w in also_allowed}
    return sorted({w for w in WORD.findall(text) if w.lower() not in allowed})


@pytest.fixture
def reviewed_plan(world, catalogue):
    """Park A's filled-in plan: submitted, commented on and returned, submitted again (v2)."""
    with translation.override("zh-hans"):
        complete_park_profile(world.park_a, world.manager_a)
        ready_plan = PlanFactory(park=world.park_a)
        seed_demo_plan(ready_plan, world.editor_a)
        seed_demo_numbers(ready_plan, world.editor_a)
        act(ready_plan, world, "submit", "manager_a")
        act(ready_plan, world, "start", "reviewer_a")
        first = Version.objects.get(plan=ready_plan, number=1)
        comment_add(version=first, actor=world.reviewer_a, body="请补充年度目标。", anchor="plan")
        act(ready_plan, world, "return", "reviewer_a")
        version_freeze(plan=ready_plan, actor=world.manager_a)
    Plan.objects.filter(pk=ready_plan.pk).update(status=State.SUBMITTED)
    ready_plan.refresh_from_db()
    return ready_plan


def pages(world, plan) -> dict[str, list[tuple[str, str]]]:
    """(name, url) of the main pages each persona opens."""
    park = world.park_a.pk
    own = [
        ("park", reverse("park-detail", args=[park])),
        ("park information", reverse("parks:profile-edit", args=[park])),
        ("plan outline", reverse("plans:plan-detail", args=[plan.pk])),
        ("preview", reverse("documents:preview", args=[plan.pk])),
        ("indicators", reverse("indicators:indicator-list", args=[plan.pk])),
        ("review panel", reverse("review:panel", args=[plan.pk])),
        ("version 1", reverse("review:version", args=[plan.pk, 1])),
        ("version 2", reverse("review:version", args=[plan.pk, 2])),
        ("changes in v2", reverse("review:version-diff", args=[plan.pk, 2])),
        ("PDFs", reverse("review:pdfs", args=[plan.pk])),
        ("notifications", reverse("notifications:list")),
        ("password change", reverse("password_change")),
    ]
    reviewing = [
        ("queue", reverse("review:queue")),
        ("reports due", reverse("reports:due")),
        ("park list", reverse("parks:park-list")),
        ("park", reverse("park-detail", args=[park])),
        ("review panel", reverse("review:panel", args=[plan.pk])),
        ("version 1", reverse("review:version", args=[plan.pk, 1])),
        ("version 2", reverse("review:version", args=[plan.pk, 2])),
        ("peers", reverse("summaries:peers", args=[plan.pk, 2])),
        ("changes in v2", reverse("review:version-diff", args=[plan.pk, 2])),
        ("preview", reverse("documents:preview", args=[plan.pk])),
        ("dashboard", reverse("summaries:dashboard")),
        ("notifications", reverse("notifications:list")),
    ]
    return {
        "editor_a": own,
        "manager_a": own,
        "reviewer_a": reviewing,
        "national": [*reviewing, ("exports", reverse("summaries:exports"))],
        "admin": [
            ("home", reverse("home")),
            ("park list", reverse("parks:park-list")),
            ("new park", reverse("parks:park-create")),
            ("park settings", reverse("parks:park-update", args=[park])),
            ("users", reverse("parks:user-list")),
            ("new user", reverse("parks:user-create")),
            ("user", reverse("parks:user-update", args=[world.editor_a.pk])),
            ("provinces", reverse("parks:province-list")),
            ("province", reverse("parks:province-update", args=[world.province_a.pk])),
            ("dashboard", reverse("summaries:dashboard")),
            ("exports", reverse("summaries:exports")),
            ("version 2", reverse("review:version", args=[plan.pk, 2])),
        ],
        None: [
            ("login", reverse("login")),
            ("password reset", reverse("password_reset")),
            ("verification form", reverse("review:verify-form")),
            (
                "verification",
                reverse("review:verify", args=[plan.versions.get(number=2).content_hash]),
            ),
        ],
    }


PERSONAS = ["editor_a", "manager_a", "reviewer_a", "national", "admin", None]


@pytest.mark.parametrize("persona", PERSONAS)
def test_main_pages_show_no_english_in_chinese(world, client, reviewed_plan, persona):
    # given the persona, logged in (or a visitor), reading Chinese
    if persona:
        client.force_login(getattr(world, persona))
    client.cookies["django_language"] = "zh-hans"

    # when they open each of their main pages
    usernames = {u.username for u in vars(world).values() if hasattr(u, "username")}
    found = {}
    for name, url in pages(world, reviewed_plan)[persona]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url)
        words = english_words(response.content.decode(), also_allowed=usernames)
        if words:
            found[name] = words

    # then none of them shows an English word
    assert not found, "\n".join(f"{name}: {' '.join(words)}" for name, words in found.items())


def test_the_check_finds_english_and_allows_units_and_file_names():
    html = (
        '<p>园区名称 Park name: <span title="Current seal">印章</span> 120 tCO2 '
        "<a href='/x'>seal.png</a> 50 kWh <script>var English = 1</script> English</p>"
    )

    assert english_words(html) == ["Current", "Park", "name", "seal"]
