"""Notification tasks. The old ones keep the "review." prefix they had when review/ held them, so
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
    """The e-mails of a message queued before the outbox (notifications.send_emails), by user:
    kept so that a worker of this code still sends what an older web process queued."""
    from notifications.services import emails_send  # noqa: PLC0415  a task imports its own service

    return emails_send(user_ids=user_ids, kind=kind, message=message, url=url)


@shared_task(name="notifications.send_emails", acks_late=True, time_limit=120, soft_time_limit=100)
def send_emails(notification_ids: list[int]) -> int:
    """Send the pending e-mails of these notifications (notifications.services.emails_deliver);
    a failed one waits for the sweeper, which is its retry."""
    from notifications.services import emails_deliver  # noqa: PLC0415  a task imports its own service

    return emails_deliver(notification_ids)


@shared_task(name="notifications.sweep_emails", time_limit=120, soft_time_limit=100)
def sweep_emails() -> dict:
    """Bring back e-mails a refused dispatch, a killed worker or a failed send left behind
    (every minute, beat)."""
    from notifications.services import emails_sweep  # noqa: PLC0415  a task imports its own service

    return emails_sweep()


@shared_task(name="review.deadline_reminders", time_limit=300, soft_time_limit=240)
def deadline_reminders() -> int:
    from notifications.services import deadline_reminders_send  # noqa: PLC0415  a task imports its own service

    return deadline_reminders_send()
