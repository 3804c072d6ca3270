"""The revision loop as the park lives it: what the review tells the plan's own pages.

Registered with plans/ at start-up (review.extends): which sections wait for the park's answer
(待修改 in the outline, not counted as complete), the notice on top of a returned plan's pages,
and where the park answers a comment (beside the part it is about, not on the frozen version).
"""

from collections import Counter, defaultdict

from django.db.models import F
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from documents.schema import Frozen
from parks.roles import PARK_ROLES, effective_role
from plans.models import Plan
from plans.selectors import PlanNotice
from plans.status import State
from review.anchors import anchor_section, version_anchors
from review.diff import version_diff
from review.models import Comment, StatusChange, Version
from review.selectors import open_comments_for_park


def sections_to_revise(plan: Plan) -> dict[str, int]:
    """Section key -> comments on it the park has neither answered nor resolved."""
    if plan.status != State.RETURNED:
        return {}
    comments = open_comments_for_park(plan)
    if not comments:
        return {}
    snapshot = _snapshot(comments[0].version_id)  # they are all of the latest version
    return dict(Counter(key for c in comments if (key := anchor_section(c.anchor, snapshot))))


def _snapshot(version_id: int) -> Frozen:
    return Frozen(Version.objects.values_list("snapshot", flat=True).get(pk=version_id))


def returned_notice(plan: Plan) -> list[PlanNotice]:
    """A returned plan says so on its pages: who returned it when, why, the opinion, and how many
    comments wait for an answer."""
    if plan.status != State.RETURNED:
        return []
    change = StatusChange.objects.filter(plan=plan, action="return").order_by("-at", "-id").first()
    if change is None:
        return []
    waiting = len(open_comments_for_park(plan))
    lines = []
    if change.reason_labels:
        lines.append(_("Reasons: %(reasons)s") % {"reasons": "、".join(change.reason_labels)})
    if change.opinion:
        lines.append(_("Review opinion: %(opinion)s") % {"opinion": change.opinion})
    if waiting:
        lines.append(
            _(
                "%(n)s comments wait for your answer: answer each beside the part it is about "
                "(marked 待修改 in the outline), then resubmit."
            )
            % {"n": waiting}
        )
    else:
        lines.append(
            _("Every comment is answered or resolved: the %(what)s can be resubmitted.")
            % {"what": plan.noun}
        )
    return [
        PlanNotice(
            level="warning",
            title=_("This %(what)s was returned for revision by %(body)s on %(date)s")
            % {
                "what": plan.noun,
                "body": change.acting_body or change.actor_name,
                "date": formats.date_format(change.at, "Y-m-d"),
            },
            lines=lines,
            link=reverse("review:panel", args=[plan.pk]),
            link_text=_("Comments and checklist"),
        )
    ]


def park_answer_url(comment: Comment, plan: Plan) -> str:
    """Where the park answers `comment`: the editor of the part it is about, at the thread."""
    kind = comment.anchor.partition(":")[0]
    key = anchor_section(comment.anchor, _snapshot(comment.version_id))
    if kind in ("park", "plan") or not key:
        url = reverse("review:version", args=[plan.pk, comment.version.number])
    elif kind == "indicator":
        url = reverse("indicators:indicator-list", args=[plan.pk])
    elif kind == "table":
        url = reverse("indicators:data", args=[plan.pk])
    else:
        url = reverse("plans:section-edit", args=[plan.pk, key])
    return f"{url}#c-{comment.pk}"


PARK_PART = "park"  # the park information (一、园区基本信息), which has no outline key


def sent_only(user) -> bool:
    """Whether `user` reads only the comments sent to the park (the park's staff), not the
    reviewers' comments still waiting for a return."""
    return effective_role(user) in PARK_ROLES


def part_threads(*, user, plan: Plan, parts: set[str]) -> list[Comment]:
    """The comment threads of every version of the plan on the parts of `parts` (outline section
    keys, or "park"), newest version first, each with its replies (`.thread`) and its version's
    number (`.version_number`); the park sees those sent to it only."""
    comments = Comment.objects.visible_to(user).filter(version__plan=plan)
    if sent_only(user):
        comments = comments.filter(published=True)
    comments = list(comments)
    snapshots = {
        pk: Frozen(data)
        for pk, data in Version.objects.filter(pk__in={c.version_id for c in comments}).values_list(
            "pk", "snapshot"
        )
    }
    numbers = dict(Version.objects.filter(plan=plan).values_list("pk", "number"))
    replies: dict[int, list] = {}
    threads = []
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
            continue
        part = (
            PARK_PART
            if comment.anchor == "park"
            else anchor_section(comment.anchor, snapshots[comment.version_id])
        )
        if part in parts:
            comment.version_number = numbers[comment.version_id]
            threads.append(comment)
    for comment in threads:
        comment.thread = replies.get(comment.pk, [])
    return sorted(threads, key=lambda c: (-c.version_number, c.is_resolved, c.created_at))


def version_threads(*, user, version: Version) -> dict[str, list[Comment]]:
    """The comment threads shown on `version`'s page, by anchor: the threads of the earlier
    versions first, carried forward (`carried`), each with what changed in its part since the
    version it was opened on (`since`: a review.diff.PartChange, None when nothing did;
    `since_in_section`: the changes of the rows, figures ... of a section anchored; `since_count`:
    every change, for a thread on the plan as a whole), then the version's own. A carried thread
    whose part this version no longer has is shown with the plan as a whole (`orphaned`). Each
    thread has its replies (`thread`) and its version's number (`version_number`); the park sees
    the threads sent to it only. Two queries, however many threads and versions."""
    comments = (
        Comment.objects.visible_to(user)
        .filter(version__plan_id=version.plan_id, version__number__lte=version.number)
        .annotate(version_number=F("version__number"))
    )
    if sent_only(user):
        comments = comments.filter(published=True)
    replies: dict[int, list] = defaultdict(list)
    threads = []
    for comment in comments:
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
        else:
            threads.append(comment)
    earlier = {c.version_id for c in threads} - {version.pk}
    diffs = {
        pk: version_diff(Frozen(data), version.frozen)
        for pk, data in Version.objects.filter(pk__in=earlier).values_list("pk", "snapshot")
    }
    present = version_anchors(version.frozen, version.outline_version) if diffs else {}
    by_anchor: dict[str, list] = defaultdict(list)
    for comment in sorted(threads, key=lambda c: (c.version_number, c.created_at, c.pk)):
        comment.thread = replies.get(comment.pk, [])
        comment.carried = comment.version_id != version.pk
        anchor = comment.anchor
        if comment.carried:
            diff = diffs[comment.version_id]
            comment.since = diff.by_anchor.get(anchor)
            kind, _sep, key = anchor.partition(":")
            comment.since_in_section = diff.in_section(key) if kind == "section" else []
            comment.since_count = len(diff.parts)
            comment.orphaned = anchor not in present
            if comment.orphaned:
                anchor = "plan"
        by_anchor[anchor].append(comment)
    return dict(by_anchor)
