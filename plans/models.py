"""A park's plan for a reporting cycle: its sections, structured tables, figures and attachments.

Every editable record carries an integer `revision` (optimistic locking in plans.services).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from parks.models import Park, ParkScopedQuerySet, private_storage
from plans.outline import (
    ANNUAL_OUTLINE_VERSION,
    FINAL_OUTLINE_VERSION,
    OUTLINE_VERSION,
    TASK_GROUPS,
)
from plans.status import EDITABLE_STATES, State


class Cycle(models.Model):
    """A reporting cycle. Cycles are data, so the next five-year plan reuses the portal."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    plan_start_year = models.PositiveSmallIntegerField(_("first plan year"))
    plan_end_year = models.PositiveSmallIntegerField(_("last plan year"))
    base_year = models.PositiveSmallIntegerField(_("base year"))
    history_start_year = models.PositiveSmallIntegerField(_("first history year"))
    history_end_year = models.PositiveSmallIntegerField(_("last history year"))
    deadline = models.DateField(_("submission deadline"))
    outline_version = models.CharField(_("outline version"), max_length=20, default=OUTLINE_VERSION)
    is_current = models.BooleanField(_("current cycle"), default=False)

    class Meta:
        ordering = ["-plan_start_year"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.CheckConstraint(
                name="cycle_years_in_order",
                condition=Q(plan_start_year__lte=F("plan_end_year"))
                & Q(history_start_year__lte=F("history_end_year")),
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_cycle"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def plan_years(self) -> list[int]:
        return list(range(self.plan_start_year, self.plan_end_year + 1))

    @property
    def history_years(self) -> list[int]:
        return list(range(self.history_start_year, self.history_end_year + 1))


class PlanQuerySet(ParkScopedQuerySet):
    park_path = "park"


class Plan(models.Model):
    """A submission of a park for a cycle: the plan itself, or a report that follows the approved
    plan up (a yearly implementation report per data year, the final evaluation of the period).
    Reports are plans of another kind, on their own outline (plans.outline), so the editor,
    autosave, comments, versions, the workflow and the PDF serve them unchanged."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Green development action plan")
        ANNUAL = "annual", _("Annual implementation report")
        FINAL = "final", _("Final evaluation")

    # The outline each kind is written on.
    OUTLINES = {
        Kind.PLAN: OUTLINE_VERSION,
        Kind.ANNUAL: ANNUAL_OUTLINE_VERSION,
        Kind.FINAL: FINAL_OUTLINE_VERSION,
    }

    park = models.ForeignKey(
        Park, on_delete=models.PROTECT, related_name="plans", verbose_name=_("park")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="plans", verbose_name=_("reporting cycle")
    )
    outline_version = models.CharField(max_length=20, default=OUTLINE_VERSION, editable=False)
    carbon_peak_year = models.PositiveSmallIntegerField(
        _("expected carbon peak year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2060)],
    )
    roadmap_revision = models.PositiveIntegerField(default=0, editable=False)
    # The review workflow's state (review.workflow); the draft is editable only in some states.
    status = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_plans",
        verbose_name=_("assigned reviewer"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PLAN, db_index=True
    )
    # A report: the approved plan it follows up, and for an annual report its data year.
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("plan followed up"),
    )
    data_year = models.PositiveSmallIntegerField(_("data year"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "cycle"], condition=Q(kind="plan"), name="one_plan_per_cycle"
            ),
            models.UniqueConstraint(
                fields=["follows", "data_year"],
                condition=Q(kind="annual"),
                name="one_annual_report_per_year",
            ),
            models.UniqueConstraint(
                fields=["follows"], condition=Q(kind="final"), name="one_final_evaluation"
            ),
            models.CheckConstraint(
                name="report_follows_a_plan",
                condition=Q(kind="plan", follows__isnull=True, data_year__isnull=True)
                | Q(kind="annual", follows__isnull=False, data_year__isnull=False)
                | Q(kind="final", follows__isnull=False, data_year__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.park} · {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    # How a submission is named, the one place (issue 16): its title, the noun a sentence uses
    # for it, and the park with a report's title for a notification. Messages shared by plans and
    # reports take the noun or the title as a placeholder, never a word of their own.
    NOUNS = {
        Kind.PLAN: pgettext_lazy("the document", "plan"),
        Kind.ANNUAL: pgettext_lazy("the document", "report"),
        Kind.FINAL: pgettext_lazy("the document", "report"),
    }

    @property
    def noun(self) -> str:
        """方案 or 报告: what a sentence calls this submission ("the report cannot be changed")."""
        return self.NOUNS[self.kind]

    @property
    def title(self) -> str:
        """The document's title (plans.models.document_title): 绿色发展五年行动方案（2021-2025年）,
        2024年度绿色发展行动方案实施情况报告, 绿色发展五年行动方案（2021-2025年）终期评估报告."""
        return document_title(self.kind, cycle=self.cycle, data_year=self.data_year)

    @property
    def display_name(self) -> str:
        """The park, and a report's title after it: a park's plan and its reports move on their
        own, so what a reviewer is told names which one moved."""
        if not self.is_report:
            return self.park.name
        return gettext("%(park)s, %(title)s") % {"park": self.park.name, "title": self.title}

    @property
    def is_report(self) -> bool:
        return self.kind != self.Kind.PLAN

    @property
    def data_years(self) -> list[int]:
        """The years of the data tables: the plan's history (2016-2020), an annual report's
        data year, the final evaluation's plan period (2021-2025)."""
        if self.kind == self.Kind.ANNUAL:
            return [self.data_year]
        if self.kind == self.Kind.FINAL:
            return self.cycle.plan_years
        return self.cycle.history_years

    @property
    def deadline(self):
        """When it is due: a report's own due date, else the cycle's submission deadline."""
        return self.due_date or self.cycle.deadline

    @property
    def data_years_label(self) -> str:
        """2024年, 2021-2025年 (2024, 2021-2025 in English)."""
        years = self.data_years
        span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
        return pgettext("years of data", "%(span)s") % {"span": span}

    @property
    def note_year(self) -> int:
        """The year whose results the carbon accounting note states."""
        return self.cycle.base_year if self.kind == self.Kind.PLAN else self.data_years[-1]


def document_title(
    kind: str, *, cycle: Cycle | None = None, data_year: int | None = None, short: bool = False
) -> str:
    """The title of a submission of `kind`, started or only owed (reports.selectors names an owed
    report with it); `short` names a report among the plan's reports, where the plan is said
    already (2024年度实施情况报告, 终期评估报告), and needs no cycle."""
    if kind == Plan.Kind.ANNUAL:
        if short:
            return gettext("%(year)s annual implementation report") % {"year": data_year}
        return gettext(
            "%(year)s annual implementation report of the green development action plan"
        ) % {"year": data_year}
    if kind == Plan.Kind.FINAL:
        if short:
            return str(Plan.Kind.FINAL.label)
        return gettext(
            "Final evaluation of the green development five-year action plan (%(cycle)s)"
        ) % {"cycle": cycle.name}
    return gettext("Green development five-year action plan (%(cycle)s)") % {"cycle": cycle.name}


class PlanOwnedQuerySet(ParkScopedQuerySet):
    park_path = "plan__park"


class Section(models.Model):
    """The text of one outline entry (plans.outline), as sanitized HTML."""

    class State(models.TextChoices):
        EMPTY = "empty", _("Empty")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")
        # computed, never stored: a reviewer's comment on it waits for the park's answer
        TO_REVISE = "to_revise", _("To revise")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20)
    body = models.TextField(blank=True)
    text_length = models.PositiveIntegerField(default=0)
    word_count = models.PositiveIntegerField(default=0)
    is_done = models.BooleanField(_("marked complete"), default=False)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_section_per_key")]

    def __str__(self):
        return f"{self.plan} · {self.key}"

    def audited_values(self) -> dict:
        """What its audit rows record of a section (plans.services.section_save), and what closes
        its open autosave session (parks.audit.close_session)."""
        return {"body": self.body, "is_done": self.is_done}


class Row(models.Model):
    """Common fields of the structured tables' rows."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class KeyTask(Row):
    """第四章 4.1: a key task, broken down by year and given to a responsible department."""

    name = models.CharField(_("task name"), max_length=200)
    group = models.CharField(_("task group"), max_length=20, choices=TASK_GROUPS)
    content = models.TextField(_("task content"), blank=True)
    # {"2021": "...", ...}: the cycle's plan years are data, so the breakdown is keyed by year.
    yearly = models.JSONField(_("yearly breakdown"), default=dict, blank=True)
    department = models.CharField(_("responsible department"), max_length=100)
    leader = models.CharField(_("leading official"), max_length=50, blank=True)

    class Meta(Row.Meta):
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")

    def __str__(self):
        return self.name


class Milestone(Row):
    """第四章 4.2: a milestone of the carbon peak and neutrality roadmap."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2021), MaxValueValidator(2060)]
    )
    target = models.CharField(_("target"), max_length=300)
    measures = models.TextField(_("measures"), blank=True)

    class Meta(Row.Meta):
        verbose_name = _("roadmap milestone")
        verbose_name_plural = _("roadmap milestones")

    def __str__(self):
        return f"{self.year} {self.target}"


