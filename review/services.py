"""The review workflow's one entry point, and the notifications it sends.

Invariants (see review/workflow.py for the table):
- `transition_apply` locks the plan row, finds the transition for the current state and the
  actor's role, and refuses anything else with a clear message (TransitionRefused);
- submitting needs an empty checklist and freezes a new Version (never updated afterwards);
- returning needs a structured reason and at least one comment; it publishes the version's
  comments to the park; reopening needs a note;
- every transition writes a StatusChange row; notifications are written in the same
  transaction and e-mailed after it commits;
- what runs after the commit (the e-mails, the PDF's dispatch) runs each on its own: one that
  fails (the broker away) is logged and never stops the next, nor turns the committed
  transition into an error page; the PDF then waits, queued, for the sweeper (core.jobs).

Who may do which review write. Each service checks it itself, whoever calls it; the views only
find the objects (outside one's scope they do not exist: 404) and call the service.
- Scope first: the plan must be one the actor may see (parks.access); outside it, nothing.
- Start a comment (`comment_post` without a parent, `comment_add`): a reviewer, that is a
  provincial reviewer of the park's province or a national reviewer.
- Reply in a thread, resolve a comment or open it again (`comment_post` with a parent,
  `comment_resolve`): a reviewer as above, on any comment; the staff of the plan's park (editor
  or manager), on a comment sent to the park: answering and resolving is how the park works
  through a return.
- Publish comments to the park: there is no write of its own; returning the plan publishes the
  version's comments, and a reviewer's comment on a plan already returned is published at once.
- Assign (`plan_assign`): a reviewer of the body that holds the plan now, or a national admin,
  who runs the workflow without reviewing.
- Transitions (`transition_apply`): the roles the table gives the row, on a plan in scope.
The national admin has no review right: no comment, reply, resolution or transition.

A refusal for want of a right is a PermissionDenied (403). Transitions and assignment raise it
as TransitionForbidden / ReviewForbidden, which are also ValidationErrors carrying the message:
the review panel reports every refusal of its forms as a message, these included.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import cache as shared_cache
from documents.build import PlanDocument, plan_document
from documents.freeze import content_hash, plan_snapshot
from notifications.models import Notification
from notifications.services import notify
from parks.audit import audit_record, field_changes
from parks.models import NationalBody, User
from parks.roles import PARK_ROLES, Role, effective_role, has_perm
from plans.models import Plan
from plans.status import State
from review import version_page
from review.anchors import version_anchors
from review.models import Comment, StatusChange, Version, VersionReading
from review.pdfs import pdf_request
from review.revision import park_answer_url
from review.selectors import (
    assignable_reviewers,
    can_answer,
    can_comment,
    open_comments_for_park,
    readings_key,
    submission_checklist,
)
from review.workflow import DECLARATION, REVIEWING_ROLE, Assign, Notice, ReturnReason, find


class ReviewForbidden(ValidationError, PermissionDenied):
    """The actor has no right to this review write: a PermissionDenied that carries the message
    the review panel shows, as it shows every refusal of its forms."""


class TransitionRefused(ValidationError):
    """The transition is not allowed now, or its conditions are not met."""


class TransitionForbidden(TransitionRefused, ReviewForbidden):
    """The transition exists now, but not for the actor's role (or the plan is not theirs)."""


def not_now_message(plan: Plan) -> str:
    """Why no transition can be taken from the plan's state: the service's refusal, and what
    the confirmation page says when the plan moved on meanwhile."""
    return _("This cannot be done now: the %(what)s is %(state)s.") % {
        "what": plan.noun,
        "state": State(plan.status).label,
    }


def _acting_body(plan: Plan, role: str) -> str:
    if role == Role.PROVINCE_REVIEWER:
        return plan.park.province.reviewing_body
    if role == Role.NATIONAL_REVIEWER:
        body = NationalBody.objects.filter(valid_from__lte=timezone.localdate()).first()
        return body.name if body else ""
    return plan.park.name


