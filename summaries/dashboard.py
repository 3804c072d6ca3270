"""The national and provincial dashboards: progress of the submissions, overdue parks, returns,
and the numbers of the plans in scope (figures.figures). A fixed number of queries, whatever the
number of parks; the snapshots are read once, in chunks."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbers import to_decimal
from indicators.tables import TABLES
from parks.models import Park, Province
from parks.roles import Level, level_of
from plans.models import Cycle
from plans.outline import INDICATORS_KEY, Kind, Outline, outline_for
from plans.rows import ROW_KINDS
from plans.status import State
from review.models import Comment, StatusChange
from review.workflow import ReturnReason
from summaries import figures
from summaries.models import SummarySnapshot


@dataclass
class ProvinceProgress:
    code: str
    name: str
    parks: int
    by_state: dict[str, int]

    @property
    def not_submitted(self) -> int:
        started = sum(n for s, n in self.by_state.items() if s != State.DRAFT)
        return self.parks - started

    @property
    def approved(self) -> int:
        return self.by_state.get(State.APPROVED, 0)

    @property
    def in_review(self) -> int:
        return sum(
            self.by_state.get(s, 0)
            for s in (
                State.SUBMITTED,
                State.PROVINCE_REVIEW,
                State.FORWARDED,
                State.NATIONAL_REVIEW,
            )
        )

    @property
    def returned(self) -> int:
        return self.by_state.get(State.RETURNED, 0)

    def percent(self, n: int) -> int:
        return round(100 * n / self.parks) if self.parks else 0


@dataclass
class Dashboard:
    scope: figures.Scope
    cycle: object
    snapshot: SummarySnapshot | None
    as_of: object
    provinces: list[ProvinceProgress]
    overdue: list[tuple[Park, str]]  # (park, state label) past the deadline and not approved
    overdue_count: int
    returns_by_reason: list[tuple[str, int]]
    returns_by_section: list[tuple[str, int]]
    indicators: list[figures.IndicatorSummary]
    totals: figures.Totals
    parks_covered: int
    state_labels: list[str] = field(default_factory=list)

    @property
    def national(self) -> ProvinceProgress:
        by_state: dict[str, int] = defaultdict(int)
        for row in self.provinces:
            for state, n in row.by_state.items():
                by_state[state] += n
        return ProvinceProgress(
            "*", _("All provinces"), sum(p.parks for p in self.provinces), by_state
        )

    @property
    def energy_goals(self) -> figures.EnergyGoals | None:
        return figures.energy_goals(self.indicators)

    @property
    def required_indicators(self) -> list[figures.IndicatorSummary]:
        return [i for i in self.indicators if i.required]


def _section_of(anchor: str, outline: Outline) -> str:
    """The outline key a comment anchor belongs to ('' for the plan as a whole, 'park'): where
    the anchored part's declaration (row kind, data table) or the outline puts it."""
    kind, _sep, rest = anchor.partition(":")
    if kind == "section":
        return rest
    if kind == "row":
        slug = rest.partition(":")[0]
        return ROW_KINDS[slug].section_key if slug in ROW_KINDS else ""
    if kind == "indicator":
        return INDICATORS_KEY
    if kind == "table":
        table = rest.partition(":")[0]
        return TABLES[table].section_key if table in TABLES else ""
    if kind == "file":  # a supporting file: the first section of them (all are in 第六章)
        return outline.holding(Kind.ATTACHMENTS)[0].key
    return kind if kind == "park" else ""


