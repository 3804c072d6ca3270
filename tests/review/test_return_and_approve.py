"""Returning and approving: a return needs a structured reason and a comment, which then reaches
the park; the national reviewer approves what the province forwarded; reopening an approved plan
needs a note. Every step is on the timeline with the body that acted, named from the data."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from plans.services import assert_editable
from plans.status import State
from review.models import Comment, StatusChange
from review.selectors import submission_checklist
from review.services import TransitionRefused, comment_add, comment_post, comment_resolve
from review.workflow import ReturnReason
from tests.factories import NationalBodyFactory
from tests.review.helpers import (
    REOPEN_NOTE,
    RETURN_COMMENT,
    RETURN_OPINION,
    act,
    field_errors,
    messages_of,
    panel_url,
    status_of,
    text_of,
    timeline_of,
    transition_url,
    walk,
)


@pytest.fixture
def in_review(world, ready_plan):
    """Park A's plan submitted and under provincial review."""
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    return ready_plan


def latest_version(plan):
    return plan.versions.order_by("-number").first()


# --- returning --------------------------------------------------------------------------------


def test_return_without_a_reason_is_refused(world, client_for, in_review):
    # when the reviewer returns the plan with a comment but no reason, by service and by form
    with pytest.raises(TransitionRefused) as refused:
        act(in_review, world, "return", "reviewer_a", reason="")
    response = client_for(world.reviewer_a).post(
        transition_url(in_review, "return"),
        {"comment": RETURN_COMMENT, "opinion": RETURN_OPINION},
    )

    # then both are refused in Chinese, next to the field, what was typed kept; no comment kept
    assert refused.value.messages == ["请选择退回方案的原因。"]
    assert field_errors(response) == {"reasons": ["请选择退回方案的原因。"]}
    assert response.context["form"]["comment"].value() == RETURN_COMMENT
    assert status_of(in_review) == State.PROVINCE_REVIEW
    assert Comment.objects.count() == 0


def test_return_with_a_reason_outside_the_list_is_refused_by_the_form(world, client_for, in_review):
    response = client_for(world.reviewer_a).post(
        transition_url(in_review, "return"),
        {"reasons": ["whim"], "comment": RETURN_COMMENT, "opinion": RETURN_OPINION},
    )

    assert "请选择退回方案的原因。" in field_errors(response)["reasons"]
    assert status_of(in_review) == State.PROVINCE_REVIEW


def test_return_with_a_reason_outside_the_list_is_refused_by_the_service(world, in_review):
    with pytest.raises(TransitionRefused):
        act(in_review, world, "return", "reviewer_a", reason="whim")

    assert status_of(in_review) == State.PROVINCE_REVIEW
    assert not StatusChange.objects.filter(reason="whim").exists()


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_return_without_any_comment_is_refused(world, client_for, in_review, comment):
    # when the reviewer returns the plan with a reason but nothing written
    with pytest.raises(TransitionRefused) as refused:
        act(in_review, world, "return", "reviewer_a", comment=comment)
    response = client_for(world.reviewer_a).post(
        transition_url(in_review, "return"),
        {"reasons": [ReturnReason.TARGET], "comment": comment, "opinion": RETURN_OPINION},
    )

    # then both are refused in Chinese
    assert refused.value.messages == ["退回方案至少需要一条意见。"]
    assert field_errors(response) == {"comment": ["退回方案至少需要一条意见。"]}
    assert status_of(in_review) == State.PROVINCE_REVIEW
    assert StatusChange.objects.filter(action="return").count() == 0


def test_return_counts_an_open_comment_written_earlier_but_not_a_resolved_one(world, in_review):
    # given a comment the reviewer wrote on the version while reading it, then resolved
    version = latest_version(in_review)
    earlier = comment_add(
        version=version,
        actor=world.reviewer_a,
        body="4.3 节缺少项目投资来源。",
        anchor="section:4.3",
    )
    comment_resolve(comment=earlier, actor=world.reviewer_a)

    # when the reviewer returns the plan without writing a new comment
    with pytest.raises(TransitionRefused) as refused:
        act(in_review, world, "return", "reviewer_a", comment="")

    # then it is refused: a resolved comment asks nothing of the park
    assert refused.value.messages == ["退回方案至少需要一条意见。"]

    # when the comment is opened again, the return goes through without a new one
    comment_resolve(comment=earlier, actor=world.reviewer_a, resolved=False)
    change = act(in_review, world, "return", "reviewer_a", comment="")

    # then the plan is returned
    assert change.target == State.RETURNED
    assert status_of(in_review) == State.RETURNED


