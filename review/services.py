"""The review workflow's one entry point, and the notifications it sends.

Invariants (see review/workflow.py for the table):
- `transition_apply` locks the plan row, finds the transition for the current state and the
  actor's role, and refuses anything else with a clear message (TransitionRefused);
- submitting needs an empty checklist and freezes a new Version (never updated afterwards);
- returning needs a structured reason and at least one comment; it publishes the version's
  comments to the park; reopening needs a note;
- every transition writes a StatusChange row; notifications are written in the same
  transaction and e-mailed after it commits.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import NationalBody, User
from parks.roles import Role, effective_role
from plans.models import Plan
from review.models import Comment, Notification, StatusChange, Version
from review.selectors import submission_checklist
from review.snapshot import content_hash, plan_snapshot
from review.workflow import State, find


class TransitionRefused(ValidationError):
    """The transition is not allowed now, or its conditions are not met."""


def _acting_body(plan: Plan, role: str) -> str:
    if role == Role.PROVINCE_REVIEWER:
        return plan.park.province.reviewing_body
    if role == Role.NATIONAL_REVIEWER:
        body = NationalBody.objects.filter(valid_from__lte=timezone.localdate()).first()
        return body.name if body else ""
    return plan.park.name


def version_freeze(*, plan: Plan, actor) -> Version:
    snapshot = plan_snapshot(plan)
    number = (Version.objects.filter(plan=plan).aggregate(m=Max("number"))["m"] or 0) + 1
    return Version.objects.create(
        plan=plan,
        number=number,
        outline_version=plan.outline_version,
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        submitted_by=actor,
    )


def comment_add(
    *,
    version: Version,
    actor,
    body: str,
    anchor: str = "plan",
    anchor_label: str = "",
    parent: Comment | None = None,
) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the comment.")})
    return Comment.objects.create(
        version=version,
        anchor=anchor,
        anchor_label=anchor_label or _("The plan as a whole"),
        parent=parent,
        author=actor,
        author_name=actor.display_name,
        body=body,
    )


@transaction.atomic
def transition_apply(
    *, plan: Plan, action: str, actor, reason: str = "", note: str = "", comment: str = ""
) -> StatusChange:
    plan = Plan.objects.select_for_update().select_related("park__province").get(pk=plan.pk)
    transition = find(plan.status, action)
    role = effective_role(actor)
    if transition is None:
        raise TransitionRefused(
            _("This cannot be done now: the plan is %(state)s.")
            % {"state": State(plan.status).label}
        )
    if role not in transition.roles:
        raise TransitionRefused(_("Your role cannot do this at this stage."))
    version = Version.objects.filter(plan=plan).order_by("-number").first()
    if action == "submit":
        missing = submission_checklist(plan)
        if missing:
            raise TransitionRefused(
                _("The plan cannot be submitted yet: %(n)s items are missing or unjustified.")
                % {"n": len(missing)}
            )
        version = version_freeze(plan=plan, actor=actor)
    if transition.needs_reason:
        if not reason:
            raise TransitionRefused({"reason": _("Choose the reason for returning the plan.")})
        if comment.strip():
            comment_add(version=version, actor=actor, body=comment)
        if not Comment.objects.filter(version=version, is_resolved=False).exists():
            raise TransitionRefused({"comment": _("Returning needs at least one comment.")})
        Comment.objects.filter(version=version).update(published=True)
    if transition.needs_note and not note.strip():
        raise TransitionRefused({"note": _("Say why the approved plan is reopened.")})
    change = StatusChange.objects.create(
        plan=plan,
        version=version,
        action=action,
        source=plan.status,
        target=transition.target,
        actor=actor,
        actor_name=actor.display_name,
        acting_body=_acting_body(plan, role),
        reason=reason if transition.needs_reason else "",
        note=note.strip(),
    )
    plan.status = transition.target
    if action == "start":
        plan.assigned_to = actor
    elif action in {"forward", "return", "withdraw", "submit"}:
        plan.assigned_to = None
    plan.save(update_fields=["status", "assigned_to"])
    _notify(plan, change)
    return change


NOTIFY = {
    # action: (kind, who)
    "submit": (Notification.Kind.SUBMITTED, "province"),
    "forward": (Notification.Kind.FORWARDED, "national"),
    "return": (Notification.Kind.RETURNED, "park"),
    "approve": (Notification.Kind.APPROVED, "park"),
    "reopen": (Notification.Kind.REOPENED, "park"),
}


def _recipients(plan: Plan, who: str):
    users = User.objects.filter(is_active=True)
    if who == "province":
        return users.filter(role=Role.PROVINCE_REVIEWER, province=plan.park.province_id)
    if who == "national":
        return users.filter(role=Role.NATIONAL_REVIEWER)
    return users.filter(role__in=[Role.PARK_MANAGER, Role.PARK_EDITOR], park=plan.park_id)


def _notify(plan: Plan, change: StatusChange) -> None:
    if change.action not in NOTIFY:
        return
    kind, who = NOTIFY[change.action]
    message = _("%(park)s: %(state)s (by %(name)s)") % {
        "park": plan.park.name,
        "state": State(change.target).label,
        "name": change.actor_name,
    }
    url = reverse("plans:plan-detail", args=[plan.pk])
    recipients = list(_recipients(plan, who))
    Notification.objects.bulk_create(
        Notification(user=u, kind=kind, message=message[:300], url=url) for u in recipients
    )
    ids = [u.pk for u in recipients]
    if ids:
        from review.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids, kind, message, url))
