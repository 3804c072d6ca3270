"""The review workflow, written as data: the table is the whole workflow.

The states themselves are the plan's (plans.status): the draft knows when it may be edited
without knowing who reviews it.

Views and templates only ask `available_transitions(review, user)`; one service
(review.services.transition_apply) applies every transition. Invariants:
- a transition happens only if its row exists for the current state and the user's role, and
  the user holds the row's permission;
- a transition's effects (freeze, publish the comments, assign, notify, render) are fields of
  its row: the service applies them and never asks which action it is;
- submitting freezes a new immutable version (review.services.version_freeze);
- returning needs a structured reason and at least one open comment on the version;
- the park may withdraw only while nobody has started the review;
- every transition writes a StatusChange row (actor, time, reason, note), shown as a timeline.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from parks.roles import Perm, Role
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


class Assign(StrEnum):
    """What a transition does with the plan's assigned reviewer."""

    KEEP = "keep"
    ACTOR = "actor"  # the reviewer who starts the review takes it
    CLEAR = "clear"  # the plan leaves the body (or goes back to it): nobody holds it yet


@dataclass(frozen=True)
class Notice:
    """Who hears of a transition, and as what kind of notification."""

    kind: str  # notifications.models.Notification.Kind
    to: str  # "province" (its reviewers), "national" (national reviewers) or "park" (its staff)


@dataclass(frozen=True)
class Actor:
    """Who may take a transition: the roles, and the permission the service checks."""

    roles: frozenset[str]
    perm: Perm


@dataclass(frozen=True)
class Transition:
    """One row of the workflow: from `source` by `action` to `target`, for `by`, and its effects,
    which review.services.transition_apply applies in this order: `freezes` (an empty checklist,
    then a new immutable version), `needs_reason` (a ReturnReason and at least one comment),
    `publishes_comments`, `needs_note`, `needs_opinion`, `needs_declaration`,
    `warns_open_comments`, the status change, `assign`, `notice`, `renders` (the PDF of record of
    that kind, after the commit)."""

    source: str
    action: str
    target: str
    by: Actor
    label: str  # gettext_lazy, shown on the button
    needs_reason: bool = False
    needs_note: bool = False  # a free-text reason (reopen)
    needs_opinion: bool = False  # the reviewer's written opinion (审核意见)
    needs_declaration: bool = False  # the park's declaration (DECLARATION)
    warns_open_comments: bool = False  # unresolved comments must be acknowledged first
    style: str = "primary"
    freezes: bool = False
    publishes_comments: bool = False
    assign: Assign = Assign.KEEP
    notice: Notice | None = None
    renders: str = ""  # review.models.PdfDocument.Kind

    @property
    def roles(self) -> frozenset[str]:
        return self.by.roles


PARK = Actor(frozenset({Role.PARK_MANAGER}), Perm.SUBMIT_PLAN)
PROVINCE = Actor(frozenset({Role.PROVINCE_REVIEWER}), Perm.REVIEW_PROVINCE)
NATIONAL = Actor(frozenset({Role.NATIONAL_REVIEWER}), Perm.REVIEW_NATIONAL)

K = Notification.Kind
# What the park manager agrees to, word for word, when submitting (stored with the submission).
DECLARATION = _(
    "This unit declares that the content submitted is true, accurate and complete, and takes "
    "responsibility for it."
)

SUBMIT = {
    "freezes": True,
    "needs_declaration": True,
    "assign": Assign.CLEAR,
    "notice": Notice(K.SUBMITTED, "province"),
    "renders": "submitted",
    "style": "success",
}
RETURN = {
    "needs_reason": True,
    "needs_opinion": True,
    "publishes_comments": True,
    "assign": Assign.CLEAR,
    "notice": Notice(K.RETURNED, "park"),
    "style": "danger",
}

TRANSITIONS: tuple[Transition, ...] = (
    Transition(State.DRAFT, "submit", State.SUBMITTED, PARK, _("Submit to the province"), **SUBMIT),
    Transition(
        State.RETURNED, "submit", State.SUBMITTED, PARK, _("Resubmit to the province"), **SUBMIT
    ),
    Transition(
        State.SUBMITTED,
        "withdraw",
        State.DRAFT,
        PARK,
        _("Withdraw the submission"),
        style="outline-secondary",
        assign=Assign.CLEAR,
    ),
    Transition(
        State.SUBMITTED,
        "start",
        State.PROVINCE_REVIEW,
        PROVINCE,
        _("Start reviewing"),
        assign=Assign.ACTOR,
    ),
    Transition(
        State.PROVINCE_REVIEW,
        "forward",
        State.FORWARDED,
        PROVINCE,
        _("Forward to national review"),
        style="success",
        needs_opinion=True,
        warns_open_comments=True,
        assign=Assign.CLEAR,
        notice=Notice(K.FORWARDED, "national"),
    ),
    Transition(
        State.PROVINCE_REVIEW,
        "return",
        State.RETURNED,
        PROVINCE,
        _("Return for revision"),
        **RETURN,
    ),
    Transition(
        State.FORWARDED,
        "start",
        State.NATIONAL_REVIEW,
        NATIONAL,
        _("Start reviewing"),
        assign=Assign.ACTOR,
    ),
    Transition(
        State.NATIONAL_REVIEW,
        "approve",
        State.APPROVED,
        NATIONAL,
        _("Approve"),
        style="success",
        needs_opinion=True,
        warns_open_comments=True,
        notice=Notice(K.APPROVED, "park"),
        renders="approved",
    ),
    Transition(
        State.NATIONAL_REVIEW,
        "return",
        State.RETURNED,
        NATIONAL,
        _("Return for revision"),
        **RETURN,
    ),
    Transition(
        State.APPROVED,
        "reopen",
        State.NATIONAL_REVIEW,
        NATIONAL,
        _("Reopen after approval"),
        needs_note=True,
        style="outline-danger",
        notice=Notice(K.REOPENED, "park"),
    ),
)


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def find(state: str, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == state and t.action == action), None)
