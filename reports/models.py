"""When the reports that follow an approved plan up are due: a rule per report kind, and dates
the national admins set where the rule does not fit (reports.schedule reads both)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.models import Cycle, Plan


class ReportDeadline(models.Model):
    """A due date set by the national admins for one kind of report of a cycle (for an annual
    report, of one data year). Without one, reports.schedule's rule applies."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="+", verbose_name=_("reporting cycle")
    )
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[(k, label) for k, label in Plan.Kind.choices if k != Plan.Kind.PLAN],
    )
    data_year = models.PositiveSmallIntegerField(
        _("data year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    due_date = models.DateField(_("due date"))

    class Meta:
        ordering = ["cycle", "kind", "data_year"]
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "kind", "data_year"], name="one_deadline_per_report"
            ),
            # NULL data years are distinct to the constraint above: one final deadline a cycle
            models.UniqueConstraint(
                fields=["cycle", "kind"],
                condition=Q(data_year__isnull=True),
                name="one_final_deadline",
            ),
            models.CheckConstraint(
                name="deadline_year_by_kind",
                condition=Q(kind="annual", data_year__isnull=False)
                | Q(kind="final", data_year__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.get_kind_display()} {self.data_year or ''}".strip()