def version_freeze(*, plan: Plan, actor, doc: PlanDocument | None = None) -> Version:
    """A new immutable version of the plan: its snapshot (of `doc` when the caller has built the
    document already) and the snapshot's content hash."""
    snapshot = plan_snapshot(plan, doc=doc)
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
    parent: Comment | None = None,
) -> Comment:
    """A comment on a part of the version, or a reply in the thread of `parent`; the part must
    exist in it (review.anchors), and its label is the version's own (a section heading, 图1-2
    and caption, a row's name ...). Who may write it: see the module docstring."""
    _comment_write_check(plan=version.plan, actor=actor, answering=parent)
    body = (body or "").strip()
    if parent is not None:
        if parent.version_id != version.pk:
            raise ValidationError(_("The reply belongs to another version."))
        parent = parent.parent or parent
    if not body:
        raise ValidationError({"body": _("Write the comment.")})
    if parent is not None:
        anchor, label = parent.anchor, parent.anchor_label
    else:
        label = version_anchors(version.frozen, version.outline_version).get(anchor)
        if label is None:
            raise ValidationError(_("This part is not in the submitted version."))
    return Comment.objects.create(
        version=version,
        anchor=anchor,
        anchor_label=label[:200],
        parent=parent,
        author=actor,
        author_name=actor.display_name,
        body=body,
    )


def _comment_write_check(*, plan: Plan, actor, answering: Comment | None = None) -> None:
    """Refuse (PermissionDenied) a comment write the actor has no right to: starting a thread
    when `answering` is None, else replying to that comment or resolving it."""
    if answering is None:
        if not can_comment(plan, actor):
            raise PermissionDenied(_("Only reviewers start comments; the park answers them."))
        return
    if not can_answer(plan, actor):
        raise PermissionDenied(_("Your role cannot answer or resolve review comments."))
    if _is_park_user(actor) and not answering.published:
        raise PermissionDenied(_("This comment has not been sent to the park."))


