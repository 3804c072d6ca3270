"""Submitted versions (frozen, immutable), the status-change timeline, anchored comments and
in-portal notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from documents.schema import Frozen
from parks.models import ParkScopedQuerySet, private_storage
from plans.models import Plan, PlanOwnedQuerySet
from plans.status import State
from review.workflow import ReturnReason, find


class Version(models.Model):
    """What the park submitted, frozen: never updated after it is created. `snapshot` holds
    every part of the plan as it was (with computed figures and file digests), laid out as
    documents.schema declares and read through it (`frozen`); `content_hash` is the SHA-256 of
    its canonical JSON."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    outline_version = models.CharField(max_length=20)
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan")
        ]

    def __str__(self):
        return f"{self.plan} · v{self.number}"

    @cached_property
    def frozen(self) -> Frozen:
        """The snapshot read through its declaration (documents.schema)."""
        return Frozen(self.snapshot)


class StatusChange(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_changes")
    version = models.ForeignKey(
        Version, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    action = models.CharField(max_length=20)
    source = models.CharField(max_length=20, choices=State.choices)
    target = models.CharField(max_length=20, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    acting_body = models.CharField(max_length=100, blank=True)  # the reviewing body's name then
    at = models.DateTimeField(default=timezone.now)
    # The first reason for a return (kept for the queries that count returns by reason); every
    # reason given is in `reasons`.
    reason = models.CharField(max_length=20, choices=ReturnReason.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    # The reviewer's written opinion (审核意见) on a return, a forward or an approval.
    opinion = models.TextField(_("review opinion"), blank=True)
    # The park's declaration, word for word as it was agreed to on submitting.
    declaration = models.TextField(blank=True)

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.plan} {self.source}→{self.target}"

    @property
    def reason_labels(self) -> list[str]:
        """Every reason given for a return, as the reviewer chose them."""
        codes = self.reasons or ([self.reason] if self.reason else [])
        return [str(ReturnReason(code).label) for code in codes if code in ReturnReason.values]

    @property
    def action_label(self) -> str:
        """The button the actor pressed (撤回提交, 退回修改 ...), from the workflow table."""
        transition = find(self.source, self.action)
        return str(transition.label) if transition else self.action


class VersionOwnedQuerySet(ParkScopedQuerySet):
    park_path = "version__plan__park"


class Comment(models.Model):
    """A reviewer's (or the park's) comment anchored to a part of a version: a section, a
    figure, an indicator, a table row, a key project, the park information. Replies thread."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="comments")
    anchor = models.CharField(max_length=80)  # "section:1.1", "indicator:12", "row:projects:3"
    anchor_label = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)
    # Reviewers' comments reach the park when the version is returned.
    published = models.BooleanField(default=False)
    is_resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = VersionOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.anchor_label}: {self.body[:30]}"


def pdf_upload_to(instance, filename):
    return f"pdfs/plan-{instance.plan_id}/{filename}"


class PdfDocument(BackgroundJob):
    """A rendered PDF of a plan: the document of record of a submitted version (rendered on
    submit), of an approved version (with the approval page, rendered on approval), or a draft
    preview with the 草稿 watermark. Rendered by a Celery task that records its progress here."""

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft preview")
        SUBMITTED = "submitted", _("Submitted version")
        APPROVED = "approved", _("Approved version")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pdfs")
    version = models.ForeignKey(
        Version, on_delete=models.CASCADE, null=True, blank=True, related_name="pdfs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=pdf_upload_to, storage=private_storage, blank=True)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    render_ms = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PlanOwnedQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("PDF document")
        verbose_name_plural = _("PDF documents")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"],
                condition=models.Q(version__isnull=False),
                name="one_pdf_per_version_and_kind",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(kind="draft"),
                name="one_draft_pdf_per_plan",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="draft", version__isnull=True)
                | (~models.Q(kind="draft") & models.Q(version__isnull=False)),
                name="pdf_version_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.get_kind_display()} · {self.get_state_display()}"


class VersionReading(models.Model):
    """That a user opened a version: the comparison starts, by default, from the last version
    this reviewer read ("what changed since I looked")."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="readings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)

    objects = VersionOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_reading_per_user")
        ]

    def __str__(self):
        return f"{self.user} · {self.version}"
