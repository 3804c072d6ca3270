from celery import shared_task

from core.jobs import run_task


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
    from review.pdfs import pdf_render, pdf_timed_out  # noqa: PLC0415  a task imports its own service

    pdf = run_task(self, pdf_id, pdf_render, pdf_timed_out)
    return pdf.pages if pdf else None


@shared_task(name="review.sweep_pdfs", time_limit=120, soft_time_limit=100)
def sweep_pdfs() -> dict:
    """Bring back PDFs a killed worker or an absent broker left behind (every minute, beat)."""
    from review.pdfs import pdfs_sweep  # noqa: PLC0415  a task imports its own service

    return pdfs_sweep()
