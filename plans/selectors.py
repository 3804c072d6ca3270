"""Reads of plans, scoped to the user, with a fixed number of queries per page."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.cache import kept
from parks.scoping import scope_key
from plans.models import Attachment, Cycle, Figure, Plan, Section
from plans.outline import ROADMAP_KEY, TASK_GROUPS, Entry, Outline, outline_for
from plans.rows import PLAN_NOTICES, REVISION_COUNTERS, SECTION_COUNTERS, kinds_in


def cycle_list() -> QuerySet[Cycle]:
    return Cycle.objects.order_by("-plan_start_year")


def cycle_current() -> Cycle:
    cycle = Cycle.objects.filter(is_current=True).first()
    if cycle is None:
        raise Cycle.DoesNotExist("No current reporting cycle is configured.")
    return cycle


def plan_get(*, user, pk: int, related=("park__province", "cycle")) -> Plan:
    """The plan `pk` among those the user may see (404 otherwise), with `related` joined in."""
    return get_object_or_404(Plan.objects.visible_to(user).select_related(*related), pk=pk)


KEPT_PLAN_SECONDS = 300


def plan_get_kept(*, user, pk: int) -> Plan:
    """plan_get for the autosave, which every editor sends every few seconds: the plan with its
    park, as plan_get found it for this user within KEPT_PLAN_SECONDS, from the shared cache.

    What is kept is plan_get's answer (the scoping decided it, parks.scoping), under everything
    that answer depends on: the user and what scopes them (role, park, province; a user moved to
    another park asks anew). Of the plan the autosave uses only what never changes once it is
    made (its park, kind and outline version); its state is checked by the write itself
    (plans.services.section_save locks the plan only in an editable state, and answers with
    the state as it is now), and a plan deleted since is found missing there (404). The write
    names the kept plan's park too, so a kept answer that no longer fits the database (restored,
    or another test run's) can only reach a plan of that same park, which the key's scope sees."""
    return kept(
        f"plans:kept-plan:{pk}:{scope_key(user)}",
        KEPT_PLAN_SECONDS,
        lambda: plan_get(user=user, pk=pk, related=("park",)),
    )


def plan_list_for_park(*, user, park) -> QuerySet[Plan]:
    """The park's plans, one per cycle (its reports are listed with the plan they follow)."""
    return (
        Plan.objects.visible_to(user).filter(park=park, kind=Plan.Kind.PLAN).select_related("cycle")
    )


def current_plan_for_park(*, user, park) -> Plan | None:
    return plan_list_for_park(user=user, park=park).filter(cycle__is_current=True).first()


@dataclass(frozen=True)
class SectionStatus:
    entry: Entry
    depth: int
    section: Section | None
    state: str
    items: int  # rows, figures or files that belong to the section
    to_revise: int = 0  # reviewers' comments on it the park has not answered yet

    @property
    def words(self) -> int:
        return self.section.word_count if self.section else 0


@dataclass(frozen=True)
class OutlineStatus:
    outline: Outline
    items: list[SectionStatus]
    by_key: dict[str, SectionStatus] = field(default_factory=dict)

    @property
    def required(self) -> list[SectionStatus]:
        return [i for i in self.items if i.entry.is_editable and i.entry.required]

    @property
    def complete_count(self) -> int:
        return sum(1 for i in self.required if i.state == Section.State.COMPLETE)

    @property
    def percent(self) -> int:
        required = self.required
        return round(100 * self.complete_count / len(required)) if required else 100

    @property
    def words(self) -> int:
        return sum(i.words for i in self.items)


def _item_counts(plan: Plan) -> dict[str, int]:
    """How many rows, figures and files each section holds (one query per table)."""
    counts: dict[str, int] = defaultdict(int)
    for kind in kinds_in(outline_for(plan.outline_version)).values():
        counts[kind.section_key] += kind.model.objects.filter(plan=plan).count()
    for model in (Figure, Attachment):
        for key, n in (
            model.objects.filter(plan=plan).values_list("section_key").annotate(n=Count("pk"))
        ):
            counts[key] += n
    if plan.carbon_peak_year:
        counts[ROADMAP_KEY] += 1
    for counter in SECTION_COUNTERS:
        for key, n in counter(plan).items():
            counts[key] += n
    return counts


def section_state(entry: Entry, section: Section | None, items: int) -> str:
    has_content = bool(section and section.text_length) or items > 0
    if not has_content:
        return Section.State.EMPTY
    return Section.State.COMPLETE if section and section.is_done else Section.State.IN_PROGRESS


