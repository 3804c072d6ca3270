"""The review workflow, written as data: the table is the whole workflow.

The states themselves are the plan's (plans.status): the draft knows when it may be edited
without knowing who reviews it.

Views and templates only ask `available_transitions(review, user)`; one service
(review.services.transition_apply) applies every transition. Invariants:
- a transition happens only if its row exists for the current state and the user's role;
- submitting freezes a new immutable version (review.services.version_freeze);
- returning needs a structured reason and at least one open comment on the version;
- the park may withdraw only while nobody has started the review;
- every transition writes a StatusChange row (actor, time, reason, note), shown as a timeline.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from parks.roles import Role
from plans.status import State

# While a plan is with a reviewing body, a reviewer of that body can be assigned to it: the
# state's reviewing role. Starting the review assigns the reviewer who starts it.
REVIEWING_ROLE: dict[str, str] = {
    State.SUBMITTED: Role.PROVINCE_REVIEWER,
    State.PROVINCE_REVIEW: Role.PROVINCE_REVIEWER,
    State.FORWARDED: Role.NATIONAL_REVIEWER,
    State.NATIONAL_REVIEW: Role.NATIONAL_REVIEWER,
}


class ReturnReason(models.TextChoices):
    BASELINE = "baseline", _("Baseline inconsistent with the data tables")
    TARGET = "target", _("Target weaker than the policy")
    ATTACHMENT = "attachment", _("Missing attachment")
    CONTENT = "content", _("Section content incomplete")
    OTHER = "other", _("Other")


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    roles: frozenset[str]
    label: str  # gettext_lazy, shown on the button
    needs_reason: bool = False  # a structured ReturnReason and at least one comment
    needs_note: bool = False  # a free-text reason (reopen)
    style: str = "primary"


PARK = frozenset({Role.PARK_MANAGER})
PROVINCE = frozenset({Role.PROVINCE_REVIEWER})
NATIONAL = frozenset({Role.NATIONAL_REVIEWER})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        State.DRAFT, "submit", State.SUBMITTED, PARK, _("Submit to the province"), style="success"
    ),
    Transition(
        State.RETURNED,
        "submit",
        State.SUBMITTED,
        PARK,
        _("Resubmit to the province"),
        style="success",
    ),
    Transition(
        State.SUBMITTED,
        "withdraw",
        State.DRAFT,
        PARK,
        _("Withdraw the submission"),
        style="outline-secondary",
    ),
    Transition(State.SUBMITTED, "start", State.PROVINCE_REVIEW, PROVINCE, _("Start reviewing")),
    Transition(
        State.PROVINCE_REVIEW,
        "forward",
        State.FORWARDED,
        PROVINCE,
        _("Forward to national review"),
        style="success",
    ),
    Transition(
        State.PROVINCE_REVIEW,
        "return",
        State.RETURNED,
        PROVINCE,
        _("Return for revision"),
        needs_reason=True,
        style="danger",
    ),
    Transition(State.FORWARDED, "start", State.NATIONAL_REVIEW, NATIONAL, _("Start reviewing")),
    Transition(
        State.NATIONAL_REVIEW, "approve", State.APPROVED, NATIONAL, _("Approve"), style="success"
    ),
    Transition(
        State.NATIONAL_REVIEW,
        "return",
        State.RETURNED,
        NATIONAL,
        _("Return for revision"),
        needs_reason=True,
        style="danger",
    ),
    Transition(
        State.APPROVED,
        "reopen",
        State.NATIONAL_REVIEW,
        NATIONAL,
        _("Reopen the approved plan"),
        needs_note=True,
        style="outline-danger",
    ),
)


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def find(state: str, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == state and t.action == action), None)
