"""The document of record: a PDF rendered by the worker from the frozen version when it is
submitted, again with the approval page when it is approved; its state is recorded, a failure
never undoes the submission, an admin can render it again; the verification page confirms a
real hash and rejects a tampered one."""

import logging
import shutil
import subprocess

import pytest
from django.urls import reverse

from plans.status import State
from review.models import PdfDocument, Version
from review.pdfs import pdf_render, pdf_request
from tests.review.helpers import act, messages_of, status_of, text_of, walk

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


def pdf_text(pdf: PdfDocument, tmp_path, mode: str = "-layout") -> str:
    """The PDF's text; `-raw` reads rotated text (the watermark) in content-stream order."""
    path = tmp_path / "document.pdf"
    with pdf.file.open("rb") as source:
        path.write_bytes(source.read())
    return subprocess.run(
        ["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.pdf
@needs_poppler
def test_submitting_renders_the_version_pdf_without_errors(
    world, ready_plan, tmp_path, caplog, django_capture_on_commit_callbacks
):
    # when the park manager submits the plan (the worker runs in-process here, once committed)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    # then version 1 has its PDF, ready, with the plan's content and no watermark
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert (pdf.kind, pdf.state, pdf.version.number) == ("submitted", "done", 1)
    assert pdf.pages >= 10 and pdf.size > 10_000 and pdf.attempts == 1
    text = pdf_text(pdf, tmp_path)
    assert world.park_a.name in text
    for chapter in ("基本情况", "绿色发展现状", "目标与指标", "重点任务", "保障措施", "支撑材料"):
        assert chapter in text
    assert "草稿" not in text
    # and WeasyPrint logged no error (nothing refused, nothing missing)
    assert [r for r in caplog.records if r.name.startswith("weasyprint")] == []


@pytest.mark.pdf
def test_a_pdf_that_is_ready_is_not_rendered_again_unless_forced(
    world, ready_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")
    pdf = PdfDocument.objects.get(plan=ready_plan)
    finished = pdf.finished_at

    # when the same PDF is asked for again, and its task runs again (a duplicate delivery)
    with django_capture_on_commit_callbacks(execute=True):
        again = pdf_request(plan=ready_plan, kind="submitted", version=pdf.version)
    pdf_render(pdf.pk)

    # then nothing is rendered twice
    again.refresh_from_db()
    assert again.pk == pdf.pk
    assert (again.finished_at, again.attempts) == (finished, 1)

    # when an admin forces it from the panel, it is rendered anew
    from django.test import Client

    client = Client()
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:pdf-request", args=[ready_plan.pk]), {"pdf": str(pdf.pk)}
        )
    again.refresh_from_db()
    assert messages_of(response) == ["正在重新生成 PDF。"]
    assert again.finished_at > finished and again.attempts == 1 and again.state == "done"


@pytest.mark.pdf
def test_a_failed_render_keeps_the_submission_and_says_why(
    world, ready_plan, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(html):
        raise ValueError("缺少字体 Noto Serif CJK SC")

    monkeypatch.setattr("core.pdf.render_pdf", broken)

    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    assert status_of(ready_plan) == State.SUBMITTED
    assert Version.objects.filter(plan=ready_plan).count() == 1
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert pdf.state == "failed"
    assert "缺少字体" in pdf.error


@pytest.mark.pdf
def test_transient_errors_are_retried_with_backoff_then_recorded(
    world, ready_plan, monkeypatch, django_capture_on_commit_callbacks
):
    def flaky(html):
        raise OSError("存储暂时不可用")

    monkeypatch.setattr("core.pdf.render_pdf", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")
    pdf = PdfDocument.objects.get(plan=ready_plan)

    # without a worker (eager mode) nothing can try later: the reason is recorded at once
    assert (pdf.state, pdf.error) == ("failed", "存储暂时不可用")
    assert status_of(ready_plan) == State.SUBMITTED

    # on a worker, a try before the last says it will try again and hands the error to Celery,
    # which retries with backoff (review.tasks.render_pdf) ...
    PdfDocument.objects.filter(pk=pdf.pk).update(state="queued")
    with pytest.raises(OSError):
        pdf_render(pdf.pk, last_attempt=False)
    pdf.refresh_from_db()
    assert (pdf.state, pdf.error, pdf.attempts) == ("queued", "稍后将重试：存储暂时不可用", 2)
    # ... and the last one records the failure for good
    with pytest.raises(OSError):
        pdf_render(pdf.pk, last_attempt=True)
    pdf.refresh_from_db()
    assert (pdf.state, pdf.error, pdf.attempts) == ("failed", "存储暂时不可用", 3)


@pytest.mark.pdf
@needs_poppler
def test_approval_renders_the_approved_pdf_with_stamp_timeline_and_hash(
    world, ready_plan, national_bodies, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk(ready_plan, world, State.APPROVED)

    version = Version.objects.get(plan=ready_plan)
    approved = PdfDocument.objects.get(plan=ready_plan, kind="approved")
    assert approved.state == "done"
    text = pdf_text(approved, tmp_path)
    assert "审核结论" in text and "审核通过" in text
    # the stamp names the approving body (it is turned by 8 degrees: read in content-stream
    # order, where its lines follow each other)
    stamp = pdf_text(approved, tmp_path, "-raw").replace("\n", "").replace(" ", "")
    assert "工业和信息化部火炬高技术产业开发中心审核通过" in stamp
    assert "退回" not in text or "审核过程" in text
    assert version.content_hash in text.replace("\n", "").replace(" ", "")
    # the submitted version's PDF carries no approval page
    submitted = PdfDocument.objects.get(plan=ready_plan, kind="submitted")
    assert "审核结论" not in pdf_text(submitted, tmp_path)


def test_the_verification_page_confirms_a_real_hash_and_nothing_more(
    world, client, ready_plan, national_bodies
):
    walk(ready_plan, world, State.APPROVED)
    version = Version.objects.get(plan=ready_plan)

    # when anyone (not logged in) opens the verification address of the approved version
    response = client.get(reverse("review:verify", args=[version.content_hash]))

    # then it confirms park, version and state, and shows none of the plan's text
    html = response.content.decode()
    text = text_of(html)
    assert response.status_code == 200
    assert 'data-verified="yes"' in html
    assert world.park_a.name in text and "第 1 版" in text and "审核通过" in text
    section = version.snapshot["sections"]["1.1"]["body"]
    assert text_of(section)[:20] not in text


def test_the_verification_page_rejects_a_tampered_hash(world, client, ready_plan):
    act(ready_plan, world, "submit", "manager_a")
    real = Version.objects.get(plan=ready_plan).content_hash
    tampered = ("0" if real[0] != "0" else "1") + real[1:]

    for value in (tampered, "not-a-hash", real[:40]):
        response = client.get(reverse("review:verify-form"), {"hash": value})
        assert 'data-verified="no"' in response.content.decode()
        assert "未通过核验" in text_of(response.content.decode())


def test_the_verification_page_flags_a_record_changed_behind_its_hash(world, client, ready_plan):
    act(ready_plan, world, "submit", "manager_a")
    version = Version.objects.get(plan=ready_plan)
    snapshot = version.snapshot
    snapshot["indicators"][0]["baseline"] = "0.01"
    Version.objects.filter(pk=version.pk).update(snapshot=snapshot)

    html = client.get(reverse("review:verify", args=[version.content_hash])).content.decode()

    assert 'data-verified="no"' in html
    assert "已与其哈希不符" in text_of(html)


def test_a_superseded_version_says_so(world, client, ready_plan):
    walk(ready_plan, world, State.RETURNED)
    from review.models import Comment
    from review.services import comment_resolve

    for comment in Comment.objects.all():
        comment_resolve(comment=comment, actor=world.manager_a)
    first = Version.objects.get(plan=ready_plan, number=1)
    # the resubmission differs (a section rewritten), so it has its own hash
    from plans.models import Section

    Section.objects.filter(plan=ready_plan, key="1.2").update(body="<p>修改后的社会发展。</p>")
    act(ready_plan, world, "submit", "manager_a")

    text = text_of(client.get(reverse("review:verify", args=[first.content_hash])).content.decode())

    assert "已被后续版本取代" in text


@pytest.mark.parametrize("persona", ["manager_a", "editor_a", "reviewer_a", "national"])
def test_those_who_may_read_the_plan_download_its_pdf(world, client_for, ready_plan, persona):
    from django.core.files.base import ContentFile

    act(ready_plan, world, "submit", "manager_a")
    pdf = PdfDocument.objects.create(
        plan=ready_plan,
        version=Version.objects.get(plan=ready_plan),
        kind="submitted",
        state="done",
        pages=1,
    )
    pdf.file.save("v1-submitted.pdf", ContentFile(b"%PDF-1.7 test"), save=True)

    response = client_for(getattr(world, persona)).get(
        reverse("review:pdf", args=[ready_plan.pk, pdf.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


@pytest.mark.pdf
@needs_poppler
def test_park_staff_make_a_watermarked_pdf_of_the_draft(
    world, client_for, ready_plan, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(world.editor_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:pdf-request", args=[ready_plan.pk]))

    assert response.status_code == 302
    pdf = PdfDocument.objects.get(plan=ready_plan, kind="draft")
    assert pdf.state == "done" and pdf.version is None
    pages = pdf_text(pdf, tmp_path, "-raw").split("\f")[: pdf.pages]
    assert all("草稿" in "".join(page.split()) for page in pages)
    panel = client.get(reverse("review:panel", args=[ready_plan.pk])).content.decode()
    assert reverse("review:pdf", args=[ready_plan.pk, pdf.pk]) in panel


def test_reviewers_cannot_make_draft_pdfs_nor_park_staff_render_versions_again(
    world, client_for, ready_plan
):
    act(ready_plan, world, "submit", "manager_a")
    url = reverse("review:pdf-request", args=[ready_plan.pk])

    assert client_for(world.reviewer_a).post(url).status_code == 403
    assert client_for(world.manager_a).post(url).status_code == 403  # not editable now
    assert not PdfDocument.objects.filter(plan=ready_plan).exists()


@pytest.mark.pdf
def test_an_admin_renders_a_failed_pdf_again_from_the_django_admin(
    world, ready_plan, monkeypatch, django_capture_on_commit_callbacks, admin_client
):
    def broken(html):
        raise ValueError("字体缺失")

    monkeypatch.setattr("core.pdf.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")
    pdf = PdfDocument.objects.get(plan=ready_plan)
    assert pdf.state == "failed"
    monkeypatch.setattr("core.pdf.render_pdf", lambda html: (b"%PDF-1.7 again", 3))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:review_pdfdocument_changelist"),
            {"action": "render_again", "_selected_action": [pdf.pk]},
        )

    pdf.refresh_from_db()
    assert (pdf.state, pdf.pages, pdf.error) == ("done", 3, "")
