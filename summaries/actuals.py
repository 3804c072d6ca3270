"""National and provincial figures on the actuals of the reports that follow the plans up
(issue 16): the zones against the national goals, attainment per indicator, investment
executed, and who has not reported.

Every figure comes from approved reports, read from their frozen versions (the latest version of
each approved report; a named snapshot's report versions when the scope names one), never from a
draft. For a park and a data year the figures are its annual report of that year; where it has
none, its approved final evaluation's column of that year (the final evaluation holds 2021-2025).

Aggregates follow the rule of summaries.figures: intensities and rates are ratios of sums
(Σ numerators ÷ Σ denominators of the parks' data tables, indicators.accounting.RATIOS), never
averages of the parks' ratios; each figure says how many parks are behind it. The national goals
are those of indicators.attainment: the zones' 单位工业增加值综合能耗 ≤ 0.4 (inclusive); the share
of parks at or below 0.3 counted as the plan dashboard counts it (indicators.checks.
within_half_limit: 0.3 itself counts); 单位工业增加值二氧化碳排放 down ≥ 4 % a year on average
since 2020, each park against its own 2020 baseline (the report's carried baseline; where the
report has none, the approved plan's frozen 2020 figure).

A fixed number of queries whatever the number of parks: one lists the report versions, one the
approved plans' versions where a baseline is missing, two who has not reported.
"""

import datetime
import hashlib
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from core.numbers import to_decimal
from indicators.accounting import RATIOS
from indicators.attainment import (
    CO2_INTENSITY,
    attainment,
    derived_actual,
    meets_co2_cut,
    meets_energy_goal,
)
from indicators.checks import POLICY_HALF_LIMIT, POLICY_ZONES_LIMIT
from parks.models import Province
from plans.models import Cycle, Plan
from plans.status import State
from reports import schedule
from review.models import Version
from summaries.figures import CHUNK, Figure, HalfGoal, Scope, Sums, energy_totals, half_goal
from summaries.models import SummarySnapshot

REPORT_KINDS = (Plan.Kind.ANNUAL, Plan.Kind.FINAL)
ENERGY = "energy_intensity_iav"
CO2 = CO2_INTENSITY
NATIONAL = "*"
# a report that has gone in: submitted, in review or approved (a draft or a returned one has not)
NOT_IN = (State.DRAFT, State.RETURNED)


def report_versions(*, user, scope: Scope) -> QuerySet[Version]:
    """The latest version of each approved report of the cycle the user may see (the snapshot's
    report versions when the scope names one), ordered by province and park."""
    reports = Plan.objects.visible_to(user).filter(cycle__code=scope.cycle, kind__in=REPORT_KINDS)
    if scope.provinces:
        reports = reports.filter(park__province__code__in=scope.provinces)
    if scope.snapshot:
        snapshot = SummarySnapshot.objects.get(pk=scope.snapshot)
        versions = snapshot.versions.filter(plan__in=reports)
    else:
        latest = (
            Version.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
        )
        versions = Version.objects.filter(
            plan__in=reports.filter(status=State.APPROVED), number=Subquery(latest)
        )
    return versions.select_related("plan__park__province", "plan__cycle").order_by(
        "plan__park__province__code", "plan__park__name", "plan__kind", "plan__data_year"
    )


# --- one park's year ----------------------------------------------------------------------------


@dataclass
class ParkYear:
    """What one approved report says of one park's data year."""

    park: int
    plan: int  # the approved plan the report follows
    province: str
    kind: str
    tce: Decimal | None = None
    co2: Decimal | None = None
    iav: Decimal | None = None
    co2_baseline: Decimal | None = None
    # (indicator name, unit) -> (met, with a target and an actual)
    attainment: dict[tuple[str, str], bool | None] = field(default_factory=dict)
    planned: Decimal = Decimal(0)
    invested: Decimal = Decimal(0)
    invested_government: Decimal = Decimal(0)
    projects: dict[str, int] = field(default_factory=dict)  # status -> count
    added: int = 0

    def intensity(self, numerator: Decimal | None) -> Decimal | None:
        return None if numerator is None or not self.iav else numerator / self.iav


