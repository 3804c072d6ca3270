"""National and provincial summaries of the submitted plans, for dashboards and exports.

Every figure comes from submitted versions, never from a draft: for each plan in scope, the
version that stands for it (its latest submitted version), or the versions a named snapshot
froze. Plans whose state is the draft (never submitted, or withdrawn) are never in scope.

One query lists the versions in scope; their snapshots are read in chunks, so memory stays
bounded however many parks there are, and the number of queries does not grow with them.
Aggregates follow the rule: sums for absolute quantities; for intensities and rates, the ratio
of the sums (indicators.accounting.RATIOS), never the average of the parks' ratios; each figure
says how many parks are behind it.
"""

import hashlib
import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery

from core.numbers import to_decimal
from documents.schema import ENERGY_TOTALS, Frozen, FrozenIndicator
from documents.thaw import grid_years
from indicators.accounting import RATIOS, grid_summary
from indicators.checks import (
    POLICY_HALF_LIMIT,
    POLICY_HALF_SHARE,
    POLICY_INTENSITY_CODE,
    POLICY_ZONES_LIMIT,
    within_half_limit,
    zones_goal_met,
)
from plans.models import Plan
from plans.status import State
from review.models import Version
from summaries.models import SummarySnapshot

# What a summary shows unless asked otherwise: approved plans only.
DEFAULT_STATES: tuple[str, ...] = (State.APPROVED,)
SUMMARY_STATES: tuple[str, ...] = tuple(s for s in State.values if s != State.DRAFT)
HISTORY_YEARS = (2016, 2017, 2018, 2019, 2020)
CHUNK = 100


@dataclass(frozen=True)
class Scope:
    """What a dashboard or export covers: a cycle, provinces (empty: all the user may see),
    workflow states (never the draft), or the versions of a named snapshot."""

    cycle: str
    provinces: tuple[str, ...] = ()
    states: tuple[str, ...] = DEFAULT_STATES
    snapshot: int | None = None  # SummarySnapshot id

    def __post_init__(self):
        states = tuple(s for s in self.states if s in SUMMARY_STATES) or DEFAULT_STATES
        object.__setattr__(self, "states", states)


def scope_plans(*, user, scope: Scope) -> QuerySet[Plan]:
    """The cycle's plans the user may see; `user=None` means every park (for figures that
    reveal no single park's numbers, such as percentiles)."""
    plans = Plan.objects.all() if user is None else Plan.objects.visible_to(user)
    plans = plans.filter(cycle__code=scope.cycle)
    if scope.provinces:
        plans = plans.filter(park__province__code__in=scope.provinces)
    return plans


def standing_versions(*, user, scope: Scope) -> QuerySet[Version]:
    """The version that stands for each plan in scope, ordered by province and park; the
    snapshot's versions (still limited to what the user may see) when the scope names one."""
    if scope.snapshot:
        snapshot = SummarySnapshot.objects.get(pk=scope.snapshot)
        versions = snapshot.versions.filter(plan__in=scope_plans(user=user, scope=scope))
    else:
        latest = (
            Version.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
        )
        plans = scope_plans(user=user, scope=scope).filter(status__in=scope.states)
        versions = Version.objects.filter(plan__in=plans, number=Subquery(latest))
    return versions.select_related(
        "plan__park__province", "plan__cycle", "plan__assigned_to"
    ).order_by("plan__park__province__code", "plan__park__name")


def iterate(versions: QuerySet[Version]) -> Iterator[Version]:
    """The versions with their snapshots, CHUNK at a time (bounded memory)."""
    return versions.iterator(chunk_size=CHUNK)


# --- a plan's figures, read from its snapshot (documents.schema) ------------------------------


def energy_totals(frozen: Frozen) -> dict[str, dict[int, Decimal | None]]:
    return {kind: frozen.energy_totals(kind) for kind in ENERGY_TOTALS}


def final_target(item: FrozenIndicator, year: int = 2025) -> Decimal | None:
    return item.target(year)


def reference_met(item: FrozenIndicator) -> bool | None:
    """Whether the 2025 target meets the national reference: None where there is none or no
    target; decided by the checks frozen with the version (warning 'national_reference')."""
    if item.reference_value in (None, "") or final_target(item) is None:
        return None
    return not any(w.code == "national_reference" for w in item.warnings)


def unjustified(item: FrozenIndicator) -> list[str]:
    return [w.message for w in item.warnings if not item.justification(w.code)]


def project_investment(frozen: Frozen) -> Decimal:
    return sum(
        (to_decimal(p.get("investment")) or Decimal(0) for p in frozen.rows("projects")),
        Decimal(0),
    )


# --- aggregates -------------------------------------------------------------------------------


# Named (not lambdas) so that the summaries can be pickled into the shared cache.
def _stated_lists() -> dict[str, list]:
    return {"baselines": [], "targets": []}


