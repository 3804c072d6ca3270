"""Named snapshots of submitted versions and the Excel export jobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from parks.models import private_storage


class SummarySnapshot(models.Model):
    """A named, frozen set of submitted versions ("2025-06 approved plans"): a dashboard or an
    export made from it later shows the same numbers, whatever happened since (versions never
    change)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    cycle = models.ForeignKey("plans.Cycle", on_delete=models.PROTECT, related_name="+")
    states = models.JSONField(_("states"), default=list)
    versions = models.ManyToManyField("review.Version", related_name="summary_snapshots")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        db_table = "review_summarysnapshot"  # the table it had when review/ held it
        ordering = ["-created_at"]
        verbose_name = _("summary snapshot")
        verbose_name_plural = _("summary snapshots")

    def __str__(self):
        return self.name


def export_upload_to(instance, filename):
    return f"exports/user-{instance.requested_by_id}/{filename}"


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees the exports they asked for."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(BackgroundJob):
    """A national or provincial Excel export, made by a Celery task: its scope, its progress and
    its private file, which expires."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    cycle = models.CharField(max_length=20)
    provinces = models.JSONField(default=list)  # province codes; empty: all the user may see
    states = models.JSONField(default=list)
    snapshot = models.ForeignKey(
        SummarySnapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to=export_upload_to, storage=private_storage, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    parks = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        db_table = "review_exportjob"
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.requested_by} · {self.cycle} · {self.get_state_display()}"
