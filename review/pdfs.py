"""The PDFs of a plan: asked for here, rendered by the Celery task review.render_pdf.

Invariants:
- a submitted version gets its PDF when it is submitted, the approved version another one (with
  the approval page) when it is approved; both are asked for after the transaction commits, and
  a failure to queue or to render never undoes or blocks the submission or the approval;
- asking again for a version's PDF that is ready, queued or rendering does nothing unless an
  admin forces it (`force`), so a retried or duplicated task never renders twice;
- the draft preview is one record per plan, rendered anew each time it is asked for;
- the record says where the work is (queued, rendering, ready, failed with a readable reason);
- a PDF whose worker died, or whose dispatch the broker refused, is brought back by the sweeper
  (`pdfs_sweep`, every minute from beat): it ends ready or failed with a reason.
"""

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs
from core import pdf as engine
from documents.build import plan_document, storage_file_url
from documents.pdf import pdf_html
from documents.thaw import version_document
from plans.models import Plan
from review.models import PdfDocument, StatusChange, Version
from review.tasks import render_pdf

logger = logging.getLogger(__name__)


def pdf_request(
    *, plan: Plan, kind: str, version: Version | None = None, actor=None, force: bool = False
) -> PdfDocument:
    """The plan's PDF of this kind, queued for rendering unless it is already there."""
    with transaction.atomic():
        if kind == PdfDocument.Kind.DRAFT:
            pdf, created = PdfDocument.objects.select_for_update().get_or_create(
                plan=plan, kind=kind
            )
            if pdf.is_pending and not created and not force:
                return pdf
        else:
            pdf, created = PdfDocument.objects.select_for_update().get_or_create(
                version=version, kind=kind, defaults={"plan": plan}
            )
            if not created and not force and pdf.state != PdfDocument.State.FAILED:
                return pdf
        pdf.state = PdfDocument.State.QUEUED
        pdf.error = ""
        pdf.attempts = 0
        pdf.requested_by = actor if getattr(actor, "pk", None) else None
        pdf.created_at = timezone.now()
        pdf.started_at = pdf.finished_at = None
        pdf.save()
        transaction.on_commit(lambda: _dispatch(pdf.pk), robust=True)
    return pdf


def _dispatch(pdf_id: int) -> None:
    jobs.dispatch(
        render_pdf,
        PdfDocument,
        pdf_id,
        not_queued=_("The rendering could not be queued: %(error)s"),
    )


def pdf_render(
    pdf_id: int, *, last_attempt: bool = True, task_id: str | None = None
) -> PdfDocument | None:
    """Render one PDF (the worker's side). Idempotent: a PDF that is ready is left alone, and so
    is one a later dispatch (another `task_id`) owns; one started too often fails (core.jobs)."""
    with transaction.atomic():
        pdf = PdfDocument.objects.select_for_update().filter(pk=pdf_id).first()
        if pdf is None or pdf.state == PdfDocument.State.DONE or jobs.superseded(pdf, task_id):
            return pdf
        if jobs.out_of_attempts(PdfDocument, pdf):
            return pdf
        pdf.state = PdfDocument.State.RUNNING
        pdf.started_at = timezone.now()
        pdf.attempts += 1
        pdf.save(update_fields=["state", "started_at", "attempts"])
    started = time.perf_counter()
    try:
        content, pages = _render(pdf)
    except SoftTimeLimitExceeded:
        raise  # the task records it (pdf_timed_out)
    except jobs.TRANSIENT as error:
        jobs.record_failure(PdfDocument, pdf.pk, error, final=last_attempt)
        raise
    except Exception as error:  # recorded with its reason, shown to the user
        logger.exception("PDF %s failed", pdf_id)
        jobs.record_failure(PdfDocument, pdf.pk, error, final=True)
        return pdf
    old_name = pdf.file.name
    pdf.file.save(_filename(pdf), ContentFile(content), save=False)
    pdf.pages = pages
    pdf.size = len(content)
    pdf.render_ms = round((time.perf_counter() - started) * 1000)
    pdf.state = PdfDocument.State.DONE
    pdf.finished_at = timezone.now()
    pdf.error = ""
    pdf.save()
    if old_name and old_name != pdf.file.name:
        pdf.file.storage.delete(old_name)
    return pdf


def pdfs_sweep(*, now=None) -> dict:
    """PDFs a killed worker or an absent broker left queued or rendering (core.jobs.sweep)."""
    return jobs.sweep(
        PdfDocument,
        render_pdf,
        not_queued=_("The rendering could not be queued: %(error)s"),
        now=now,
    )


def pdf_timed_out(pdf_id: int) -> None:
    jobs.timed_out(PdfDocument, pdf_id, _("Rendering took too long and was stopped."))


def _filename(pdf: PdfDocument) -> str:
    if pdf.kind == PdfDocument.Kind.DRAFT:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        return f"draft-{stamp}.pdf"
    return f"v{pdf.version.number}-{pdf.kind}.pdf"


def document_pdf_html(pdf: PdfDocument) -> str:
    """The page WeasyPrint prints for this PDF: the frozen version (or the draft), with the
    approval page after it when the plan was approved."""

    plan = Plan.objects.select_related("park__province", "cycle").get(pk=pdf.plan_id)
    with translation.override("zh-hans"):
        if pdf.kind == PdfDocument.Kind.DRAFT:
            doc = plan_document(plan, file_url=storage_file_url)
            title = f"{doc.plan.park.name} · {_('draft')}"
            extra = ""
        else:
            version = Version.objects.select_related("plan__park", "plan__cycle").get(
                pk=pdf.version_id
            )
            doc = version_document(version, file_url=storage_file_url)
            title = _("%(park)s · version %(number)s") % {
                "park": doc.plan.park.name,
                "number": version.number,
            }
            extra = approval_html(version) if pdf.kind == PdfDocument.Kind.APPROVED else ""
        return pdf_html(
            doc=doc, draft=pdf.kind == PdfDocument.Kind.DRAFT, running_title=title, extra_html=extra
        )


def _render(pdf: PdfDocument) -> tuple[bytes, int]:
    return engine.render_pdf(document_pdf_html(pdf))


def approval_html(version: Version) -> str:
    """The approval page: the reviewing body's stamp, the review timeline and the verification
    block (content hash, QR code to the public verification page)."""
    import segno

    changes = list(StatusChange.objects.filter(plan_id=version.plan_id).select_related("version"))
    approval = next(
        (c for c in reversed(changes) if c.action == "approve" and c.version_id == version.pk),
        None,
    )
    url = settings.SITE_URL.rstrip("/") + reverse("review:verify", args=[version.content_hash])
    qr = segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff")
    return render_to_string(
        "review/pdf/approval.html",
        {
            "version": version,
            "approval": approval,
            "changes": changes,
            "verify_url": url,
            "qr_svg": qr,
        },
    )