def _by_year() -> defaultdict:
    return defaultdict(Decimal)


@dataclass
class Figure:
    """A group's figure and how many parks are behind it."""

    value: Decimal | None = None
    parks: int = 0


@dataclass
class Sums:
    numerator: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    parks: int = 0

    def add(self, numerator, denominator) -> None:
        if numerator is None or not denominator:
            return
        self.numerator += numerator
        self.denominator += denominator
        self.parks += 1

    def figure(self, scale: Decimal = Decimal(1)) -> Figure:
        if not self.parks:
            return Figure(None, 0)
        return Figure(self.numerator * scale / self.denominator, self.parks)


@dataclass(frozen=True)
class Standing:
    """A park's value among the other parks': how many of them state a worse value."""

    worse: int
    others: int

    @property
    def percent_worse(self) -> int | None:
        """The share of the other parks doing worse (in %); None when there is no other park."""
        return round(100 * self.worse / self.others) if self.others else None


@dataclass
class IndicatorSummary:
    """One catalogue indicator across the parks in scope."""

    code: str
    name: str
    unit: str
    direction: str
    required: bool
    reference_value: Decimal | None
    reference_text: str
    baselines: list[Decimal] = field(default_factory=list)  # stated 2020 baselines
    targets: list[Decimal] = field(default_factory=list)  # stated 2025 targets
    by_province: dict[str, dict[str, list[Decimal]]] = field(
        default_factory=lambda: defaultdict(_stated_lists)
    )
    met: int = 0
    missed: int = 0
    # each park's own base-year figure from its data tables (derivable indicators)
    actuals: list[Decimal] = field(default_factory=list)
    # ratio of sums for derivable indicators: from the data tables (baseline year) and, for the
    # targets, each park's target weighted by its own base-year denominator
    baseline_sums: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))
    target_sums: dict[str, Sums] = field(default_factory=lambda: defaultdict(Sums))

    @property
    def parks(self) -> int:
        return len(self.baselines)

    def national_baseline(self) -> Figure:
        return self._figure(self.baseline_sums["*"], self.baselines)

    def national_target(self) -> Figure:
        return self._figure(self.target_sums["*"], self.targets)

    def province_baseline(self, code: str) -> Figure:
        return self._figure(self.baseline_sums[code], None)

    def province_target(self, code: str) -> Figure:
        return self._figure(self.target_sums[code], None)

    def _figure(self, sums: Sums, stated: list | None) -> Figure:
        ratio = RATIOS.get(self.code)
        if ratio is not None:
            return sums.figure(ratio.scale)
        if stated is not None and self.unit not in {"%", "年"} and stated:
            return Figure(sum(stated, Decimal(0)), len(stated))  # absolute quantities add up
        return Figure(None, len(stated or []))

    def standing(
        self,
        value: Decimal | None,
        *,
        of: str = "baselines",
        province: str = "",
        own: Decimal | None = None,
    ) -> Standing | None:
        """How `value` compares with the other parks' stated values, nationally or in one
        province, by the indicator's direction. `own` is the value the park's own standing
        version put among them (left out, so that a park is never compared with itself)."""
        if value is None:
            return None
        values = list(self.by_province[province][of] if province else getattr(self, of))
        if own is not None and own in values:
            values.remove(own)
        if self.direction == "lower":
            worse = sum(1 for v in values if v > value)
        else:
            worse = sum(1 for v in values if v < value)
        return Standing(worse=worse, others=len(values))


@dataclass(frozen=True)
class HalfGoal:
    """国科发火〔2021〕28号's "50%的国家高新区…低于0.3": of `parks` with a figure, how many are
    at or below the limit (0.3 counted), their share, and whether it is at least half."""

    parks: int
    within: int

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.within) * 100 / self.parks if self.parks else None

    @property
    def met(self) -> bool | None:
        return self.within >= POLICY_HALF_SHARE * self.parks if self.parks else None


def half_goal(values: Iterable[Decimal]) -> HalfGoal:
    values = list(values)
    return HalfGoal(parks=len(values), within=sum(1 for v in values if within_half_limit(v)))


@dataclass(frozen=True)
class EnergyGoals:
    """The two 2025 energy intensity goals of 国科发火〔2021〕28号 for the parks in scope: the
    zones as a whole (ratio of sums) against 0.4, and the share of parks at or below 0.3; for the
    base year's figures (data tables) and for the 2025 targets."""

    limit: Decimal
    half_limit: Decimal
    baseline: Figure
    target: Figure
    baseline_met: bool | None
    target_met: bool | None
    baseline_half: HalfGoal
    target_half: HalfGoal

    @property
    def zones(self) -> list[tuple[Figure, bool | None]]:
        """(figure, met) for the base year and for the targets, as the dashboard's columns."""
        return [(self.baseline, self.baseline_met), (self.target, self.target_met)]

    @property
    def halves(self) -> list[HalfGoal]:
        return [self.baseline_half, self.target_half]


