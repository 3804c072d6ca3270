"""Indicator catalogue, the plan's indicators and targets (第三章), the 2016-2020 data tables
(第六章 (1)-(2)) and the versioned coefficient sets the accounting uses."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.accounting import CALORIFIC_TOLERANCE, GJ_PER_TCE, calorific_mismatch
from indicators.attainment import attainment
from plans.models import Attachment, Plan, PlanOwnedQuerySet, Row

NOT_NEGATIVE = MinValueValidator(Decimal(0))


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Comparison(models.TextChoices):
    LT = "lt", "<"
    LE = "le", "≤"
    GE = "ge", "≥"
    GT = "gt", ">"


class Indicator(models.Model):
    """An entry of the national catalogue (seeded from the domain files, admin-managed)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30)
    category = models.CharField(_("category"), max_length=20)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    required = models.BooleanField(_("required"), default=False)
    reference_text = models.CharField(_("national reference for 2025"), max_length=200, blank=True)
    reference_comparison = models.CharField(
        _("reference comparison"), max_length=2, choices=Comparison.choices, blank=True
    )
    reference_value = models.DecimalField(
        _("reference value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    derivation = models.CharField(
        _("derived from the data tables as"),
        max_length=50,
        blank=True,
        help_text=_("Key of the derived series in indicators.accounting; empty if not derivable."),
    )
    definition = models.TextField(_("definition and formula"), blank=True)
    source = models.CharField(_("source document"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-required", "position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicator catalogue")
        constraints = [
            models.CheckConstraint(
                name="reference_complete",
                condition=Q(reference_comparison="", reference_value__isnull=True)
                | (~Q(reference_comparison="") & Q(reference_value__isnull=False)),
                violation_error_message=_("Give both a comparison and a value, or neither."),
            )
        ]

    def __str__(self):
        return self.name


class CoefficientSet(models.Model):
    """A versioned set of energy and emission coefficients. Computed figures name the set."""

    version = models.CharField(_("version"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    is_default = models.BooleanField(_("default for new plans"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("coefficient set")
        verbose_name_plural = _("coefficient sets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_coefficient_set",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.version}）"


class FuelCoefficient(models.Model):
    coefficient_set = models.ForeignKey(
        CoefficientSet, on_delete=models.CASCADE, related_name="fuels"
    )
    code = models.SlugField(max_length=30)
    name = models.CharField(_("fuel"), max_length=30)
    unit = models.CharField(_("statistical unit"), max_length=20)
    tce_per_unit = models.DecimalField(_("tce per unit"), max_digits=14, decimal_places=6)
    ncv_gj_per_unit = models.DecimalField(
        _("net calorific value (GJ per unit)"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
    )
    carbon_tc_per_tj = models.DecimalField(
        _("carbon content (tC/TJ)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    oxidation_rate = models.DecimalField(
        _("oxidation rate"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    co2_t_per_unit = models.DecimalField(
        _("CO2 per unit (t)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(_("status"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["coefficient_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["coefficient_set", "code"], name="one_fuel_per_set")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """One calorific value per fuel: the standard coal factor and the NCV the CO2 is
        computed from may differ only by the rounding of GB/T 2589's own table."""
        mismatch = calorific_mismatch(self.tce_per_unit, self.ncv_gj_per_unit)
        if mismatch is not None and mismatch > CALORIFIC_TOLERANCE:
            raise ValidationError(
                {
                    "ncv_gj_per_unit": _(
                        "This net calorific value is %(implied)s tce per %(unit)s, %(gap)s%% "
                        "from the standard coal factor: use one calorific value for both."
                    )
                    % {
                        "implied": f"{self.ncv_gj_per_unit / GJ_PER_TCE:.4f}",
                        "unit": self.unit,
                        "gap": f"{mismatch * 100:.1f}",
                    }
                }
            )


class GridFactor(models.Model):
    """A published grid electricity CO2 factor: one data year, one scope and region (a series is
    a scope and region across data years; indicators.grid picks a year's factor from it)."""

    coefficient_set = models.ForeignKey(
        CoefficientSet, on_delete=models.CASCADE, related_name="grid_factors"
    )
    data_year = models.PositiveSmallIntegerField(_("data year"))
    scope = models.CharField(_("scope"), max_length=80)
    region = models.CharField(_("region"), max_length=30)
    t_co2_per_mwh = models.DecimalField(_("tCO2 per MWh"), max_digits=8, decimal_places=4)
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(_("status"), max_length=200, blank=True)
    # The announcement as the documents cite it, in Chinese: issuing body, title, year.
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    announcement = models.CharField(_("announcement title"), max_length=200, blank=True)
    announced_year = models.PositiveSmallIntegerField(
        _("year of the announcement"), null=True, blank=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["coefficient_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["coefficient_set", "data_year", "scope", "region"],
                name="one_grid_factor_per_year_and_series",
            )
        ]

    # The domain file names scopes in English; users read them in Chinese.
    SCOPE_LABELS = {
        "national average": "全国平均",
        "national excluding market-traded non-fossil power": (
            "全国（不含市场化交易的非化石能源电量）"
        ),
        "national fossil-fuel power": "全国化石能源电力",
        "regional": "区域电网",
        "provincial": "省级",
    }

    def __str__(self):
        return f"{self.data_year}年 {self.series_label}：{self.t_co2_per_mwh} tCO2/MWh"

    @property
    def scope_label(self) -> str:
        return self.SCOPE_LABELS.get(self.scope, self.scope)

    @property
    def series_label(self) -> str:
        """The series as users read it: 全国平均, 华东区域电网, 安徽省（省级）."""
        if self.scope == "regional":
            return f"{self.region}区域电网"
        if self.scope == "provincial":
            return f"{self.region}（省级）"
        return self.scope_label

    @property
    def is_sourced(self) -> bool:
        """Published by a named body: only these are offered or used (an unverified default,
        such as the "enterprise reporting" 0.5703 nobody could source, never is)."""
        return bool(self.issuer and self.announcement) and "unverified" not in self.status

    @property
    def citation(self) -> str:
        """生态环境部、国家统计局《关于发布2023年电力二氧化碳排放因子的公告》（2026年）"""
        year = f"（{self.announced_year}年）" if self.announced_year else ""
        return f"{self.issuer}《{self.announcement}》{year}"


class PlanIndicator(models.Model):
    """An indicator the park takes for its plan: catalogue or its own, with baseline and
    yearly targets (第三章 3.1-3.3)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    custom_name = models.CharField(_("name"), max_length=100, blank=True)
    custom_unit = models.CharField(_("unit"), max_length=30, blank=True)
    custom_direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, blank=True
    )
    custom_definition = models.TextField(_("definition"), blank=True)
    # Decimal strings as entered ("0.1700"), keyed by year; the base year under "base".
    baseline = models.CharField(_("baseline"), max_length=40, blank=True)
    targets = models.JSONField(_("targets"), default=dict, blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    feasibility = models.TextField(_("feasibility analysis"), blank=True)
    # {check code: justification text}: reviewers read them beside the warnings.
    justifications = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "indicator"],
                condition=Q(indicator__isnull=False),
                name="catalogue_indicator_once_per_plan",
            ),
            models.CheckConstraint(
                name="custom_indicator_named",
                condition=Q(indicator__isnull=False) | ~Q(custom_name=""),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.indicator.name if self.indicator_id else self.custom_name

    @property
    def unit(self) -> str:
        return self.indicator.unit if self.indicator_id else self.custom_unit

    @property
    def direction(self) -> str:
        return self.indicator.direction if self.indicator_id else self.custom_direction

    @property
    def is_custom(self) -> bool:
        return self.indicator_id is None


class IndicatorActual(Row):
    """A report's row for one indicator of the approved plan: its facts and the data year's
    target carried forward from the approved version, and the actual value the park reports.

    A derived indicator's actual is computed from the report's data tables (indicators.
    accounting) with the coefficient set and the grid factor of the data year; `actual` is what
    the park types for the others."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    derivation = models.CharField(max_length=50, blank=True, editable=False)
    baseline = models.DecimalField(
        _("2020 baseline"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    target = models.DecimalField(
        _("target for the year"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    actual = models.DecimalField(
        _("actual value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    # one of the report's supporting files (uploaded, checked by content, in 佐证材料)
    evidence = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence file"),
    )
    reason = models.TextField(_("reason"), blank=True)
    carried_from = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # carried forward for the chart of actuals against the plan: the approved plan's yearly
    # targets and the earlier years' actuals of the approved reports, {"2021": "0.165", ...}
    planned = models.JSONField(default=dict, blank=True, editable=False)
    earlier = models.JSONField(default=dict, blank=True, editable=False)

    class Meta(Row.Meta):
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")

    def __str__(self):
        return self.name

    def clean(self):
        """A typed actual that misses the year's target needs the reason (a derived one is
        checked where its value is computed: indicators.selectors.report_actuals)."""
        if self.derivation:
            return
        result = attainment(self.direction, self.target, self.actual, self.baseline)
        if result.met is False and not self.reason.strip():
            raise ValidationError(
                {"reason": _("The actual value misses the year's target: give the reason.")}
            )


class TableData(models.Model):
    """The values of one data table (indicators.tables) of a plan, as entered:
    {row key: {year: "decimal string"}}."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="table_data")
    table = models.CharField(max_length=30)
    values = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "table"], name="one_table_per_plan")]

    def __str__(self):
        return f"{self.plan} · {self.table}"


class CustomFuel(models.Model):
    """Another fuel a park uses, with the coefficients it states (and their source)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="custom_fuels")
    name = models.CharField(_("fuel"), max_length=50)
    unit = models.CharField(_("statistical unit"), max_length=20)
    tce_per_unit = models.DecimalField(
        _("tce per unit"), max_digits=14, decimal_places=6, validators=[NOT_NEGATIVE]
    )
    co2_t_per_unit = models.DecimalField(
        _("CO2 per unit (t)"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    source = models.CharField(_("source of the coefficients"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0, editable=False)

    objects = PlanOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("other fuel")
        verbose_name_plural = _("other fuels")

    def __str__(self):
        return self.name


class Accounting(models.Model):
    """How the plan's energy and carbon are computed: which coefficient set and grid factors."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="accounting")
    coefficient_set = models.ForeignKey(
        CoefficientSet, on_delete=models.PROTECT, verbose_name=_("coefficient set")
    )
    # The grid factor series (indicators.grid): empty scope = the default for the park's province.
    grid_scope = models.CharField(_("grid factor scope"), max_length=80, blank=True)
    grid_region = models.CharField(_("grid factor region"), max_length=30, blank=True)
    grid_reason = models.TextField(_("reason for another grid factor"), blank=True)
    # {data year: GridFactor pk} the figures were last computed with: a factor published later
    # changes nothing until the park recomputes (indicators.services.accounting_recompute).
    grid_years = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=0, editable=False)

    objects = PlanOwnedQuerySet.as_manager()

    def __str__(self):
        return f"{self.plan} · {self.coefficient_set}"


class WorkbookImport(models.Model):
    """An uploaded workbook waiting for the user's confirmation (nothing is applied before)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    # {table: {row: {year: "value"}}} as read from the workbook
    values = models.JSONField(default=dict)
    # {table: revision} at upload: a table changed since then is not overwritten
    revisions = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    objects = PlanOwnedQuerySet.as_manager()

    def __str__(self):
        return f"{self.plan} · {self.filename}"
