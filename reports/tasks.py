"""Report tasks. A task's name is a contract with the broker and the beat schedule: it never
changes (tests/test_task_names.py)."""

from celery import shared_task


@shared_task(name="reports.report_reminders", time_limit=300, soft_time_limit=240)
def report_reminders() -> int:
    from reports.reminders import report_reminders_send  # noqa: PLC0415  a task imports its own service

    return report_reminders_send()
