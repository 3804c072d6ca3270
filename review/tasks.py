from celery import shared_task


@shared_task(
    name="review.send_notification_emails",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
def send_notification_emails(user_ids: list[int], kind: str, message: str, url: str) -> int:
    from review.notifications import emails_send

    return emails_send(user_ids=user_ids, kind=kind, message=message, url=url)


@shared_task(name="review.deadline_reminders", time_limit=300, soft_time_limit=240)
def deadline_reminders() -> int:
    from review.services import deadline_reminders_send

    return deadline_reminders_send()


@shared_task(
    name="review.render_pdf",
    bind=True,
    acks_late=True,
    max_retries=3,
    time_limit=180,
    soft_time_limit=150,
)
def render_pdf(self, pdf_id: int) -> int | None:
    """Render one PDF (review.pdfs.pdf_render); transient errors are retried with backoff
    (30 s, 60 s, 120 s), a render that runs out of time is recorded as failed."""
    from celery.exceptions import SoftTimeLimitExceeded

    from review.pdfs import TRANSIENT, pdf_render, pdf_timed_out

    try:
        pdf = pdf_render(pdf_id, last_attempt=self.request.retries >= self.max_retries)
    except SoftTimeLimitExceeded:
        pdf_timed_out(pdf_id)
        return None
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
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
    """Build one Excel export (review.exports.export_run); transient errors are retried with
    backoff (30 s, 60 s, 120 s), an export that runs out of time is recorded as failed."""
    from celery.exceptions import SoftTimeLimitExceeded

    from review.exports import TRANSIENT, export_run, export_timed_out

    try:
        job = export_run(job_id, last_attempt=self.request.retries >= self.max_retries)
    except SoftTimeLimitExceeded:
        export_timed_out(job_id)
        return None
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
    return job.parks if job else None


@shared_task(name="review.expire_exports", time_limit=300, soft_time_limit=240)
def expire_exports() -> int:
    """Delete the files of exports past their expiry (daily, from beat)."""
    from review.exports import exports_expire

    return exports_expire()