def _park_years(version: Version) -> list[tuple[int, ParkYear]]:
    """(data year, ParkYear) for each data year a report version holds."""
    plan, frozen = version.plan, version.frozen
    cycle = plan.cycle
    years = [plan.data_year] if plan.kind == Plan.Kind.ANNUAL else cycle.plan_years
    values, totals = frozen.tables, energy_totals(frozen)
    actuals = frozen.rows("actuals")
    baseline = next(
        (to_decimal(r.get("baseline")) for r in actuals if r.get("derivation") == CO2), None
    )
    # the rows carry one year's target: the data year's, the final evaluation's last year's
    row_year = years[-1]

    def series_of(key, at):
        return to_decimal(frozen.derived(key).get(str(at)))

    result = []
    for year in years:
        tce, iav = RATIOS[ENERGY].parts(values, totals, year)
        co2, _iav = RATIOS[CO2].parts(values, totals, year)
        item = ParkYear(
            park=plan.park_id,
            plan=plan.follows_id,
            province=plan.park.province.code,
            kind=plan.kind,
            tce=tce,
            co2=co2,
            iav=iav,
            co2_baseline=baseline,
        )
        if year == row_year:
            for row in actuals:
                derivation = row.get("derivation") or ""
                if derivation:
                    actual = derived_actual(derivation, series_of, year, cycle.base_year, baseline)
                else:
                    actual = to_decimal(row.get("actual"))
                target, direction = to_decimal(row.get("target")), row.get("direction")
                key = (row.get("name") or "", row.get("unit") or "")
                item.attainment[key] = attainment(direction, target, actual).met
            for project in frozen.rows("project_progress"):
                item.planned += to_decimal(project.get("planned_investment")) or Decimal(0)
                item.invested += to_decimal(project.get("invested")) or Decimal(0)
                item.invested_government += to_decimal(
                    project.get("invested_government")
                ) or Decimal(0)
                status = project.get("status") or ""
                item.projects[status] = item.projects.get(status, 0) + 1
                item.added += bool(project.get("is_added"))
        result.append((year, item))
    return result


def _standing(
    versions: QuerySet[Version], names: dict[str, str]
) -> dict[tuple[int, int], ParkYear]:
    """(park, year) -> the ParkYear that stands for it: the annual report of the year, else the
    final evaluation's column of that year. `names` gets each province's name by code."""
    found: dict[tuple[int, int], ParkYear] = {}
    for version in versions.iterator(chunk_size=CHUNK):
        province = version.plan.park.province
        names.setdefault(province.code, province.name)
        for year, item in _park_years(version):
            held = found.get((item.park, year))
            if held is None or (held.kind == Plan.Kind.FINAL and item.kind == Plan.Kind.ANNUAL):
                found[(item.park, year)] = item
    return found


def _plan_baselines(plan_ids: set[int], base_year: int) -> dict[int, Decimal | None]:
    """The approved plans' frozen 2020 CO2 intensity (stated baseline, else derived), by plan."""
    if not plan_ids:
        return {}
    latest = Version.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
    versions = Version.objects.filter(plan__in=plan_ids, number=Subquery(latest))
    result = {}
    for version in versions.iterator(chunk_size=CHUNK):
        frozen = version.frozen
        item = next((i for i in frozen.indicators if i.code == CO2), None)
        stated = to_decimal(item.baseline) if item else None
        derived = to_decimal(frozen.derived(CO2).get(str(base_year)))
        result[version.plan_id] = stated if stated is not None else derived
    return result


# --- groups -------------------------------------------------------------------------------------


