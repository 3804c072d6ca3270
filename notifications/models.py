"""In-portal notifications and each user's e-mail preferences."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob


class Notification(models.Model):
    class Kind(models.TextChoices):
        # a kind is a plan's or a report's: the e-mail preferences name both
        SUBMITTED = "submitted", _("A plan or report was submitted")
        FORWARDED = "forwarded", _("A plan or report was forwarded")
        RETURNED = "returned", _("A plan or report was returned")
        APPROVED = "approved", _("A plan or report was approved")
        REOPENED = "reopened", _("An approved plan or report was reopened")
        COMMENT = "comment", _("New comment")
        DEADLINE = "deadline", _("Deadline reminder")
        ASSIGNED = "assigned", _("A plan or report was assigned to me")
        REPORT_DUE = "report_due", _("Report due reminder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "review_notification"  # the table it had when review/ held it
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message


class EmailPreference(models.Model):
    """Kinds of e-mail a user turned off (in-portal notifications always arrive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference"
    )
    muted = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "review_emailpreference"

    def __str__(self):
        return f"{self.user}: {self.muted}"


class NotificationEmail(BackgroundJob):
    """The e-mail of one notification: the outbox row the worker sends from and the sweeper
    (notifications.services.emails_sweep) brings back. Written pending with its notification, in
    the same transaction, so a committed notification always has its e-mail on record, whatever
    the broker or a worker does after. A row of its own rather than fields on Notification: it
    is a background job (core.models.BackgroundJob: state, attempts, task id, dispatch time)
    that core.jobs dispatches and sweeps like the PDFs and exports, and the notification list
    and unread count stay on a table that does not carry delivery. Notifications written
    before the outbox have none (their e-mail went the old way, review.send_notification_emails).
    """

    class State(models.TextChoices):
        # The member names are the job states core.jobs reads (QUEUED, RUNNING, DONE, FAILED).
        QUEUED = "pending", _("Waiting to be sent")
        RUNNING = "sending", _("Sending")
        DONE = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent")
        FAILED = "failed", _("Failed")

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, primary_key=True, related_name="email"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)

    class Meta:
        ordering = ["created_at", "notification_id"]
        indexes = [
            # the sweeper's question: what is not sent yet
            models.Index(
                fields=["created_at"],
                name="notification_email_open",
                condition=models.Q(state__in=["pending", "sending"]),
            )
        ]

    def __str__(self):
        return f"{self.notification_id}: {self.state}"
