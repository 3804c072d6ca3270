"""The PDF in the browser: the park makes a watermarked draft PDF from the preview, submits, and
downloads the version's PDF from the panel; anyone checks its hash on the public page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from review.models import PdfDocument, Version
from tests.e2e.conftest import act

pytestmark = [pytest.mark.e2e, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]


def test_draft_pdf_submission_pdf_and_verification(world, plan, live_server, session):
    park = session(world.manager_a)

    # the park asks for a PDF of its draft from the preview
    park.goto(live_server.url + reverse("documents:preview", args=[plan.pk]))
    park.get_by_role("button", name="生成草稿 PDF（带“草稿”水印）").click()
    park.wait_for_load_state("networkidle")
    card = park.locator("#pdfs")
    expect(card).to_contain_text("草稿预览")
    expect(card.locator('[data-pdf-state="done"]')).to_have_count(1, timeout=60_000)

    # it submits; the version's PDF is made and can be downloaded
    act(park, plan, "submit")
    expect(card.locator('[data-pdf-state="done"]')).to_have_count(2, timeout=60_000)
    expect(card).to_contain_text("v1 · 提交版本")
    pdf = PdfDocument.objects.get(plan=plan, kind="submitted")
    with park.expect_download() as download:
        card.get_by_role("link", name="下载 PDF").first.click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith("第1版.pdf")
    assert pdf.state == "done"

    # anyone, not logged in, verifies the version's hash on the public page
    version = Version.objects.get(plan=plan)
    visitor = session(None)
    visitor.goto(live_server.url + reverse("review:verify-form"))
    visitor.fill("#hash", version.content_hash)
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.locator('[data-verified="yes"]')).to_contain_text(world.park_a.name)