def revision_counts(plan: Plan) -> dict[str, int]:
    """Section key -> comments on it waiting for the park (the apps above count them)."""
    counts: dict[str, int] = defaultdict(int)
    for counter in REVISION_COUNTERS:
        for key, n in counter(plan).items():
            counts[key] += n
    return counts


def plan_outline_status(plan: Plan) -> OutlineStatus:
    """Each section's state: 未填写 / 填写中 / 已完成, or 待修改 while a reviewer's comment on it
    waits for the park's answer (such a section does not count as complete)."""
    outline = outline_for(plan.outline_version)
    sections = {s.key: s for s in Section.objects.filter(plan=plan).defer("body")}
    counts = _item_counts(plan)
    to_revise = revision_counts(plan)
    items = []
    for entry, depth in outline.walk():
        section = sections.get(entry.key)
        state = section_state(entry, section, counts[entry.key]) if entry.is_editable else ""
        if state and to_revise.get(entry.key):
            state = Section.State.TO_REVISE
        items.append(
            SectionStatus(entry, depth, section, state, counts[entry.key], to_revise[entry.key])
        )
    return OutlineStatus(outline, items, {i.entry.key: i for i in items})


@dataclass(frozen=True)
class PlanNotice:
    """A notice on top of the plan's pages (e.g. the plan was returned: why, and what next)."""

    level: str  # "warning", "info"
    title: str
    lines: list[str]
    link: str = ""
    link_text: str = ""


def plan_notices(plan: Plan | None) -> list[PlanNotice]:
    if plan is None:
        return []
    return [notice for provider in PLAN_NOTICES for notice in provider(plan)]


def section_entry(*, plan: Plan, key: str) -> Entry:
    """The outline entry of an editable section of the plan; 404 for any other key."""
    entry = outline_for(plan.outline_version).by_key.get(key)
    if entry is None or not entry.is_editable:
        raise Http404
    return entry


def section_get(*, plan: Plan, key: str) -> tuple[Entry, Section]:
    entry = section_entry(plan=plan, key=key)
    section, _created = Section.objects.select_related("updated_by").get_or_create(
        plan=plan, key=key
    )
    return entry, section


def plan_outline(plan: Plan) -> Outline:
    return outline_for(plan.outline_version)


def outline_entry(plan: Plan, key: str) -> Entry:
    return outline_for(plan.outline_version).by_key[key]


def outline_neighbours(plan: Plan, key: str):
    return outline_for(plan.outline_version).neighbours(key)


def rows_for(*, plan: Plan, kind) -> QuerySet:
    return (
        kind.model.objects.filter(plan=plan)
        .select_related(*kind.select_related)
        .order_by(*([kind.scope_field] if kind.scope_field else []), "position", "id")
    )


def row_get(*, user, plan: Plan, kind, pk: int):
    """The row `pk` of `plan` (404 otherwise), holding `plan` as the page read it (with its park
    and cycle), so that its checks and the services read no plan again."""
    row = get_object_or_404(kind.model.objects.visible_to(user).filter(plan=plan), pk=pk)
    row.plan = plan
    return row


def figure_get(*, user, pk: int) -> Figure:
    return get_object_or_404(Figure.objects.visible_to(user).select_related("plan"), pk=pk)


def attachment_get(*, user, pk: int) -> Attachment:
    return get_object_or_404(Attachment.objects.visible_to(user).select_related("plan"), pk=pk)


@dataclass
class ProjectTotals:
    investment: Decimal
    government_funds: Decimal
    energy_saved_tce: Decimal
    co2_reduced_t: Decimal
    by_start_year: list[tuple[int, Decimal, int]]
    by_group: list[tuple[str, Decimal, int]]


def project_totals(projects) -> ProjectTotals:
    def total(attr):
        return sum((getattr(p, attr) or Decimal(0) for p in projects), Decimal(0))

    years: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    groups: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
    for p in projects:
        years[p.start_year][0] += p.investment
        years[p.start_year][1] += 1
        groups[p.group][0] += p.investment
        groups[p.group][1] += 1
    labels = dict(TASK_GROUPS)
    return ProjectTotals(
        investment=total("investment"),
        government_funds=total("government_funds"),
        energy_saved_tce=total("energy_saved_tce"),
        co2_reduced_t=total("co2_reduced_t"),
        by_start_year=[(y, v[0], v[1]) for y, v in sorted(years.items())],
        by_group=[(labels[g], groups[g][0], groups[g][1]) for g, _l in TASK_GROUPS if g in groups],
    )
