"""The whole review in three browsers at once: the park manager submits and withdraws, submits
again; the provincial reviewer comments on a key task and returns the plan; the park answers the
comment and resubmits; the province forwards it and the national reviewer approves it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Plan
from plans.status import State
from review.models import Comment, Version
from tests.e2e.conftest import act

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def status(plan) -> str:
    return Plan.objects.values_list("status", flat=True).get(pk=plan.pk)


def test_withdraw_return_answer_resubmit_approve(world, plan, live_server, session, output_path):
    panel = live_server.url + reverse("review:panel", args=[plan.pk])
    park = session(world.manager_a)
    province = session(world.reviewer_a)
    national = session(world.national)

    # the park manager submits, then withdraws before anyone has started
    park.goto(panel)
    expect(park.locator("#checklist-title")).to_be_visible()
    act(park, plan, "submit")
    expect(park.locator("[data-plan-status]")).to_have_text("已提交省级审核")
    act(park, plan, "withdraw")
    expect(park.locator("[data-plan-status]")).to_have_text("草稿")

    # ... and submits again: version 2
    act(park, plan, "submit")
    assert status(plan) == State.SUBMITTED
    assert Version.objects.filter(plan=plan).count() == 2

    # the provincial reviewer finds it in the queue and starts reviewing
    province.goto(live_server.url + reverse("review:queue"))
    province.get_by_role("link", name=world.park_a.name).click()
    act(province, plan, "start")
    expect(province.locator("[data-plan-status]")).to_have_text("省级审核中")
    # the park can no longer withdraw
    park.reload()
    expect(park.locator('form[action$="/review/withdraw/"]')).to_have_count(0)

    # the reviewer reads version 2 and comments on the first key task
    province.get_by_role("link", name="v2", exact=True).click()
    task_row = province.locator("tr[id^=row-tasks-]").first
    task_name = task_row.locator("td").nth(1).inner_text()
    thread = task_row.locator("xpath=following-sibling::tr[1]")
    thread.locator("summary").click()
    thread.locator("textarea[name=body]").fill("年度分解不够具体，请补充2021-2022年的量化目标。")
    thread.get_by_role("button", name="添加意见").click()
    province.wait_for_load_state("networkidle")
    expect(province.locator(".comment").first).to_contain_text("年度分解不够具体")
    province.screenshot(path=f"{output_path}/reviewer-comment.png")

    # ... and returns the plan with a reason and a comment for the park
    province.goto(panel)
    act(
        province,
        plan,
        "return",
        reasons=["target", "content"],
        comment="请按意见修改重点任务后重新提交。",
    )
    expect(province.locator("[data-plan-status]")).to_have_text("退回修改")

    # the park sees the return, cannot resubmit before answering the comments
    park.goto(panel)
    expect(park.locator("[data-plan-status]")).to_have_text("退回修改")
    expect(park.locator(".checklist")).to_contain_text("年度分解不够具体")
    expect(park.get_by_role("button", name="重新提交省级审核")).to_be_disabled()

    # it answers each comment on version 2 and resubmits: version 3
    park.goto(live_server.url + reverse("review:version", args=[plan.pk, 2]))
    for reply in park.locator('input[name="body"][placeholder="答复"]').all():
        reply.fill("已补充2021-2022年的量化目标。")
        reply.locator("xpath=following-sibling::button").click()
        park.wait_for_load_state("networkidle")
    expect(park.locator(".comment-reply").first).to_contain_text("已补充")
    park.goto(panel)
    expect(park.get_by_role("link", name="重新提交省级审核…")).to_be_visible()
    act(park, plan, "submit")
    assert Version.objects.filter(plan=plan).count() == 3
    assert not Comment.objects.filter(
        version__plan=plan, parent=None, replies=None, is_resolved=False
    ).exists()

    # the province sees what changed since it reviewed, then forwards
    province.goto(panel)
    act(province, plan, "start")
    province.goto(live_server.url + reverse("review:version-diff", args=[plan.pk, 3]))
    expect(province.locator("body")).to_contain_text("v2")
    province.goto(panel)
    act(province, plan, "forward")
    expect(province.locator("[data-plan-status]")).to_have_text("已报送国家审核")

    # the national reviewer starts and approves
    national.goto(live_server.url + reverse("review:queue"))
    national.get_by_role("link", name=world.park_a.name).click()
    act(national, plan, "start")
    act(national, plan, "approve")
    expect(national.locator("[data-plan-status]")).to_have_text("审核通过")
    national.screenshot(path=f"{output_path}/approved.png", full_page=True)

    # the park sees the approval and the whole timeline
    park.goto(panel)
    expect(park.locator("[data-plan-status]")).to_have_text("审核通过")
    timeline = park.locator(".timeline").inner_text()
    for step in ("撤回", "退回修改", "审核通过"):
        assert step in timeline
    assert re.search(r"v3", timeline)
    assert task_name
