"""Abstract models no domain owns: what a background job records of itself."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    """What a Celery job records of itself, for the page that shows it: its state (queued,
    running, ready, failed with a readable reason, expired), when it started and ended, and
    what the sweeper needs to bring a job whose worker died back to ready or failed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker started it: a job that keeps killing its worker stops after
    # core.jobs.MAX_ATTEMPTS instead of being delivered again for ever.
    attempts = models.PositiveSmallIntegerField(default=0)
    # The Celery task id of the latest dispatch: a message an older dispatch left behind (the
    # broker restoring it, a duplicate) finds another id here and does nothing.
    task_id = models.CharField(max_length=64, blank=True)
    # When it was last handed to the broker; empty while the broker could not take it, which
    # the sweeper (core.jobs.sweep) reads as "dispatch again".
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_pending(self) -> bool:
        return self.state in {self.State.QUEUED, self.State.RUNNING}
