"""Decisions are confirmed, with what is sent in view: the park manager's declaration on
submitting, the reviewer's opinion on a return, a forward and an approval, several reasons for a
return, a warning before going on with unresolved comments; the opinion on the timeline and on
the PDF's approval page."""

import pytest

from plans.status import State
from review.models import StatusChange
from review.pdfs import approval_html
from review.services import TransitionRefused, comment_add
from review.workflow import DECLARATION, ReturnReason
from tests.review.helpers import (
    APPROVE_OPINION,
    FORWARD_OPINION,
    act,
    field_errors,
    panel_url,
    status_of,
    text_of,
    transition_url,
    walk,
)


def test_the_submit_page_shows_what_is_sent_before_anything_happens(world, client_for, ready_plan):
    # when the park manager opens the submission's confirmation page
    page = client_for(world.manager_a).get(transition_url(ready_plan, "submit"))

    # then it names the version it will freeze and asks for the declaration; nothing is sent yet
    text = text_of(page.content.decode())
    assert "第 1 版" in text
    assert "确认后冻结" in text
    assert "本单位承诺所填报内容真实、准确、完整，并对其负责。" in text
    assert status_of(ready_plan) == State.DRAFT


def test_submitting_without_the_declaration_is_refused_next_to_it(world, client_for, ready_plan):
    # when the manager confirms without ticking the declaration
    response = client_for(world.manager_a).post(transition_url(ready_plan, "submit"), {})

    # then the refusal stands next to the box, and nothing was frozen
    assert field_errors(response) == {"declared": ["提交方案前请勾选承诺声明。"]}
    assert status_of(ready_plan) == State.DRAFT
    assert ready_plan.versions.count() == 0


def test_the_declaration_is_recorded_word_for_word(world, client_for, ready_plan):
    response = client_for(world.manager_a).post(
        transition_url(ready_plan, "submit"), {"declared": "on"}
    )

    assert response.status_code == 302
    change = StatusChange.objects.get(plan=ready_plan, action="submit")
    assert change.declaration == str(DECLARATION)
    assert status_of(ready_plan) == State.SUBMITTED


@pytest.mark.parametrize(("action", "state"), [("forward", State.PROVINCE_REVIEW)])
def test_forwarding_needs_an_opinion(world, client_for, ready_plan, action, state):
    # given a plan under provincial review
    walk(ready_plan, world, state)

    # when the reviewer forwards it without an opinion
    response = client_for(world.reviewer_a).post(transition_url(ready_plan, action), {})

    # then it is refused next to the opinion field
    assert field_errors(response) == {"opinion": ["请填写审核意见。"]}
    assert status_of(ready_plan) == state


def test_a_return_keeps_every_reason_and_the_opinion(world, ready_plan):
    # given a plan under provincial review
    walk(ready_plan, world, State.PROVINCE_REVIEW)

    # when the reviewer returns it for two reasons, with an opinion
    change = act(
        ready_plan,
        world,
        "return",
        "reviewer_a",
        reasons=[ReturnReason.BASELINE, ReturnReason.ATTACHMENT],
        opinion="基准值与附件均需补正。",
    )

    # then both reasons and the opinion are on the record, the first also as `reason`
    assert change.reasons == [ReturnReason.BASELINE, ReturnReason.ATTACHMENT]
    assert change.reason == ReturnReason.BASELINE
    assert change.reason_labels == ["基准值与数据表不一致", "缺少支撑材料"]
    assert change.opinion == "基准值与附件均需补正。"


def test_forwarding_with_open_comments_needs_the_reviewer_to_say_so(world, client_for, ready_plan):
    # given a plan under provincial review with an unresolved comment
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    version = ready_plan.versions.get()
    comment_add(version=version, actor=world.reviewer_a, body="请补充数据来源。", anchor="plan")

    # when the reviewer forwards it with an opinion but without acknowledging the open comment
    client = client_for(world.reviewer_a)
    page = client.get(transition_url(ready_plan, "forward"))
    refused = client.post(transition_url(ready_plan, "forward"), {"opinion": FORWARD_OPINION})

    # then the page warned, the refusal stands next to the box, the opinion typed is kept
    assert "1 条意见尚未解决。" in text_of(page.content.decode())
    assert field_errors(refused) == {
        "acknowledged": ["还有 1 条意见未解决。如仍要继续，请勾选确认。"]
    }
    assert refused.context["form"]["opinion"].value() == FORWARD_OPINION
    assert status_of(ready_plan) == State.PROVINCE_REVIEW

    # when they tick the box
    done = client.post(
        transition_url(ready_plan, "forward"), {"opinion": FORWARD_OPINION, "acknowledged": "on"}
    )

    # then the plan goes on, the opinion on its timeline
    assert done.status_code == 302
    assert status_of(ready_plan) == State.FORWARDED
    panel = client.get(panel_url(ready_plan))
    assert f"审核意见： {FORWARD_OPINION}" in text_of(panel.content.decode())


def test_the_open_comments_box_is_asked_only_when_comments_are_open(world, client_for, ready_plan):
    # given a plan under provincial review with no comment at all
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    client = client_for(world.reviewer_a)

    # then forwarding asks for the opinion only
    form = client.get(transition_url(ready_plan, "forward")).context["form"]
    assert "acknowledged" not in form.fields and "opinion" in form.fields

    # and once a comment is open, the box is there
    version = ready_plan.versions.get()
    comment_add(version=version, actor=world.reviewer_a, body="请补充数据来源。", anchor="plan")
    form = client.get(transition_url(ready_plan, "forward")).context["form"]
    assert "acknowledged" in form.fields


def test_the_approval_opinion_is_on_the_pdfs_approval_page(world, ready_plan, national_bodies):
    # given an approved plan
    walk(ready_plan, world, State.APPROVED)
    version = ready_plan.versions.get()

    # when its approval page is laid out for the PDF
    html = text_of(approval_html(version))

    # then the national reviewer's opinion is printed under the conclusion and on the timeline
    assert f"审核意见：{APPROVE_OPINION}" in html
    assert f"审核意见：{FORWARD_OPINION}" in html


def test_a_role_that_never_takes_a_decision_gets_403_on_its_page(world, client_for, ready_plan):
    walk(ready_plan, world, State.PROVINCE_REVIEW)

    response = client_for(world.editor_a).get(transition_url(ready_plan, "forward"))

    assert response.status_code == 403


def test_the_service_refuses_an_approval_without_opinion(world, ready_plan, national_bodies):
    walk(ready_plan, world, State.NATIONAL_REVIEW)

    with pytest.raises(TransitionRefused) as refused:
        act(ready_plan, world, "approve", "national", opinion="  ")

    assert refused.value.messages == ["请填写审核意见。"]
    assert status_of(ready_plan) == State.NATIONAL_REVIEW