def energy_goals(summaries: list[IndicatorSummary]) -> EnergyGoals | None:
    summary = next((s for s in summaries if s.code == POLICY_INTENSITY_CODE), None)
    if summary is None:
        return None
    baseline, target = summary.national_baseline(), summary.national_target()
    return EnergyGoals(
        limit=POLICY_ZONES_LIMIT,
        half_limit=POLICY_HALF_LIMIT,
        baseline=baseline,
        target=target,
        baseline_met=zones_goal_met(baseline.value),
        target_met=zones_goal_met(target.value),
        baseline_half=half_goal(summary.actuals),
        target_half=half_goal(summary.targets),
    )


def indicator_summaries(
    versions: Iterable[Version], *, base_year: int = 2020
) -> list[IndicatorSummary]:
    """Each catalogue indicator across the versions (custom indicators are the park's own and
    are not added up)."""
    found: dict[str, IndicatorSummary] = {}
    for version in versions:
        frozen = version.frozen
        province = version.plan.park.province.code
        values = frozen.tables
        totals = energy_totals(frozen)
        for item in frozen.indicators:
            code = item.code
            if not code:
                continue
            summary = found.get(code)
            if summary is None:
                summary = found[code] = IndicatorSummary(
                    code=code,
                    name=item.name,
                    unit=item.unit,
                    direction=item.direction,
                    required=item.required,
                    reference_value=to_decimal(item.reference_value),
                    reference_text=item.reference_text,
                )
            baseline, target = to_decimal(item.baseline), final_target(item)
            if baseline is not None:
                summary.baselines.append(baseline)
                summary.by_province[province]["baselines"].append(baseline)
            if target is not None:
                summary.targets.append(target)
                summary.by_province[province]["targets"].append(target)
            met = reference_met(item)
            summary.met += met is True
            summary.missed += met is False
            ratio = RATIOS.get(code)
            if ratio is None:
                continue
            numerator, denominator = ratio.parts(values, totals, base_year)
            if numerator is not None and denominator:
                summary.actuals.append(numerator * ratio.scale / denominator)
            for key in ("*", province):
                summary.baseline_sums[key].add(numerator, denominator)
                if target is not None and denominator:
                    summary.target_sums[key].add(target * denominator / ratio.scale, denominator)
    return sorted(found.values(), key=lambda s: (not s.required, s.code))


def grid_text(frozen: Frozen) -> str:
    """Which grid factors a version's CO2 figures use: the series and each data year's factor
    year (indicators.accounting.grid_summary); a format-2 snapshot names its one factor."""
    accounting = frozen.accounting
    return grid_summary(
        accounting.grid_choice, grid_years(accounting), fallback=accounting.grid_factor
    )


@dataclass
class Totals:
    """Energy, CO2 and investment of the versions, nationally and by province, and the grid
    factors each park's CO2 uses ((province, park, grid_text) in the versions' order)."""

    tce: dict[str, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(_by_year))
    co2: dict[str, dict[int, Decimal]] = field(default_factory=lambda: defaultdict(_by_year))
    investment: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    parks: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    grid: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def grid_stand_ins(self) -> int:
        """How many parks' CO2 uses a stand-in factor for some year."""
        return sum("暂用" in text for _province, _park, text in self.grid)


def totals_of(versions: Iterable[Version]) -> Totals:
    totals = Totals()
    for version in versions:
        province = version.plan.park.province.code
        energy = energy_totals(version.frozen)
        totals.grid.append(
            (version.plan.park.province.name, version.plan.park.name, grid_text(version.frozen))
        )
        for key in ("*", province):
            totals.parks[key] += 1
            totals.investment[key] += project_investment(version.frozen)
            for year in HISTORY_YEARS:
                totals.tce[key][year] += energy["tce"].get(year) or Decimal(0)
                totals.co2[key][year] += energy["co2"].get(year) or Decimal(0)
    return totals


def figures(versions: QuerySet[Version], *, base_year: int) -> tuple[list, Totals, int]:
    """(indicator summaries, totals, number of versions) of the versions, from the shared cache
    when the same versions were summed before. A version never changes and its content hash
    covers its whole snapshot, so (id, hash, province) of each is the whole key, right even where
    ids are reused (a restored database). Reading every snapshot costs about 2 ms a park; the key
    costs one small query."""
    ids = sorted(
        versions.values_list("pk", "content_hash", "plan__park__province__code").order_by()
    )
    digest = hashlib.sha256(f"{base_year}:{ids}".encode()).hexdigest()
    key = f"summary-figures:2:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return pickle.loads(cached)
    items = list(iterate(versions))
    result = (indicator_summaries(items, base_year=base_year), totals_of(items), len(items))
    cache.set(key, pickle.dumps(result), 24 * 3600)
    return result
