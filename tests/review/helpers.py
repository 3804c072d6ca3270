"""Helpers for the review tests: the workflow walked as its users walk it, and readers for the
pages and messages they get back."""

import re
from html import unescape

from django.contrib.messages import get_messages
from django.urls import reverse

from plans import services as plan_services
from plans.models import Plan, Section
from plans.status import State
from review.services import comment_post, transition_apply
from review.workflow import ReturnReason

RETURN_COMMENT = "3.2 主要指标的基准值与数据表不一致，请核对后重新提交。"
REOPEN_NOTE = "国家复核发现重点项目投资额有误，重新打开复核。"
RETURN_OPINION = "基准值需与2016-2020年数据表一致，请修改后重新报送。"
FORWARD_OPINION = "经审核，方案内容完整，同意报送国家审核。"
APPROVE_OPINION = "同意该园区绿色发展五年行动方案。"

# What each action needs besides the actor (the form's fields, also the service's arguments).
ACTION_DATA = {
    "submit": {"declared": True},
    "return": {
        "reasons": [ReturnReason.BASELINE],
        "comment": RETURN_COMMENT,
        "opinion": RETURN_OPINION,
    },
    "forward": {"opinion": FORWARD_OPINION, "acknowledged": True},
    "approve": {"opinion": APPROVE_OPINION, "acknowledged": True},
    "reopen": {"note": REOPEN_NOTE},
}

# The way from a draft to each state through the real transitions: (action, persona).
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [("submit", "manager_a")],
    State.PROVINCE_REVIEW: [("submit", "manager_a"), ("start", "reviewer_a")],
    State.FORWARDED: [("submit", "manager_a"), ("start", "reviewer_a"), ("forward", "reviewer_a")],
    State.NATIONAL_REVIEW: [
        ("submit", "manager_a"),
        ("start", "reviewer_a"),
        ("forward", "reviewer_a"),
        ("start", "national"),
    ],
    State.APPROVED: [
        ("submit", "manager_a"),
        ("start", "reviewer_a"),
        ("forward", "reviewer_a"),
        ("start", "national"),
        ("approve", "national"),
    ],
    State.RETURNED: [("submit", "manager_a"), ("start", "reviewer_a"), ("return", "reviewer_a")],
}


# A thread of version 1 carried to version 2 (resubmitted_with_a_thread).
ASKED = "1.2 请补充园区常住人口的统计口径。"
ANSWERED = "已补充：按第七次人口普查口径统计。"
ADDED = "（按第七次全国人口普查口径统计。）"


def status_of(plan) -> str:
    return Plan.objects.values_list("status", flat=True).get(pk=plan.pk)


def act(plan, world, action: str, persona: str, **data):
    """One transition through the service, with what the action needs unless given (a single
    `reason` stands for the list of reasons)."""
    if "reason" in data:
        reason = data.pop("reason")
        data["reasons"] = [reason] if reason else []
    return transition_apply(
        plan=plan,
        action=action,
        actor=getattr(world, persona),
        **{**ACTION_DATA.get(action, {}), **data},
    )


def walk(plan, world, state: str) -> None:
    """Take a draft to `state` the way its users would."""
    for action, persona in PATHS[state]:
        act(plan, world, action, persona)
    assert status_of(plan) == state


def panel_url(plan) -> str:
    return reverse("review:panel", args=[plan.pk])


def transition_url(plan, action: str) -> str:
    return reverse("review:transition", args=[plan.pk, action])


def messages_of(response) -> list[str]:
    """The messages a view queued for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_errors(response) -> dict[str, list[str]]:
    """The refusals shown next to the fields of a decision's confirmation form."""
    assert response.status_code == 200, response.status_code
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def text_of(html: str) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def timeline_of(html: str) -> list[str]:
    """The timeline's entries on the review panel, each as its visible text."""
    match = re.search(r'<ol class="[^"]*\btimeline\b[^"]*">(.*?)</ol>', html, flags=re.S)
    assert match, "the panel has no timeline"
    return [text_of(item) for item in re.findall(r"<li\b[^>]*>(.*?)</li>", match.group(1), re.S)]


def links_of(html: str) -> dict[str, str]:
    """{visible text: href} of the page's links."""
    return {
        text_of(text): unescape(href)
        for href, text in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, flags=re.S)
    }


def resubmitted_with_a_thread(plan, world, *, change_section: bool = True, revise=None):
    """Version 1 returned with a comment on 1.2, answered by the park, 1.2 rewritten (unless
    told not to) and whatever `revise()` changes too, and version 2 submitted. Returns the
    comment."""
    walk(plan, world, State.PROVINCE_REVIEW)
    v1 = plan.versions.get()
    comment = comment_post(version=v1, actor=world.reviewer_a, body=ASKED, anchor="section:1.2")
    act(plan, world, "return", "reviewer_a", comment="")
    comment.refresh_from_db()
    comment_post(
        version=v1, actor=world.editor_a, body=ANSWERED, anchor="section:1.2", parent=comment
    )
    if change_section:
        section = Section.objects.get(plan=plan, key="1.2")
        plan_services.section_save(
            plan=plan,
            key="1.2",
            body=section.body + f"<p>{ADDED}</p>",
            is_done=True,
            expected_revision=section.revision,
            actor=world.editor_a,
        )
    if revise is not None:
        revise()
    act(plan, world, "submit", "manager_a")
    return comment
