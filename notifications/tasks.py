"""Notification tasks. Their names keep the "review." prefix they had when review/ held them, so
messages already queued and the beat schedule still find them."""

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
    from notifications.services import emails_send

    return emails_send(user_ids=user_ids, kind=kind, message=message, url=url)


@shared_task(name="review.deadline_reminders", time_limit=300, soft_time_limit=240)
def deadline_reminders() -> int:
    from notifications.services import deadline_reminders_send

    return deadline_reminders_send()
