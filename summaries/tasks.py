"""Export tasks. Their names keep the "review." prefix they had when review/ held them, so
messages already queued and the beat schedule still find them."""

from celery import shared_task

from core.jobs import run_task


@shared_task(
    name="review.export_summary",
    bind=True,
    acks_late=True,
    max_retries=3,
    time_limit=600,
    soft_time_limit=540,
)
def export_summary(self, job_id: int) -> int | None:
    """Build one Excel export (summaries.exports.export_run), retried and timed out as
    core.jobs says."""
    from summaries.exports import export_run, export_timed_out  # noqa: PLC0415  a task imports its own service

    job = run_task(self, job_id, export_run, export_timed_out)
    return job.parks if job else None


@shared_task(name="review.expire_exports", time_limit=300, soft_time_limit=240)
def expire_exports() -> int:
    """Delete the files of exports past their expiry (daily, from beat)."""
    from summaries.exports import exports_expire  # noqa: PLC0415  a task imports its own service

    return exports_expire()


@shared_task(name="summaries.sweep_exports", time_limit=120, soft_time_limit=100)
def sweep_exports() -> dict:
    """Bring back exports a killed worker or an absent broker left behind (every minute, beat)."""
    from summaries.exports import exports_sweep  # noqa: PLC0415  a task imports its own service

    return exports_sweep()