class KeyProject(Row):
    """第四章 4.3: a key construction project."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        COMPLETED = "completed", _("Completed")

    name = models.CharField(_("project name"), max_length=200)
    group = models.CharField(_("task group"), max_length=20, choices=TASK_GROUPS)
    necessity = models.TextField(_("necessity"), blank=True)
    implementer = models.CharField(_("implementing body"), max_length=200)
    content = models.TextField(_("construction content"), blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("start year"), validators=[MinValueValidator(2016), MaxValueValidator(2035)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"), validators=[MinValueValidator(2016), MaxValueValidator(2035)]
    )
    investment = models.DecimalField(
        _("total investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    government_funds = models.DecimalField(
        _("of which government funds (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    energy_saved_tce = models.DecimalField(
        _("energy saved (tce/year)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    co2_reduced_t = models.DecimalField(
        _("CO2 reduced (t/year)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    other_benefits = models.TextField(_("other benefits"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    class Meta(Row.Meta):
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.CheckConstraint(
                name="project_years_in_order",
                condition=Q(start_year__lte=F("end_year")),
                violation_error_code="end_before_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.CheckConstraint(
                name="project_funds_within_investment",
                condition=Q(government_funds__lte=F("investment")),
                violation_error_code="funds_exceed_investment",
                violation_error_message=_(
                    "Government funds cannot exceed the project's total investment."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class GroupMember(Row):
    """第五章: a member of the leading group or of the special office."""

    class Body(models.TextChoices):
        LEADING_GROUP = "leading_group", _("Leading group for green development")
        SPECIAL_OFFICE = "special_office", _("Special office for green development")

    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100)
    group_role = models.CharField(_("role in the group"), max_length=50)

    class Meta(Row.Meta):
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self):
        return self.name


class ProgressStatus(models.TextChoices):
    """A key task's progress in a report year (the template breaks tasks down by year)."""

    ON_SCHEDULE = "on_schedule", _("Completed on schedule")
    IN_PROGRESS = "in_progress", _("In progress")
    BEHIND = "behind", _("Behind schedule")
    CANCELLED = "cancelled", _("Cancelled")
    ADJUSTED = "adjusted", _("Adjusted")