@dataclass
class Group:
    """One data year's figures for the parks of one scope (the nation or a province)."""

    energy: Sums = field(default_factory=Sums)
    co2: Sums = field(default_factory=Sums)
    intensities: list[Decimal] = field(default_factory=list)  # each park's own
    cut_met: int = 0
    cut_parks: int = 0
    parks: int = 0  # with an approved report for the year
    planned: Decimal = Decimal(0)
    invested: Decimal = Decimal(0)
    invested_government: Decimal = Decimal(0)
    investment_parks: int = 0
    projects: dict[str, int] = field(default_factory=dict)
    added: int = 0

    @property
    def intensity(self) -> Figure:
        return self.energy.figure()

    @property
    def co2_intensity(self) -> Figure:
        return self.co2.figure()

    @property
    def zones_met(self) -> bool | None:
        return meets_energy_goal(self.intensity.value)

    @property
    def half(self) -> HalfGoal:
        return half_goal(self.intensities)

    @property
    def cut_share(self) -> Decimal | None:
        return Decimal(self.cut_met) * 100 / self.cut_parks if self.cut_parks else None

    @property
    def executed(self) -> Decimal | None:
        """Investment executed against planned, in % (Σ invested ÷ Σ planned)."""
        return self.invested * 100 / self.planned if self.planned else None

    @property
    def project_count(self) -> int:
        return sum(self.projects.values())


@dataclass
class IndicatorAttainment:
    """One indicator's attainment in one scope and year: met of those with a target and an
    actual."""

    name: str
    unit: str
    met: int = 0
    missed: int = 0
    without: int = 0  # no target or no actual

    @property
    def compared(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.met) * 100 / self.compared if self.compared else None


@dataclass
class Figures:
    """What the approved reports' versions say, by year and scope (cached like summaries.
    figures: versions never change)."""

    groups: dict[tuple[int, str], Group] = field(default_factory=dict)
    attainment: dict[tuple[int, str], dict[tuple[str, str], IndicatorAttainment]] = field(
        default_factory=dict
    )
    reports: int = 0
    province_names: dict[str, str] = field(default_factory=dict)

    def group(self, year: int, scope: str = NATIONAL) -> Group:
        return self.groups.get((year, scope)) or Group()

    def indicators(self, year: int, scope: str = NATIONAL) -> list[IndicatorAttainment]:
        return list(self.attainment.get((year, scope), {}).values())


def actual_figures(versions: QuerySet[Version], *, cycle: Cycle) -> Figures:
    ids = sorted(
        versions.values_list("pk", "content_hash", "plan__park__province__code").order_by()
    )
    digest = hashlib.sha256(f"{cycle.code}:{ids}".encode()).hexdigest()
    key = f"summary-actuals:1:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return pickle.loads(cached)
    names: dict[str, str] = {}
    standing = _standing(versions, names)
    missing = {item.plan for item in standing.values() if item.co2_baseline is None}
    baselines = _plan_baselines(missing, cycle.base_year)
    result = Figures(reports=len(ids), province_names=names)
    for (_park, year), item in sorted(standing.items(), key=lambda pair: pair[0][1]):
        baseline = item.co2_baseline
        if baseline is None:
            baseline = baselines.get(item.plan)
        for scope in (NATIONAL, item.province):
            group = result.groups.setdefault((year, scope), Group())
            group.parks += 1
            group.energy.add(item.tce, item.iav)
            group.co2.add(item.co2, item.iav)
            own = item.intensity(item.tce)
            if own is not None:
                group.intensities.append(own)
            met = meets_co2_cut(baseline, item.intensity(item.co2), year - cycle.base_year)
            if met is not None:
                group.cut_parks += 1
                group.cut_met += met
            if item.projects:
                group.investment_parks += 1
                group.planned += item.planned
                group.invested += item.invested
                group.invested_government += item.invested_government
                group.added += item.added
                for status, n in item.projects.items():
                    group.projects[status] = group.projects.get(status, 0) + n
            rows = result.attainment.setdefault((year, scope), {})
            for (name, unit), met_target in item.attainment.items():
                row = rows.setdefault((name, unit), IndicatorAttainment(name, unit))
                if met_target is None:
                    row.without += 1
                elif met_target:
                    row.met += 1
                else:
                    row.missed += 1
    cache.set(key, pickle.dumps(result), 24 * 3600)
    return result


