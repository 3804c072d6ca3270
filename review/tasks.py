from celery import shared_task


@shared_task(
    name="review.render_pdf",
    bind=True,
    acks_late=True,
    max_retries=3,
    time_limit=180,
    soft_time_limit=150,
)
def render_pdf(self, pdf_id: int) -> int | None:
    """Render one PDF (review.pdfs.pdf_render), retried and timed out as core.jobs says."""
    from core.jobs import run_task
    from review.pdfs import pdf_render, pdf_timed_out

    pdf = run_task(self, pdf_id, pdf_render, pdf_timed_out)
    return pdf.pages if pdf else None


@shared_task(
    name="review.export_summary",
    bind=True,
    acks_late=True,
    max_retries=3,
    time_limit=600,
    soft_time_limit=540,
)
def export_summary(self, job_id: int) -> int | None:
    """Build one Excel export (review.exports.export_run), retried and timed out as
    core.jobs says."""
    from core.jobs import run_task
    from review.exports import export_run, export_timed_out

    job = run_task(self, job_id, export_run, export_timed_out)
    return job.parks if job else None


@shared_task(name="review.expire_exports", time_limit=300, soft_time_limit=240)
def expire_exports() -> int:
    """Delete the files of exports past their expiry (daily, from beat)."""
    from review.exports import exports_expire

    return exports_expire()