def test_return_publishes_the_comments_to_the_park_and_tells_it(
    world, client_for, in_review, django_capture_on_commit_callbacks
):
    # given a comment the reviewer wrote on a section while reading, not yet sent to the park
    version = latest_version(in_review)
    earlier = comment_post(
        version=version,
        actor=world.reviewer_a,
        body="4.3 节缺少项目投资来源。",
        anchor="section:4.3",
    )
    assert earlier.published is False
    park_page = client_for(world.editor_a).get(
        reverse("review:version", args=[in_review.pk, version.number])
    )
    assert "4.3 节缺少项目投资来源" not in text_of(park_page.content.decode())

    # when the reviewer returns the plan from the panel with a reason and a comment
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.reviewer_a).post(
            transition_url(in_review, "return"),
            {
                "reasons": [ReturnReason.BASELINE],
                "comment": RETURN_COMMENT,
                "opinion": RETURN_OPINION,
            },
        )

    # then the plan is back with the park, both comments sent to it
    assert messages_of(response) == ["已完成：退回修改。"]
    assert status_of(in_review) == State.RETURNED
    comments = Comment.objects.filter(version=version)
    assert sorted(c.body for c in comments) == sorted([RETURN_COMMENT, "4.3 节缺少项目投资来源。"])
    assert all(c.published for c in comments)
    change = StatusChange.objects.get(action="return")
    assert (change.reason, change.acting_body, change.version) == (
        ReturnReason.BASELINE,
        "江苏省科学技术厅",
        version,
    )
    # ... the park's staff are told, in the portal and by e-mail
    told = Notification.objects.filter(kind=Notification.Kind.RETURNED)
    assert sorted(n.user.username for n in told) == ["editor_a", "manager_a"]
    assert sorted(m.to[0] for m in mail.outbox) == ["editor_a@example.cn", "manager_a@example.cn"]
    assert all("退回修改" in m.subject for m in mail.outbox)
    # ... the park reads the section comment on the version
    park_page = client_for(world.editor_a).get(
        reverse("review:version", args=[in_review.pk, version.number])
    )
    assert "4.3 节缺少项目投资来源" in text_of(park_page.content.decode())
    # ... and must answer both before it can resubmit
    assert [item.url for item in submission_checklist(in_review)] == [
        reverse("review:version", args=[in_review.pk, version.number]) + f"#c-{c.pk}"
        for c in comments
    ]
    # ... and the draft is open again
    assert_editable(in_review)


def test_park_reads_and_can_answer_the_return_comment_on_the_version_page(
    world, client_for, in_review
):
    # given the plan returned from the panel with a comment for the park
    act(in_review, world, "return", "reviewer_a")
    comment = Comment.objects.get(body=RETURN_COMMENT)
    version = latest_version(in_review)

    # when the park's editor follows the checklist's link to it
    url = submission_checklist(in_review)[0].url
    page = client_for(world.editor_a).get(url.split("#")[0])

    # then the comment is there, with a form to answer it
    html = page.content.decode()
    assert url == reverse("review:version", args=[in_review.pk, version.number]) + (
        f"#c-{comment.pk}"
    )
    assert RETURN_COMMENT in text_of(html)
    assert f'id="c-{comment.pk}"' in html
    assert f'name="parent" value="{comment.pk}"' in html


def test_answering_the_return_comment_lets_the_park_resubmit(world, in_review):
    # given the plan returned with a comment
    act(in_review, world, "return", "reviewer_a")
    comment = Comment.objects.get(body=RETURN_COMMENT)
    with pytest.raises(TransitionRefused):
        act(in_review, world, "submit", "manager_a")

    # when the park's editor answers it
    comment_post(
        version=comment.version,
        actor=world.editor_a,
        body="已核对数据表，修正了基准值。",
        anchor="",
        parent=comment,
    )

    # then the plan can be submitted again, as version 2
    assert submission_checklist(in_review) == []
    act(in_review, world, "submit", "manager_a")
    assert status_of(in_review) == State.SUBMITTED
    assert latest_version(in_review).number == 2


