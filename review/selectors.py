"""Reads for the review: the submission checklist, the timeline, versions."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from parks.profile import completeness
from parks.services import park_profile_get_or_create
from plans.models import Plan, Section
from plans.selectors import plan_outline_status
from review.models import StatusChange, Version
from review.workflow import transitions_from


@dataclass(frozen=True)
class Missing:
    """One thing that keeps the plan from being submitted, with where to fix it."""

    message: str
    url: str


def submission_checklist(plan: Plan) -> list[Missing]:
    """Everything missing or unjustified: empty required sections, incomplete park information,
    indicator warnings without a justification, empty required tables."""
    from indicators.selectors import accounting_for_reading, plan_numbers

    items: list[Missing] = []
    profile = park_profile_get_or_create(park=plan.park)
    info = completeness(profile)
    profile_url = reverse("parks:profile-edit", args=[plan.park_id])
    for field, label in info.missing:
        items.append(
            Missing(
                _("Park information: %(field)s is missing.") % {"field": label},
                f"{profile_url}#id_{field}",
            )
        )
    status = plan_outline_status(plan)
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
    numbers = plan_numbers(plan, accounting_for_reading(plan))
    indicators_url = reverse("indicators:indicator-list", args=[plan.pk])
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
    data_url = reverse("indicators:data", args=[plan.pk])
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


def available_transitions(plan: Plan, user):
    from parks.roles import effective_role

    role = effective_role(user)
    return [t for t in transitions_from(plan.status) if role in t.roles]


def timeline(plan: Plan) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(plan=plan).select_related("version")


def versions(plan: Plan) -> QuerySet[Version]:
    return Version.objects.filter(plan=plan).select_related("submitted_by").defer("snapshot")


def version_get(*, user, plan: Plan, number: int) -> Version:
    return get_object_or_404(Version.objects.visible_to(user).filter(plan=plan), number=number)


def review_queue(
    *, user, province: str = "", state: str = "", overdue: bool = False, mine: bool = False
):
    """The plans a reviewer may see that are in the workflow, with counts per state."""
    from django.db.models import Count
    from django.utils import timezone

    from review.workflow import State

    plans = (
        Plan.objects.visible_to(user)
        .exclude(status=State.DRAFT)
        .select_related("park__province", "cycle", "assigned_to")
        .order_by("cycle__deadline", "park__province__code", "park__name")
    )
    counts = dict(plans.values_list("status").annotate(n=Count("pk")).order_by())
    if province:
        plans = plans.filter(park__province__code=province)
    if state:
        plans = plans.filter(status=state)
    if overdue:
        plans = plans.filter(cycle__deadline__lt=timezone.localdate()).exclude(
            status=State.APPROVED
        )
    if mine:
        plans = plans.filter(assigned_to=user)
    return plans, {s: counts.get(s, 0) for s, _label in State.choices if s != State.DRAFT}