def dashboard(*, user, scope: figures.Scope) -> Dashboard:
    cycle = Cycle.objects.get(code=scope.cycle)
    snapshot = SummarySnapshot.objects.get(pk=scope.snapshot) if scope.snapshot else None
    parks = Park.objects.visible_to(user).filter(is_active=True)
    if scope.provinces:
        parks = parks.filter(province__code__in=scope.provinces)
    plans = figures.scope_plans(user=user, scope=scope).filter(park__in=parks)

    # progress by province: two grouped queries
    park_counts = dict(parks.values_list("province").annotate(n=Count("pk")).order_by())
    states = defaultdict(dict)
    for province, status, n in (
        plans.values_list("park__province", "status").annotate(n=Count("pk")).order_by()
    ):
        states[province][status] = n
    provinces = [
        ProvinceProgress(p.code, p.name, park_counts.get(p.pk, 0), states.get(p.pk, {}))
        for p in Province.objects.filter(pk__in=park_counts).order_by("code")
    ]

    # overdue: past the deadline and not approved (parks that never started included)
    today = timezone.localdate()
    overdue: list[tuple[Park, str]] = []
    overdue_count = 0
    if cycle.deadline < today:
        status_of = dict(plans.values_list("park", "status"))
        late = parks.exclude(pk__in=plans.filter(status=State.APPROVED).values("park"))
        overdue_count = late.count()
        overdue = [
            (park, State(status_of.get(park.pk, State.DRAFT)).label)
            for park in late.select_related("province").order_by("province__code", "name")[:50]
        ]

    # returns: by reason, and by the part of the plan the returned versions' comments were on
    returns = StatusChange.objects.filter(plan__in=plans, action="return")
    # a return may give several reasons: each counts once (older returns have only `reason`)
    by_reason = Counter(
        code
        for reasons, reason in returns.values_list("reasons", "reason")
        for code in (reasons or [reason])
    )
    outline = outline_for(cycle.outline_version)
    headings = {e.key: e.heading for e, _d in outline.walk()}
    chapter_of = outline.chapter_of
    by_section: Counter = Counter()
    for anchor in Comment.objects.filter(
        version__status_changes__in=returns, parent__isnull=True
    ).values_list("anchor", flat=True):
        key = _section_of(anchor, outline)
        if key == "park":
            by_section["一、园区基本信息"] += 1
        elif key in chapter_of:
            by_section[chapter_of[key].heading] += 1
        elif key in headings:
            by_section[headings[key]] += 1
        else:
            by_section[_("The plan as a whole")] += 1

    # the numbers of the plans in scope: one pass over their snapshots (or the cache's)
    indicators, totals, covered = figures.figures(
        figures.standing_versions(user=user, scope=scope), base_year=cycle.base_year
    )
    return Dashboard(
        scope=scope,
        cycle=cycle,
        snapshot=snapshot,
        as_of=snapshot.created_at if snapshot else timezone.now(),
        provinces=provinces,
        overdue=overdue,
        overdue_count=overdue_count,
        returns_by_reason=[
            (str(ReturnReason(reason).label), n)
            for reason, n in by_reason.most_common()
            if reason in ReturnReason.values
        ],
        returns_by_section=by_section.most_common(),
        indicators=indicators,
        totals=totals,
        parks_covered=covered,
        state_labels=[str(State(s).label) for s in scope.states],
    )


# A comparison among fewer parks than this tells the park too much about the others: with two
# parks in a province, on which side of its own value the other park's lies. Park staff see a
# comparison only among at least this many parks; reviewers and admins see every comparison.
PEER_MINIMUM = 5


def peer_view(*, version, user) -> list[dict]:
    """Where this park's stated baseline and 2025 target stand among the other parks with a
    submitted plan in the cycle, and among its province's, for each required indicator: the
    share of the other parks whose stated value is worse (by the indicator's direction), or
    None with `<key>_alone` set where no other park is compared. For park staff, a comparison
    among fewer than PEER_MINIMUM parks is withheld: None, with `<key>_withheld` (and the
    row's `withheld`) set."""
    sees_all = level_of(user) in (Level.PROVINCE, Level.NATIONAL)
    plan = version.plan
    scope = figures.Scope(cycle=plan.cycle.code, states=figures.SUMMARY_STATES)
    standing = figures.standing_versions(user=None, scope=scope)
    # every park, nationally: only shares leave this function, never another park's
    # numbers, and for park staff none among fewer than PEER_MINIMUM parks
    national, _totals, _count = figures.figures(standing, base_year=plan.cycle.base_year)
    by_code = {s.code: s for s in national}
    # what the park's own standing version (often this one) put among the parks' values
    own_version = (
        version if standing.filter(pk=version.pk).exists() else standing.filter(plan=plan).first()
    )
    own = {
        item.code: {
            "baselines": to_decimal(item.baseline),
            "targets": figures.final_target(item),
        }
        for item in (own_version.frozen.indicators if own_version else [])
    }
    province = plan.park.province.code
    rows = []
    for item in version.frozen.indicators:
        summary = by_code.get(item.code)
        if summary is None or not item.required:
            continue
        baseline = to_decimal(item.baseline)
        target = figures.final_target(item)
        row = {
            "name": item.name,
            "unit": item.unit,
            "direction": item.direction,
            "baseline": baseline,
            "target": target,
            "parks": summary.parks,
            "province_parks": len(summary.by_province[province]["baselines"]),
            "withheld": False,
        }
        # (key, the park's value, which of its values, province or "" nationally)
        for key, value, of, among in (
            ("baseline_national", baseline, "baselines", ""),
            ("baseline_province", baseline, "baselines", province),
            ("target_national", target, "targets", ""),
            ("target_province", target, "targets", province),
        ):
            compared = len(summary.by_province[among][of] if among else getattr(summary, of))
            place = summary.standing(
                value, of=of, province=among, own=own.get(item.code, {}).get(of)
            )
            withheld = place is not None and not sees_all and compared < PEER_MINIMUM
            row[key] = None if withheld or place is None else place.percent_worse
            row[f"{key}_alone"] = not withheld and place is not None and not place.others
            row[f"{key}_withheld"] = withheld
            row["withheld"] |= withheld
        rows.append(row)
    return rows
