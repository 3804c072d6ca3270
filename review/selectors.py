"""Reads for the review: the submission checklist, the timeline, versions."""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import MD5, Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import kept
from documents import thaw
from documents.build import FileUrl, PlanDocument
from documents.freeze import content_hash
from documents.schema import Frozen, FrozenIndicator
from indicators.models import Indicator
from indicators.selectors import accounting_for_reading, plan_numbers, report_actuals
from parks.models import User
from parks.profile import completeness
from parks.roles import PARK_ROLES, Level, Perm, Role, effective_role, has_perm, level_of
from parks.scoping import scope_key
from parks.selectors import park_profile_for_reading
from plans.models import NEEDS_REASON, Plan, ProjectProgress, Section, TaskProgress
from plans.outline import ACTUALS_KEY, PROJECT_PROGRESS_KEY, TASK_PROGRESS_KEY, outline_for
from plans.selectors import plan_outline_status
from plans.status import State
from review.models import Comment, PdfDocument, StatusChange, Version, VersionReading
from review.workflow import REVIEWING_ROLE, TRANSITIONS, transitions_from


@dataclass(frozen=True)
class Missing:
    """One thing that keeps the plan from being submitted, with where to fix it."""

    message: str
    url: str


def submission_checklist(plan: Plan, *, doc: PlanDocument | None = None) -> list[Missing]:
    """Everything missing or unjustified: empty required sections, incomplete park information,
    indicator warnings without a justification, empty required tables. Reads `doc` (the plan's
    document, documents.build) when the caller has built it already."""
    items: list[Missing] = []
    profile = doc.profile if doc else park_profile_for_reading(park=plan.park)
    info = completeness(profile)
    profile_url = reverse("parks:profile-edit", args=[plan.park_id])
    for field, label in info.missing:
        items.append(
            Missing(
                _("Park information: %(field)s is missing.") % {"field": label},
                f"{profile_url}#id_{field}",
            )
        )
    status = doc.status if doc else plan_outline_status(plan)
    for item in status.required:
        if item.state != Section.State.COMPLETE:
            message = (
                _("%(section)s is empty.")
                if item.state == Section.State.EMPTY
                else _("%(section)s is not marked complete.")
            )
            items.append(
                Missing(
                    message % {"section": item.entry.heading},
                    reverse("plans:section-edit", args=[plan.pk, item.entry.key]),
                )
            )
    numbers = doc.numbers if doc else plan_numbers(plan, accounting_for_reading(plan))
    if plan.is_report:
        items += _report_checks(plan, numbers)
    else:
        items += _indicator_checks(plan, numbers)
    for comment in open_comments_for_park(plan):
        items.append(
            Missing(
                _("Answer or resolve the comment on %(part)s: %(text)s")
                % {"part": comment.anchor_label, "text": comment.body[:40]},
                reverse("review:version", args=[plan.pk, comment.version.number])
                + f"#c-{comment.pk}",
            )
        )
    data_url = reverse("indicators:data", args=[plan.pk])
    choice = numbers.grid
    if choice is not None and not choice.is_default and not choice.reason.strip():
        # a series chosen before a reason was asked for (indicators migration 0003 kept it)
        items.append(
            Missing(
                _(
                    "Grid emission factor: %(series)s is not the default for the park's "
                    "location. Give the reason for it, or choose the default."
                )
                % {"series": choice.label},
                data_url + "#grid-choice",
            )
        )
    for key, filled in numbers.filled_cells.items():
        if key in {"economy", "energy"} and not filled:
            items.append(
                Missing(
                    _("The data table %(table)s is empty.")
                    % {"table": numbers.grids[key].table.title},
                    data_url,
                )
            )
    return items


def _indicator_checks(plan: Plan, numbers) -> list[Missing]:
    """The plan's indicators: the required ones taken, each with a baseline or targets, each
    warning justified."""
    items: list[Missing] = []
    indicators_url = reverse("indicators:indicator-list", args=[plan.pk])
    taken = {row.plan_indicator.indicator_id for row in numbers.indicators}
    for indicator in Indicator.objects.filter(required=True, is_active=True).exclude(pk__in=taken):
        items.append(
            Missing(
                _("The required indicator %(name)s is not in the plan.") % {"name": indicator.name},
                indicators_url,
            )
        )
    for row in numbers.indicators:
        pi = row.plan_indicator
        if not pi.baseline and not pi.targets:
            items.append(
                Missing(
                    _("Indicator %(name)s has no baseline or targets.") % {"name": pi.name},
                    indicators_url,
                )
            )
        for warning in row.unjustified:
            items.append(
                Missing(
                    _("Indicator %(name)s: %(warning)s Give a justification.")
                    % {"name": pi.name, "warning": warning.message},
                    indicators_url,
                )
            )
    return items


def _report_checks(plan: Plan, numbers) -> list[Missing]:
    """A report's indicators, tasks and projects: every actual given (typed, or computed from
    the data tables), and a written reason for a missed target, a task behind, cancelled or
    adjusted, and a project cancelled, adjusted or later than planned."""
    items: list[Missing] = []
    actuals_url = reverse("plans:section-edit", args=[plan.pk, ACTUALS_KEY])
    for item in report_actuals(plan, numbers):
        if item.actual is None or (not item.computed and not item.row.data_source.strip()):
            message = _("Indicator %(name)s: give the actual value and its data source.")
        elif item.needs_reason:
            message = _("Indicator %(name)s missed the year's target: give the reason.")
        else:
            continue
        items.append(Missing(message % {"name": item.row.name}, actuals_url))
    tasks_url = reverse("plans:section-edit", args=[plan.pk, TASK_PROGRESS_KEY])
    tasks = TaskProgress.objects.filter(plan=plan, status__in=NEEDS_REASON)
    for task in (t for t in tasks if not t.reason.strip()):
        items.append(
            Missing(
                _("Task %(name)s: give the reason for its status.") % {"name": task.name}, tasks_url
            )
        )
    projects_url = reverse("plans:section-edit", args=[plan.pk, PROJECT_PROGRESS_KEY])
    year = plan.data_years[-1]
    for project in ProjectProgress.objects.filter(plan=plan):
        if project.reason.strip():
            continue
        if project.status in (
            ProjectProgress.Status.CANCELLED,
            ProjectProgress.Status.ADJUSTED,
        ) or project.slipped_years(year):
            items.append(
                Missing(
                    _("Project %(name)s: give the reason it is cancelled, adjusted or late.")
                    % {"name": project.name},
                    projects_url,
                )
            )
    return items


def submission_notices(plan: Plan, *, doc: PlanDocument | None = None) -> list[Missing]:
    """What the submitter should know but need not fix: fuels used without a CO2 factor (洗精煤
    has none with a source), whose CO2 is left out of the plan's totals."""
    numbers = doc.numbers if doc else plan_numbers(plan, accounting_for_reading(plan))
    if not numbers.account.missing_co2:
        return []
    return [
        Missing(
            _(
                "%(fuels)s: no CO2 emission factor with a source, so their CO2 is not counted "
                "in the %(what)s's emissions. Enter them as the park's own fuel with a sourced "
                "factor if the park has one."
            )
            % {"fuels": "、".join(numbers.account.missing_co2), "what": plan.noun},
            reverse("indicators:data", args=[plan.pk]) + "#table-energy",
        )
    ]


def available_transitions(plan: Plan, user):
    role = effective_role(user)
    return [t for t in transitions_from(plan.status) if role in t.roles]


def may_ever_take(user, action: str) -> bool:
    """Whether the user's role takes `action` from any state (a role that never does gets a
    403; one whose plan has moved on is told so)."""
    role = effective_role(user)
    return any(t.action == action and role in t.roles for t in TRANSITIONS)


@dataclass
class DecisionSummary:
    """What a decision sends on, shown before it is confirmed."""

    version_number: int  # the version submitted (for a submission: the one it will freeze)
    new_version: bool
    pages: int | None  # of the version's PDF of record, once rendered
    sections_done: int
    sections_required: int
    warnings: list[tuple[str, str, str]]  # (indicator, warning, justification or "")
    open_comments: list[Comment]  # of every version: threads carry forward to the next
    latest_number: int | None  # the last version submitted, whose page shows them all


def decision_summary(plan: Plan, transition) -> DecisionSummary:
    latest = Version.objects.filter(plan=plan).order_by("-number").first()
    if transition.freezes:
        status = plan_outline_status(plan)
        numbers = plan_numbers(plan, accounting_for_reading(plan))
        warnings = [
            (
                row.plan_indicator.name,
                w.message,
                (row.plan_indicator.justifications or {}).get(w.code, "").strip(),
            )
            for row in numbers.indicators
            for w in row.warnings
        ]
        done = sum(1 for item in status.required if item.state == Section.State.COMPLETE)
        required = len(status.required)
        number, pages = (latest.number + 1 if latest else 1), None
    else:
        summary = version_summary(latest)
        warnings, done, required = summary.warnings, summary.complete, summary.required
        number = latest.number
        pdf = PdfDocument.objects.filter(
            version=latest, kind=PdfDocument.Kind.SUBMITTED, state=PdfDocument.State.DONE
        ).first()
        pages = pdf.pages if pdf else None
    open_comments = list(
        Comment.objects.filter(version__plan=plan, parent__isnull=True, is_resolved=False)
        .select_related("version")
        .defer("version__snapshot")
        .order_by("version__number", "created_at")
    )
    return DecisionSummary(
        version_number=number,
        new_version=transition.freezes,
        pages=pages,
        sections_done=done,
        sections_required=required,
        warnings=warnings,
        open_comments=open_comments,
        latest_number=latest.number if latest else None,
    )


def timeline(plan: Plan) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(plan=plan).select_related("version")


def versions(plan: Plan) -> QuerySet[Version]:
    return Version.objects.filter(plan=plan).select_related("submitted_by").defer("snapshot")


KEPT_SECONDS = 300


def readings_key(user_id, plan_id) -> str:
    return f"review:readings:{user_id}:{plan_id}"


def readings_up_to(*, user, version: Version) -> set[int]:
    """The numbers of the plan's versions up to this one that this user has opened. The user's
    readings of the plan are kept in the shared cache until they open another version
    (review.services.version_read forgets them)."""
    read = kept(
        readings_key(user.pk, version.plan_id),
        KEPT_SECONDS,
        lambda: frozenset(
            VersionReading.objects.filter(user=user, version__plan_id=version.plan_id).values_list(
                "version__number", flat=True
            )
        ),
        forgotten_on_write=True,
    )
    return {number for number in read if number <= version.number}


def comparison_base(*, user, version: Version, readings: set[int] | None = None) -> int | None:
    """The version a comparison starts from by default: the last earlier one this user read,
    else the one just before; None for the first version. `readings`: readings_up_to's answer,
    when the caller has it."""
    if readings is None:
        readings = readings_up_to(user=user, version=version)
    read = max((n for n in readings if n < version.number), default=None)
    if read:
        return read
    return version.number - 1 if version.number > 1 else None


def version_get(*, user, plan: Plan, number: int, snapshot: bool = True) -> Version:
    """The plan's version `number` the user may see, else 404. `snapshot=False` leaves the
    snapshot (tens of KB of JSON) unread until used: the review page takes what it shows of it
    from the shared cache (review.version_page)."""
    versions = Version.objects.visible_to(user).filter(plan=plan)
    if not snapshot:
        versions = versions.defer("snapshot").select_related("submitted_by")
    return get_object_or_404(versions, number=number)


def version_and_plan_get(*, user, plan_pk: int, number: int) -> Version:
    """What plan_get and version_get(snapshot=False) find, in one query: the plan's version
    `number` the user may see (the scoping is the plan's park's, so its plan is visible too),
    with the plan, its park, province and cycle (the submitter is read when shown); else 404.
    For the review page, which every reviewer opens."""
    versions = (
        Version.objects.visible_to(user)
        .filter(plan_id=plan_pk)
        .defer("snapshot")
        .select_related("plan__park__province", "plan__cycle")
    )
    return get_object_or_404(versions, number=number)


def version_and_plan_get_kept(*, user, plan_pk: int, number: int) -> Version:
    """version_and_plan_get's answer for this user, kept in the shared cache for KEPT_SECONDS
    under everything it depends on (the version, and the user's scope: parks.scoping.scope_key).
    A version never changes; of its plan the review page shows what never changes once it is
    made (kind, data year, cycle, park; the park's name as it was up to five minutes ago) and
    reads its state anew (review.views.VersionView). The submitter is not kept with it: the page
    names them as they are called now."""
    return kept(
        f"review:kept-version:{plan_pk}:{number}:{scope_key(user)}",
        KEPT_SECONDS,
        lambda: version_and_plan_get(user=user, plan_pk=plan_pk, number=number),
    )


def assignable_reviewers(plan: Plan) -> QuerySet:
    """The active reviewers of the body that holds the plan now (none for other states)."""
    role = REVIEWING_ROLE.get(plan.status)
    users = User.objects.filter(is_active=True, role=role).order_by("full_name", "username")
    if role is None:
        return users.none()
    if role == Role.PROVINCE_REVIEWER:
        return users.filter(province=plan.park.province_id)
    return users


def can_assign(plan: Plan, user) -> bool:
    """Whether the user may give the plan to a reviewer now (the service checks it again)."""
    if effective_role(user) == Role.NATIONAL_ADMIN:
        return assignable_reviewers(plan).exists()
    return assignable_reviewers(plan).filter(pk=user.pk).exists()


def can_comment(plan: Plan, user) -> bool:
    """Whether the user may start a comment on the plan's versions: a reviewer whose scope holds
    the plan (a provincial reviewer of its province, or a national reviewer). The service checks
    it again (review.services, whose docstring states every review right)."""
    reviewer = has_perm(user, Perm.REVIEW_PROVINCE) or has_perm(user, Perm.REVIEW_NATIONAL)
    return reviewer and Plan.objects.visible_to(user).filter(pk=plan.pk).exists()


def comment_rights(plan: Plan, user, *, visible: bool = False) -> tuple[bool, bool]:
    """(can_comment, can_answer) with one query at most; none with `visible=True`, which says
    the caller reached `plan` through `Plan.objects.visible_to(user)` (plans.selectors.plan_get,
    as every plan page does)."""
    reviewer = has_perm(user, Perm.REVIEW_PROVINCE) or has_perm(user, Perm.REVIEW_NATIONAL)
    if not reviewer and effective_role(user) not in PARK_ROLES:
        return False, False
    visible = visible or Plan.objects.visible_to(user).filter(pk=plan.pk).exists()
    return reviewer and visible, visible


def can_answer(plan: Plan, user) -> bool:
    """Whether the user may reply in the plan's comment threads and resolve comments: a reviewer
    as in can_comment, or the staff of the plan's park (on the comments sent to the park)."""
    if effective_role(user) in PARK_ROLES:
        return Plan.objects.visible_to(user).filter(pk=plan.pk).exists()
    return can_comment(plan, user)


def queue_reviewers(user) -> QuerySet:
    """The reviewers a queue can be filtered by: a provincial reviewer's colleagues of the same
    province; at the national level, every reviewer."""
    reviewers = User.objects.filter(
        is_active=True, role__in=[Role.PROVINCE_REVIEWER, Role.NATIONAL_REVIEWER]
    ).order_by("-role", "province__code", "full_name", "username")
    level = level_of(user)
    if level == Level.NATIONAL:
        return reviewers
    if level == Level.PROVINCE:
        return reviewers.filter(role=Role.PROVINCE_REVIEWER, province=user.province_id)
    return reviewers.none()


UNASSIGNED = "none"


def review_queue(
    *,
    user,
    province: str = "",
    state: str = "",
    cycle: str = "",
    reviewer: str = "",
    overdue: bool = False,
    mine: bool = False,
):
    """The plans a reviewer may see that are in the workflow, with counts per state.
    `reviewer` is a user's id, or UNASSIGNED for the plans nobody has taken yet."""
    in_workflow = Plan.objects.visible_to(user).exclude(status=State.DRAFT)
    if cycle:
        in_workflow = in_workflow.filter(cycle__code=cycle)
    # Counted before the versions are joined in: a plan counts once in its current state,
    # however many versions it has.
    counts = dict(in_workflow.values_list("status").annotate(n=Count("pk")).order_by())
    plans = (
        in_workflow.select_related("park__province", "cycle", "assigned_to")
        .annotate(
            latest_version=Max("versions__number"),
            last_submitted_at=Max("versions__submitted_at"),
            # a report's own due date, else the cycle's deadline (plans.models.Plan.deadline)
            due_on=Coalesce("due_date", "cycle__deadline"),
        )
        .order_by("due_on", "park__province__code", "park__name", "data_year")
    )
    if province:
        plans = plans.filter(park__province__code=province)
    if state:
        plans = plans.filter(status=state)
    if overdue:
        plans = plans.filter(due_on__lt=timezone.localdate()).exclude(status=State.APPROVED)
    if mine:
        plans = plans.filter(assigned_to=user)
    if reviewer == UNASSIGNED:
        plans = plans.filter(assigned_to__isnull=True)
    elif reviewer:
        plans = plans.filter(assigned_to_id=reviewer)
    return plans, {s: counts.get(s, 0) for s, _label in State.choices if s != State.DRAFT}


def open_comments_for_park(plan: Plan) -> list:
    """Published, unresolved comments of any version of the plan whose thread waits for the park:
    no answer from the park yet, or the reviewer spoke again after it (a thread carried from an
    earlier version waits for its answer as much as a new one)."""
    roots = list(
        Comment.objects.filter(
            version__plan=plan, parent__isnull=True, published=True, is_resolved=False
        )
        .select_related("version")
        .order_by("version__number", "created_at", "pk")
    )
    last_word: dict[int, bool] = {}  # root -> whether the park spoke last
    replies = Comment.objects.filter(parent__in=[c.pk for c in roots]).order_by("created_at", "pk")
    for parent_id, role in replies.values_list("parent_id", "author__role"):
        last_word[parent_id] = role in PARK_ROLES
    return [c for c in roots if not last_word.get(c.pk, False)]


@dataclass
class VersionSummary:
    """What the reviewer reads first: completeness, the checks that warned with the park's
    justifications, and each indicator's stated baseline beside the one the data tables give."""

    required: int
    complete: int
    undone: list[str]  # headings of required sections not marked complete
    warnings: list[tuple[str, str, str]]  # (indicator, warning, justification or "")
    indicators: list[FrozenIndicator]

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.required) if self.required else 100


def version_summary(version: Version) -> VersionSummary:
    frozen = version.frozen
    required = [e for e in outline_for(version.outline_version).sections if e.required]
    undone = [e.heading for e in required if not frozen.section(e.key).is_done]
    return VersionSummary(
        required=len(required),
        complete=len(required) - len(undone),
        undone=undone,
        warnings=[
            (i.name, w.message, i.justification(w.code))
            for i in frozen.indicators
            for w in i.warnings
        ],
        indicators=frozen.indicators,
    )


def comment_get(*, user, version: Version, pk: int):
    """A comment of this version the user may see (the park: published ones), else 404."""
    comments = Comment.objects.visible_to(user).filter(version=version)
    if effective_role(user) in PARK_ROLES:
        comments = comments.filter(published=True)
    return get_object_or_404(comments, pk=pk)


@dataclass
class Verification:
    """What the public verification page confirms of a version: never its content."""

    park: str
    province: str
    title: str  # the plan's or the report's (Plan.title)
    number: int
    submitted_at: object
    state: str
    approved_at: object  # when this version was approved, if it stands approved
    intact: bool  # the stored snapshot still hashes to the stored hash


HASH_PATTERN = re.compile(r"[0-9a-f]{64}")


VERIFIED_SECONDS = 30 * 24 * 3600


def verification_for(content_hash_text: str) -> list[Verification]:
    """The versions whose content hash this is (normally one), checked against their snapshot.
    Public: answers only park, title, version, state, dates and whether the record is intact.

    One query, whatever the number of versions: what can change (the plan's state, a later
    version, the approval, the names) is read every time; what is read from the snapshot (is
    it intact, the park's name in it) is kept in the shared cache under the version, its hash
    and what tells the row as stored (_row_as_stored): a snapshot changed in place gets another
    key, so the check runs again."""
    text = (content_hash_text or "").strip().lower()
    if not HASH_PATTERN.fullmatch(text):
        return []
    approvals = StatusChange.objects.filter(
        plan=OuterRef("plan"), version=OuterRef("pk"), action="approve"
    ).order_by("-at")
    versions = (
        Version.objects.filter(content_hash=text)
        .defer("snapshot")
        .select_related("plan__park__province", "plan__cycle")
        .annotate(
            last_number=Max("plan__versions__number"),
            approved_at=Subquery(approvals.values("at")[:1]),
            stored=_row_as_stored(),
        )
        .order_by("pk")
    )
    result = []
    for version in versions:
        plan = version.plan
        intact, park_name = _snapshot_facts(version)
        latest = version.number == version.last_number
        approved = latest and plan.status == State.APPROVED and version.approved_at is not None
        result.append(
            Verification(
                park=park_name or plan.park.name,
                province=plan.park.province.name,
                title=plan.title,
                number=version.number,
                submitted_at=version.submitted_at,
                state=str(State(plan.status).label)
                if latest
                else _("Superseded by a later version"),
                approved_at=version.approved_at if approved else None,
                intact=intact,
            )
        )
    return result


def _row_as_stored():
    """What changes whenever the version's row is written: on PostgreSQL the row version's
    transaction (`xmin`, a system column: any UPDATE makes a new one), read for free; elsewhere
    a digest of the snapshot, which the database computes from the whole snapshot (2.5 ms of
    PostgreSQL's CPU a request for a full plan: bench/README.md). A restored database has new
    row versions too (and the README has the cache cleared after a restore)."""
    connection = connections[router.db_for_read(Version)]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Version._meta.db_table)
        # and the snapshot's stored size (read from its header, not the snapshot): a restored
        # database's row versions start again from low numbers
        return RawSQL(f"{table}.xmin::text || ':' || pg_column_size({table}.snapshot)", ())
    return MD5(Cast("snapshot", TextField()))


def _snapshot_facts(version: Version) -> tuple[bool, str]:
    """(the snapshot matches the version's hash, the park's name in it), cached as
    verification_for says (`version` annotated with `stored`)."""
    key = f"review:verified:{version.pk}:{version.content_hash}:{version.stored}"
    facts = cache.get(key)
    if facts is None:
        snapshot = Version.objects.values_list("snapshot", flat=True).get(pk=version.pk)
        facts = (content_hash(snapshot) == version.content_hash, Frozen(snapshot).park.name)
        cache.set(key, facts, VERIFIED_SECONDS)
    return facts


def plan_pdfs(plan: Plan) -> list:
    """The plan's PDFs, newest version first, the draft preview last."""
    pdfs = list(
        PdfDocument.objects.filter(plan=plan)
        .select_related("version")
        .order_by("-version__number", "-kind")
    )
    return sorted(pdfs, key=lambda p: p.version_id is None)


def pdf_get(*, user, plan: Plan, pk: int):
    return get_object_or_404(
        PdfDocument.objects.visible_to(user).filter(plan=plan).select_related("version"), pk=pk
    )


def version_file_url(version: Version) -> FileUrl:
    """The version's own access-checked file view (the files it refers to, not the draft's)."""

    def url(kind: str, pk: int, name: str) -> str:
        return reverse(
            "review:version-file", args=[version.plan_id, version.number, f"{kind}s", pk]
        )

    return url


def version_document(version: Version, *, file_url: FileUrl | None = None) -> PlanDocument:
    """The version laid out as it was submitted; its files through its own file view."""
    return thaw.version_document(version, file_url=file_url or version_file_url(version))


def previous_year_version(*, user, plan: Plan) -> Version | None:
    """The approved version of the annual report of the year before `plan`'s (an annual report
    of the same approved plan), if the user may see it: what a report is read against year on
    year. None for anything else."""
    if plan.kind != Plan.Kind.ANNUAL:
        return None
    previous = (
        Plan.objects.visible_to(user)
        .filter(
            follows_id=plan.follows_id,
            kind=Plan.Kind.ANNUAL,
            data_year=plan.data_year - 1,
            status=State.APPROVED,
        )
        .first()
    )
    return previous.versions.order_by("-number").first() if previous else None