# A task or project in one of these states needs a written reason (原因说明).
NEEDS_REASON = {ProgressStatus.BEHIND, ProgressStatus.CANCELLED, ProgressStatus.ADJUSTED}


class TaskProgress(Row):
    """A report's row for a key task of the approved plan (or one added since): that year's
    milestone as planned, and how far it got."""

    name = models.CharField(_("task name"), max_length=200)
    group = models.CharField(_("task group"), max_length=20, choices=TASK_GROUPS)
    milestone = models.TextField(_("planned for the year"), blank=True)
    department = models.CharField(_("responsible department"), max_length=100, blank=True)
    status = models.CharField(
        _("progress"),
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.IN_PROGRESS,
    )
    note = models.TextField(_("progress note"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # the KeyTask of the approved version it carries forward; None: added during implementation
    carried_from = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta(Row.Meta):
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")

    def __str__(self):
        return self.name

    def clean(self):
        if self.status in NEEDS_REASON and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Give the reason for a task that is behind, cancelled or adjusted.")}
            )


class ProjectProgress(Row):
    """A report's row for a key project: the plan's period and investment carried forward, its
    status, actual dates and the investment executed so far (cumulative, 万元)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        UNDER_CONSTRUCTION = "under_construction", _("Under construction")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        ADJUSTED = "adjusted", _("Adjusted")

    name = models.CharField(_("project name"), max_length=200)
    implementer = models.CharField(_("implementing body"), max_length=200, blank=True)
    planned_start_year = models.PositiveSmallIntegerField(
        _("planned start year"), validators=[MinValueValidator(2016), MaxValueValidator(2035)]
    )
    planned_end_year = models.PositiveSmallIntegerField(
        _("planned end year"), validators=[MinValueValidator(2016), MaxValueValidator(2035)]
    )
    planned_investment = models.DecimalField(
        _("planned investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateField(_("actual completion"), null=True, blank=True)
    invested = models.DecimalField(
        _("investment executed, cumulative (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    invested_government = models.DecimalField(
        _("of which government funds (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    is_added = models.BooleanField(_("added during implementation"), default=False)
    note = models.TextField(_("progress note"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    carried_from = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta(Row.Meta):
        verbose_name = _("project progress")
        verbose_name_plural = _("project progress")
        constraints = [
            models.CheckConstraint(
                name="progress_years_in_order",
                condition=Q(planned_start_year__lte=F("planned_end_year")),
                violation_error_code="end_before_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
            models.CheckConstraint(
                name="progress_funds_within_invested",
                condition=Q(invested_government__lte=F("invested")),
                violation_error_code="funds_exceed_investment",
                violation_error_message=_(
                    "Government funds cannot exceed the investment executed."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def slipped_years(self, year: int) -> int:
        """Years behind the plan as of the end of `year`: finished later than planned, or not
        finished after the planned end year. 0 when on time."""
        if self.status == self.Status.CANCELLED:
            return 0
        if self.actual_finish:
            return max(0, self.actual_finish.year - self.planned_end_year)
        return max(0, year - self.planned_end_year)

    def clean(self):
        errors = {}
        if self.status in {self.Status.CANCELLED, self.Status.ADJUSTED} and not self.reason.strip():
            errors["reason"] = _("Give the reason for a project that is cancelled or adjusted.")
        if self.status == self.Status.COMPLETED and not self.actual_finish:
            errors["actual_finish"] = _("Give the completion date of a completed project.")
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            errors["actual_finish"] = _("The completion date cannot be before the start date.")
        if (
            "reason" not in errors
            and self.plan_id
            and self.slipped_years(self.plan.data_years[-1])
            and not self.reason.strip()
        ):
            errors["reason"] = _("Give the reason why the project is later than planned.")
        if errors:
            raise ValidationError(errors)


def figure_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"figures/{instance.plan_id}/{uuid.uuid4().hex}.{ext}"


class Figure(Row):
    """An image placed in a section (e.g. 1.1's maps), numbered automatically per chapter."""

    section_key = models.CharField(max_length=20)
    image = models.FileField(upload_to=figure_upload_to, storage=private_storage)
    caption = models.CharField(_("caption"), max_length=200)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta(Row.Meta):
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self):
        return self.caption


def attachment_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"attachments/{instance.plan_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(Row):
    """A supporting file of 第六章 (3)-(4). Its type was checked by content, not by name."""

    section_key = models.CharField(max_length=20)
    category = models.CharField(_("category"), max_length=30)
    file = models.FileField(upload_to=attachment_upload_to, storage=private_storage)
    filename = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(Row.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename
