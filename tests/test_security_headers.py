"""Every answer but JSON carries a Content-Security-Policy that allows only the portal's own
scripts and styles, and a Permissions-Policy; the templates give the policy nothing to refuse."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from plans.services import plan_get_or_create

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_pages_forbid_inline_script_and_style_and_being_framed(client, db, path):
    # when an anonymous visitor opens a login page
    response = client.get(path)

    # then the policy allows scripts, styles and frames from nowhere but the portal itself
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    # style attributes only (the editor's column widths); never inline script of any kind
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert not any(name.startswith("script-src-") for name in csp)
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_editor_page_allows_its_import_map_by_this_requests_nonce(world, client_for):
    # given the editor of a plan section
    plan = plan_get_or_create(park=world.park_a, cycle=world.cycle)
    client = client_for(world.editor_a)

    # when it opens twice
    first = client.get(reverse("plans:section-edit", args=[plan.pk, "2.4.1"]))
    second = client.get(reverse("plans:section-edit", args=[plan.pk, "2.4.1"]))

    # then the inline import map carries the nonce that the header allows, a new one each time
    html = first.content.decode()
    nonce = re.search(r'<script type="importmap" nonce="([^"]+)"', html).group(1)
    assert _directives(first)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert f'<style data-tiptap-style nonce="{nonce}"></style>' in html
    assert nonce not in second.content.decode()


def test_no_template_has_inline_script_handlers_or_style_attributes():
    # the policy refuses them; markup needs classes and static/js/portal.js instead
    found = []
    for template in TEMPLATES.rglob("*.html"):
        if "pdf" in template.parts or template.name.startswith("pdf"):
            continue  # printed by WeasyPrint, never served to a browser
        text = template.read_text()
        for pattern in (r"\son[a-z]+=", r"\sstyle=\"", r"<script(?![^>]*\bsrc=)", r"javascript:"):
            found += [f"{template.relative_to(TEMPLATES)}: {m}" for m in re.findall(pattern, text)]
    assert found == []


def test_a_json_answer_carries_no_policy_and_is_never_sniffed_as_a_page(world, client_for):
    # given the editor's page and its autosave
    plan = plan_get_or_create(park=world.park_a, cycle=world.cycle)
    client = client_for(world.editor_a)
    page = client.get(reverse("plans:section-edit", args=[plan.pk, "1.1"]))

    # when the script autosaves
    saved = client.post(
        reverse("plans:section-autosave", args=[plan.pk, "1.1"]),
        {"body": "<p>文本</p>", "revision": 0},
    )

    # then the page has its policy, the JSON none, and no browser reads the JSON as a page
    assert "script-src" in page["Content-Security-Policy"]
    assert saved.status_code == 200 and saved["Content-Type"] == "application/json"
    assert "Content-Security-Policy" not in saved
    assert saved["X-Content-Type-Options"] == "nosniff"
    assert saved["Permissions-Policy"] == settings.PERMISSIONS_POLICY


@pytest.mark.parametrize("nonce", [False, True])
def test_the_policy_built_once_is_django_csps_own(rf, nonce):
    """portal.middleware.DocumentCSPMiddleware builds the policy once and puts each request's
    nonce in: the header is the one django-csp's middleware builds for the same request."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    from portal.middleware import DocumentCSPMiddleware

    def answer(middleware_class):
        middleware = middleware_class(lambda request: HttpResponse("<p>页</p>"))
        request = rf.get("/")
        middleware.process_request(request)
        if nonce:
            request._csp_nonce = "bm9uY2Utb2YtdGhpcy1yZXF1ZXN0"
        return middleware.process_response(request, HttpResponse("<p>页</p>"))

    ours, theirs = answer(DocumentCSPMiddleware), answer(CSPMiddleware)

    assert _directives(ours) == _directives(theirs)
    assert ("'nonce-bm9uY2Utb2YtdGhpcy1yZXF1ZXN0'" in ours["Content-Security-Policy"]) is nonce