@transaction.atomic
def transition_apply(
    *,
    plan: Plan,
    action: str,
    actor,
    reason: str = "",
    reasons: list[str] | None = None,
    note: str = "",
    comment: str = "",
    opinion: str = "",
    declared: bool = False,
    acknowledged: bool = False,
) -> StatusChange:
    """Apply the workflow row for `action` from the plan's state: see the module docstring and
    review.workflow.Transition for what each row requires and does. `reasons` (or the single
    `reason`) for a return, `opinion` the reviewer's 审核意见, `declared` the park manager's
    agreement to the declaration, `acknowledged` the reviewer's "continue with open comments"."""
    plan = Plan.objects.select_for_update().select_related("park__province").get(pk=plan.pk)
    if not Plan.objects.visible_to(actor).filter(pk=plan.pk).exists():
        raise TransitionForbidden(_("Your role cannot do this at this stage."))
    transition = find(plan.status, action)
    role = effective_role(actor)
    if transition is None:
        raise TransitionRefused(not_now_message(plan))
    if role not in transition.roles or not has_perm(actor, transition.by.perm):
        raise TransitionForbidden(_("Your role cannot do this at this stage."))
    what = {"what": plan.noun}
    version = Version.objects.filter(plan=plan).order_by("-number").first()
    if transition.freezes:
        doc = plan_document(plan)  # built once: checked, then frozen
        missing = submission_checklist(plan, doc=doc)
        if missing:
            raise TransitionRefused(
                _("The %(what)s cannot be submitted yet: %(n)s items are missing or unjustified.")
                % {"what": plan.noun, "n": len(missing)}
            )
        version = version_freeze(plan=plan, actor=actor, doc=doc)
    reasons = list(dict.fromkeys(reasons if reasons is not None else [reason] if reason else []))
    if transition.needs_declaration and not declared:
        raise TransitionRefused(
            {"declared": _("Agree to the declaration to submit the %(what)s.") % what}
        )
    if transition.needs_opinion and not opinion.strip():
        raise TransitionRefused({"opinion": _("Write your review opinion.")})
    if transition.needs_reason:
        if not reasons or any(r not in ReturnReason.values for r in reasons):
            raise TransitionRefused(
                {"reasons": _("Choose the reason for returning the %(what)s.") % what}
            )
        if comment.strip():
            comment_add(version=version, actor=actor, body=comment)
        # an open thread of this version, or one carried from an earlier version
        if not Comment.objects.filter(version__plan=plan, is_resolved=False).exists():
            raise TransitionRefused(
                {"comment": _("Returning the %(what)s needs at least one comment.") % what}
            )
    if transition.publishes_comments:
        # the version's comments, and what the reviewer wrote in threads carried from before
        Comment.objects.filter(version__plan=plan, published=False).update(published=True)
        version_page.comments_changed(plan.pk)
    if transition.warns_open_comments and not acknowledged:
        open_count = Comment.objects.filter(
            version__plan=plan, parent__isnull=True, is_resolved=False
        ).count()
        if open_count:
            raise TransitionRefused(
                {
                    "acknowledged": _(
                        "%(n)s comments are not resolved. Tick the box to continue anyway."
                    )
                    % {"n": open_count}
                }
            )
    if transition.needs_note and not note.strip():
        raise TransitionRefused({"note": _("Say why the approved %(what)s is reopened.") % what})
    change = StatusChange.objects.create(
        plan=plan,
        version=version,
        action=action,
        source=plan.status,
        target=transition.target,
        actor=actor,
        actor_name=actor.display_name,
        acting_body=_acting_body(plan, role),
        reason=reasons[0] if transition.needs_reason else "",
        reasons=reasons if transition.needs_reason else [],
        note=note.strip(),
        opinion=opinion.strip() if transition.needs_opinion else "",
        declaration=str(DECLARATION) if transition.needs_declaration else "",
    )
    plan.status = transition.target
    if transition.assign == Assign.ACTOR:
        plan.assigned_to = actor
    elif transition.assign == Assign.CLEAR:
        plan.assigned_to = None
    plan.save(update_fields=["status", "assigned_to"])
    if transition.notice:
        _notify(plan, change, transition.notice)
    if transition.renders and settings.PDF_RENDER_ON_TRANSITION:
        pdf_request(plan=plan, kind=transition.renders, version=version, actor=actor)
    return change


def _recipients(plan: Plan, who: str):
    users = User.objects.filter(is_active=True)
    if who == "province":
        return users.filter(role=Role.PROVINCE_REVIEWER, province=plan.park.province_id)
    if who == "national":
        return users.filter(role=Role.NATIONAL_REVIEWER)
    return users.filter(role__in=[Role.PARK_MANAGER, Role.PARK_EDITOR], park=plan.park_id)


def _notify(plan: Plan, change: StatusChange, notice: Notice) -> None:
    kind, who = notice.kind, notice.to
    message = _("%(park)s: %(state)s (by %(name)s)") % {
        "park": plan.display_name,
        "state": State(change.target).label,
        "name": change.actor_name,
    }
    url = reverse("plans:plan-detail", args=[plan.pk])
    if who == "park" and plan.status == State.RETURNED:
        # straight to the first comment to answer, beside the part it is about
        waiting = open_comments_for_park(plan)
        url = park_answer_url(waiting[0], plan) if waiting else url
    elif who != "park":
        url = reverse("review:panel", args=[plan.pk])
    notify(_recipients(plan, who), kind=kind, message=message, url=url)


