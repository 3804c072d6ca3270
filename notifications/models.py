"""In-portal notifications and each user's e-mail preferences."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