# --- who has not reported ------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """An approved plan's report that is owed and has not gone in (none, a draft or returned)."""

    park: str
    province: str
    province_code: str
    plan: int
    owed: schedule.Owed
    started: bool


def not_reported(*, user, scope: Scope, today: datetime.date | None = None) -> list[Missing]:
    """For every approved plan in scope and every report it owes as of today, those that have
    not gone in, by year (the final evaluation last), province and park."""
    cycle = Cycle.objects.get(code=scope.cycle)
    today = today or timezone.localdate()
    plans = Plan.objects.visible_to(user).filter(
        cycle=cycle, kind=Plan.Kind.PLAN, status=State.APPROVED
    )
    if scope.provinces:
        plans = plans.filter(park__province__code__in=scope.provinces)
    owed = schedule.owed(cycle, today=today)
    status = {
        (follows, kind, year): state
        for follows, kind, year, state in Plan.objects.filter(
            follows__in=plans.values("pk"), kind__in=REPORT_KINDS
        ).values_list("follows_id", "kind", "data_year", "status")
    }
    rows = list(
        plans.values_list(
            "pk", "park__name", "park__province__name", "park__province__code"
        ).order_by("park__province__code", "park__name")
    )
    result = []
    for item in owed:
        for pk, park, province, code in rows:
            state = status.get((pk, item.kind, item.data_year))
            if state is None or state in NOT_IN:
                result.append(Missing(park, province, code, pk, item, state is not None))
    return result


# --- the page -----------------------------------------------------------------------------------


@dataclass
class ActualsBoard:
    cycle: Cycle
    year: int
    years: list[int]
    provinces: list[tuple[str, str]]  # (code, name) of the provinces with figures or owing
    figures: Figures
    missing: list[Missing]
    snapshot: SummarySnapshot | None
    limit: Decimal = POLICY_ZONES_LIMIT
    half_limit: Decimal = POLICY_HALF_LIMIT

    @property
    def final_year(self) -> int:
        return self.years[-1]

    @property
    def scoreboard(self) -> Group:
        """The figures of the period's last year, against the national goals."""
        return self.figures.group(self.final_year)

    @property
    def national(self) -> list[tuple[int, Group]]:
        return [(year, self.figures.group(year)) for year in self.years]

    def by_province(self, year: int) -> list[tuple[str, Group]]:
        return [(name, self.figures.group(year, code)) for code, name in self.provinces]

    @property
    def year_provinces(self) -> list[tuple[str, Group]]:
        return self.by_province(self.year)

    @property
    def indicators(self) -> list[IndicatorAttainment]:
        return self.figures.indicators(self.year)

    @property
    def missing_year(self) -> list[Missing]:
        """The selected year's annual reports not in (the final evaluation with the last year)."""
        return [
            m
            for m in self.missing
            if m.owed.data_year == self.year
            or (m.owed.data_year is None and self.year == self.final_year)
        ]

    @property
    def missing_by_year(self) -> list[tuple[schedule.Owed, int]]:
        """Each owed report (in the order they fall due) and how many have not gone in."""
        counts: dict[schedule.Owed, int] = defaultdict(int)
        for m in self.missing:
            counts[m.owed] += 1
        return list(counts.items())


def actuals_board(*, user, scope: Scope, year: int | None = None) -> ActualsBoard:
    cycle = Cycle.objects.get(code=scope.cycle)
    years = cycle.plan_years
    year = year if year in years else years[-1]
    snapshot = SummarySnapshot.objects.get(pk=scope.snapshot) if scope.snapshot else None
    found = actual_figures(report_versions(user=user, scope=scope), cycle=cycle)
    missing = not_reported(user=user, scope=scope)
    codes = {code for (_y, code) in found.groups if code != NATIONAL}
    codes |= {m.province_code for m in missing}
    provinces = list(
        Province.objects.filter(code__in=codes).order_by("code").values_list("code", "name")
    )
    return ActualsBoard(
        cycle=cycle,
        year=year,
        years=years,
        provinces=provinces,
        figures=found,
        missing=missing,
        snapshot=snapshot,
    )
