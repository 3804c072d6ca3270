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


def test_a_v1_thread_on_the_v2_page_with_what_changed_since(
    world, plan, live_server, session, output_path
):
    from indicators.models import PlanIndicator
    from plans import services as plan_services
    from plans.models import Figure, KeyProject
    from plans.rows import ALL_KINDS
    from tests.e2e.a11y import serious_violations
    from tests.review.helpers import ADDED, ANSWERED, ASKED, resubmitted_with_a_thread

    # given version 1's comment on 1.2, answered by the park, and version 2 with 1.2 and an
    # indicator's justification changed
    def justify_more():
        pi = next(p for p in PlanIndicator.objects.filter(plan=plan) if p.justifications)
        plan_services.row_update(
            kind=ALL_KINDS["indicators"],
            row=pi,
            actor=world.editor_a,
            data={
                "justifications": {k: v + "（第二版补充。）" for k, v in pi.justifications.items()}
            },
            expected_revision=pi.revision,
        )
        project = KeyProject.objects.filter(plan=plan).first()
        plan_services.row_update(
            kind=ALL_KINDS["projects"],
            row=project,
            actor=world.editor_a,
            data={"implementer": "园区新能源发展有限公司", "investment": project.investment + 100},
            expected_revision=project.revision,
        )
        figure = Figure.objects.filter(plan=plan).first()
        plan_services.row_update(
            kind=ALL_KINDS["figures"],
            row=figure,
            actor=world.editor_a,
            data={"caption": "园区绿色低碳空间布局图（第二版）"},
            expected_revision=figure.revision,
        )

    comment = resubmitted_with_a_thread(plan, world, revise=justify_more)
    province = session(world.reviewer_a)

    # when the provincial reviewer opens version 2
    province.set_viewport_size({"width": 1280, "height": 900})
    province.goto(live_server.url + reverse("review:version", args=[plan.pk, 2]))

    # then the version 1 thread is at 1.2, with the park's answer and what changed since
    thread = province.locator(f"#c-{comment.pk}")
    expect(thread).to_contain_text("第1版的意见")
    expect(thread).to_contain_text(ASKED)
    expect(thread).to_contain_text(ANSWERED)
    since = thread.locator(".comment-since")
    expect(since).to_contain_text("自第1版以来的修改")
    expect(since.locator("ins")).to_contain_text(ADDED)
    assert serious_violations(province) == []
    thread.scroll_into_view_if_needed()
    province.screenshot(path=f"{output_path}/compare-v2-thread-1280.png")
    province.set_viewport_size({"width": 390, "height": 844})
    thread.scroll_into_view_if_needed()
    province.screenshot(path=f"{output_path}/compare-v2-thread-390.png")
    province.set_viewport_size({"width": 1280, "height": 900})

    # ... and resolving it there keeps the reviewer on version 2, the thread folded
    thread.get_by_role("button", name="标记为已解决").click()
    province.wait_for_load_state("networkidle")
    assert province.url.endswith(f"/versions/2/#c-{comment.pk}")
    folded = province.locator(f"details#c-{comment.pk}")
    expect(folded).to_have_count(1)
    expect(folded).not_to_have_attribute("open", "")

    # the comparison shows the changed justification and the thread beside the section
    province.goto(live_server.url + reverse("review:version-diff", args=[plan.pk, 2]))
    expect(province.locator("h1")).to_contain_text("第 1 版到第 2 版的修改")
    for label in ("情况说明", "实施主体", "图题"):
        expect(province.locator("body")).to_contain_text(label)
    expect(province.locator("body")).to_contain_text("第1版的意见")
    assert serious_violations(province) == []
    province.screenshot(path=f"{output_path}/compare-diff-1280.png", full_page=True)
    province.set_viewport_size({"width": 390, "height": 844})
    province.screenshot(path=f"{output_path}/compare-diff-390.png", full_page=True)
    assert province.evaluate("document.documentElement.scrollWidth") <= 390