@transaction.atomic
def plan_assign(*, plan: Plan, actor, reviewer: User | None) -> Plan:
    """Give the plan to a reviewer of the body that holds it (or to nobody). Any reviewer of
    that body, or a national admin, may assign; the assignee is notified."""
    plan = Plan.objects.select_for_update().select_related("park__province").get(pk=plan.pk)
    if REVIEWING_ROLE.get(plan.status) is None:
        raise ValidationError(
            _("Only a %(what)s with a reviewing body can be assigned.") % {"what": plan.noun}
        )
    eligible = assignable_reviewers(plan)
    role = effective_role(actor)
    if not (role == Role.NATIONAL_ADMIN or eligible.filter(pk=actor.pk).exists()):
        raise ReviewForbidden(
            _("Only a reviewer of the body that holds the %(what)s can assign it.")
            % {"what": plan.noun}
        )
    if reviewer is not None and not eligible.filter(pk=reviewer.pk).exists():
        raise ValidationError(
            _("%(name)s cannot review this %(what)s at this stage.")
            % {"name": reviewer.display_name, "what": plan.noun}
        )
    before = plan.assigned_to.display_name if plan.assigned_to_id else ""
    plan.assigned_to = reviewer
    plan.save(update_fields=["assigned_to"])
    audit_record(
        actor=actor,
        park=plan.park,
        target=plan,
        action="assign",
        changes=field_changes(
            {"assigned_to": before},
            {"assigned_to": reviewer.display_name if reviewer else ""},
            {"assigned_to": _("Reviewer")},
        ),
    )
    if reviewer is not None and reviewer.pk != actor.pk:
        notify(
            [reviewer],
            kind=Notification.Kind.ASSIGNED,
            message=_("%(park)s: %(name)s assigned the %(what)s to you for review")
            % {"park": plan.display_name, "name": actor.display_name, "what": plan.noun},
            url=reverse("review:panel", args=[plan.pk]),
        )
    return plan


def _is_park_user(user) -> bool:
    return effective_role(user) in PARK_ROLES


@transaction.atomic
def comment_post(
    *,
    version: Version,
    actor,
    body: str,
    anchor: str,
    parent: Comment | None = None,
) -> Comment:
    """Reviewers comment on any part of a version; they and the park (in the threads sent to
    it) answer. comment_add checks who may write it."""
    comment = comment_add(
        version=version,
        actor=actor,
        body=body,
        anchor=anchor,
        parent=parent,
    )
    plan = version.plan
    if _is_park_user(actor):
        comment.published = True
        comment.save(update_fields=["published"])
        notify_to = (
            [plan.assigned_to] if plan.assigned_to_id else list(_recipients(plan, "province"))
        )
    else:
        # a reviewer's comment reaches the park once the plan is returned to it
        comment.published = plan.status == State.RETURNED
        comment.save(update_fields=["published"])
        notify_to = list(_recipients(plan, "park")) if comment.published else []
    if _is_park_user(actor):
        url = reverse("review:version", args=[plan.pk, version.number]) + f"#c-{comment.pk}"
    else:
        url = park_answer_url(comment, plan)
    message = _("%(park)s: new comment on %(part)s by %(name)s") % {
        "park": plan.display_name,
        "part": comment.anchor_label,
        "name": actor.display_name,
    }
    notify(
        [u for u in notify_to if u.pk != actor.pk],
        kind=Notification.Kind.COMMENT,
        message=message,
        url=url,
    )
    return comment


@transaction.atomic
def comment_resolve(*, comment: Comment, actor, resolved: bool = True) -> Comment:
    """Mark the comment resolved (or open it again): a reviewer of the plan, or the park's staff
    once the comment was sent to the park."""
    comment = Comment.objects.select_for_update().select_related("version__plan").get(pk=comment.pk)
    _comment_write_check(plan=comment.version.plan, actor=actor, answering=comment)
    comment.is_resolved = resolved
    comment.resolved_by = actor if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["is_resolved", "resolved_by", "resolved_at"])
    return comment


def version_read(*, version: Version, user) -> None:
    """Remember that `user` opened `version` (once; the first time counts)."""
    if getattr(user, "is_authenticated", False):
        _reading, created = VersionReading.objects.get_or_create(version=version, user=user)
        if created:  # the readings kept for the review page (review.selectors.readings_up_to)
            shared_cache.forget(readings_key(user.pk, version.plan_id))