# --- forwarding, approving, reopening ---------------------------------------------------------


def test_national_reviewer_approves_what_the_province_forwarded(
    world, in_review, national_bodies, django_capture_on_commit_callbacks
):
    # when the province forwards the plan, and the national reviewer starts and approves it
    with django_capture_on_commit_callbacks(execute=True):
        act(in_review, world, "forward", "reviewer_a")
    forwarded_to = sorted(m.to[0] for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        act(in_review, world, "start", "national")
        act(in_review, world, "approve", "national")

    # then the plan is approved, its reviewer the national one, and the draft stays locked
    in_review.refresh_from_db()
    assert in_review.status == State.APPROVED
    assert in_review.assigned_to == world.national
    assert forwarded_to == ["national@example.cn"]
    approved = Notification.objects.filter(kind=Notification.Kind.APPROVED)
    assert sorted(n.user.username for n in approved) == ["editor_a", "manager_a"]
    assert {n.message for n in approved} == {
        f"苏州工业园区：审核通过（{world.national.display_name}）"
    }
    with pytest.raises(Exception, match="暂不能修改"):
        assert_editable(in_review)


def test_province_cannot_approve_and_national_cannot_skip_the_province(world, in_review):
    with pytest.raises(TransitionRefused) as by_province:
        act(in_review, world, "approve", "reviewer_a")
    with pytest.raises(TransitionRefused) as by_national:
        act(in_review, world, "forward", "national")

    assert by_province.value.messages == ["当前不能执行此操作：方案状态为“省级审核中”。"]
    assert by_national.value.messages == ["您的角色在此阶段不能执行此操作。"]
    assert status_of(in_review) == State.PROVINCE_REVIEW


@pytest.mark.parametrize("note", ["", "  "])
def test_reopening_an_approved_plan_needs_a_note(world, client_for, ready_plan, note):
    # given park A's approved plan
    walk(ready_plan, world, State.APPROVED)

    # when the national reviewer reopens it without saying why, by service and by form
    with pytest.raises(TransitionRefused) as refused:
        act(ready_plan, world, "reopen", "national", note=note)
    response = client_for(world.national).post(transition_url(ready_plan, "reopen"), {"note": note})

    # then both are refused in Chinese, and the plan stays approved
    assert refused.value.messages == ["请说明重新打开已通过方案的原因。"]
    assert field_errors(response) == {"note": ["请说明重新打开已通过方案的原因。"]}
    assert status_of(ready_plan) == State.APPROVED


def test_reopening_with_a_note_puts_the_plan_back_under_national_review(
    world, client_for, ready_plan
):
    # given park A's approved plan
    walk(ready_plan, world, State.APPROVED)

    # when the national reviewer reopens it with a note
    response = client_for(world.national).post(
        transition_url(ready_plan, "reopen"), {"note": REOPEN_NOTE}
    )

    # then it is under national review again, the note on the timeline and the park told
    assert messages_of(response) == ["已完成：撤销通过，重新审核。"]
    assert status_of(ready_plan) == State.NATIONAL_REVIEW
    assert StatusChange.objects.get(action="reopen").note == REOPEN_NOTE
    assert Notification.objects.filter(kind=Notification.Kind.REOPENED).count() == 2
    page = client_for(world.manager_a).get(panel_url(ready_plan))
    assert REOPEN_NOTE in timeline_of(page.content.decode())[-1]


# --- the timeline -----------------------------------------------------------------------------


def test_timeline_on_the_panel_lists_every_step_in_order_with_reasons_and_bodies(
    world, client_for, ready_plan, national_bodies
):
    # given a plan returned once by the province, then resubmitted, forwarded and approved
    walk(ready_plan, world, State.RETURNED)
    for comment in Comment.objects.all():
        comment_resolve(comment=comment, actor=world.manager_a)
    for action, persona in [
        ("submit", "manager_a"),
        ("start", "reviewer_a"),
        ("forward", "reviewer_a"),
        ("start", "national"),
        ("approve", "national"),
    ]:
        act(ready_plan, world, action, persona)

    # when the park manager opens the review panel
    entries = timeline_of(client_for(world.manager_a).get(panel_url(ready_plan)).content.decode())

    # then every step is there, oldest first, with who acted for which body
    manager, reviewer, national = (
        f"{world.manager_a.display_name}（苏州工业园区）",
        f"{world.reviewer_a.display_name}（江苏省科学技术厅）",
        f"{world.national.display_name}（工业和信息化部火炬高技术产业开发中心）",
    )
    expected = [
        (manager, "提交省级审核 （草稿 → 已提交省级审核） · v1"),
        (reviewer, "开始审核 （已提交省级审核 → 省级审核中） · v1"),
        (reviewer, "退回修改 （省级审核中 → 退回修改） · v1"),
        (manager, "重新提交省级审核 （退回修改 → 已提交省级审核） · v2"),
        (reviewer, "开始审核 （已提交省级审核 → 省级审核中） · v2"),
        (reviewer, "报送国家审核 （省级审核中 → 已报送国家审核） · v2"),
        (national, "开始审核 （已报送国家审核 → 国家审核中） · v2"),
        (national, "审核通过 （国家审核中 → 审核通过） · v2"),
    ]
    assert len(entries) == len(expected)
    for entry, (who, move) in zip(entries, expected, strict=True):
        assert f"{who}: {move}" in entry
    # ... the return with its reason in words
    assert "退回原因： 基准值与数据表不一致" in entries[2]
    assert all("退回原因" not in e for i, e in enumerate(entries) if i != 2)
    # ... and the rows behind it in the same order
    assert list(StatusChange.objects.filter(plan=ready_plan).values_list("action", flat=True)) == [
        "submit",
        "start",
        "return",
        "submit",
        "start",
        "forward",
        "start",
        "approve",
    ]


def test_panel_timeline_is_empty_before_anything_happened(world, client_for, ready_plan):
    entries = timeline_of(client_for(world.manager_a).get(panel_url(ready_plan)).content.decode())

    assert entries == ["尚无记录。"]


def test_acting_bodies_are_named_from_the_data_as_they_were_then(
    world, ready_plan, national_bodies
):
    # given the province's reviewing body renamed in the reference data
    world.province_a.reviewing_body = "江苏省科学技术厅（高新技术处）"
    world.province_a.save()

    # when the plan goes through the province to the national level
    walk(ready_plan, world, State.NATIONAL_REVIEW)

    # then each step names the park, the province's body now, or the national body in force today
    changes = list(StatusChange.objects.values_list("action", "acting_body"))
    assert changes == [
        ("submit", "苏州工业园区"),
        ("start", "江苏省科学技术厅（高新技术处）"),
        ("forward", "江苏省科学技术厅（高新技术处）"),
        ("start", "工业和信息化部火炬高技术产业开发中心"),
    ]
    assert changes[-1][1] == national_bodies["current"].name

    # when the national body is renamed from today on, and the province renames its body again
    NationalBodyFactory(name="国家火炬中心（新名称）", valid_from=timezone.localdate())
    world.province_a.reviewing_body = "江苏省科技厅"
    world.province_a.save()
    act(ready_plan, world, "approve", "national")

    # then the new step carries the new name, and the earlier steps keep the names of their day
    assert list(StatusChange.objects.values_list("acting_body", flat=True)) == [
        "苏州工业园区",
        "江苏省科学技术厅（高新技术处）",
        "江苏省科学技术厅（高新技术处）",
        "工业和信息化部火炬高技术产业开发中心",
        "国家火炬中心（新名称）",
    ]


def test_a_national_body_not_yet_in_force_is_not_named(world, ready_plan, db):
    # given only the former body and one that takes effect tomorrow
    NationalBodyFactory(
        name="科学技术部火炬高技术产业开发中心", valid_from=datetime.date(2008, 1, 1)
    )
    NationalBodyFactory(
        name="尚未生效的名称", valid_from=timezone.localdate() + datetime.timedelta(days=1)
    )

    # when the national reviewer starts the review
    walk(ready_plan, world, State.NATIONAL_REVIEW)

    # then the body in force today acted
    assert StatusChange.objects.get(action="start", actor=world.national).acting_body == (
        "科学技术部火炬高技术产业开发中心"
    )
