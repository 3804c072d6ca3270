"""The revision loop as its three people live it (issue 14, "Done means"), each in a browser of
their own: the provincial reviewer comments on a section of version 1 and returns the plan; the
park sees the banner, the section marked 待修改 and the comment in the editor, answers it there,
changes an indicator's justification and resubmits with the declaration; the reviewer reads
version 2 with the thread, the answer and what changed (the justification too) and forwards; the
national reviewer approves with an opinion, which the approved PDF's approval page prints."""

import subprocess

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Plan
from plans.status import State
from review.models import PdfDocument, StatusChange, Version
from review.services import transition_apply
from tests.e2e.a11y import serious_violations
from tests.e2e.conftest import act

pytestmark = [pytest.mark.e2e, pytest.mark.pdf, pytest.mark.django_db(transaction=True)]

SECTION = "2.4.1"
ASKED = "请补充2021-2022年能源消费总量的年度分解数据。"
ANSWERED = "已在本节补充2021-2022年的年度分解，见第二段。"
JUSTIFIED = "2023年新投产数据中心，能耗阶段性上升，2024年起回落。"
OPINION = "同意该园区绿色发展五年行动方案，请按年度跟踪落实。"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessible(page) -> None:
    assert serious_violations(page) == [], page.url


def shoot(page, path: str, target=None) -> None:
    """The page (at `target`) at 1280 and at 390 px (a phone), then back at 1280."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        if target is not None:
            target.scroll_into_view_if_needed()
        page.screenshot(path=f"{path}-{size['width']}.png")
    page.set_viewport_size(DESKTOP)


def test_return_answer_in_the_editor_resubmit_and_approve_with_an_opinion(
    world, plan, live_server, session, output_path, tmp_path
):
    url = live_server.url
    transition_apply(plan=plan, action="submit", actor=world.manager_a, declared=True)
    park = session(world.manager_a)
    province = session(world.reviewer_a)
    national = session(world.national)

    # the provincial reviewer starts, comments on 2.4 (1) of version 1 and returns the plan
    province.goto(url + reverse("review:panel", args=[plan.pk]))
    act(province, plan, "start")
    province.goto(url + reverse("review:version", args=[plan.pk, 1]))
    block = province.locator(f'.comment-block[data-anchor="section:{SECTION}"]')
    block.locator("summary").click()
    block.locator("textarea[name=body]").fill(ASKED)
    block.get_by_role("button", name="添加意见").click()
    province.wait_for_load_state("networkidle")
    expect(province.locator(".comment").first).to_contain_text(ASKED)
    province.goto(url + reverse("review:panel", args=[plan.pk]))
    act(province, plan, "return", reasons=["content"], opinion="请按意见修改后重新提交。")
    expect(province.locator("[data-plan-status]")).to_have_text("退回修改")

    # the park sees the return on its plan's page: the banner with the reason and the message,
    # the section marked 待修改
    park.goto(url + reverse("plans:plan-detail", args=[plan.pk]))
    banner = park.locator(".plan-notice").first
    expect(banner).to_contain_text("退回修改")
    expect(banner).to_contain_text("请按意见修改后重新提交。")
    expect(park.locator("body")).to_contain_text("待修改")
    accessible(park)

    # ... opens the section's editor, where the comment stands beside the text, and answers it
    park.goto(url + reverse("plans:section-edit", args=[plan.pk, SECTION]))
    threads = park.locator("#part-threads")
    expect(threads).to_contain_text(ASKED)
    expect(park.locator(".plan-notice").first).to_contain_text("退回修改")
    shoot(park, f"{output_path}/editor-with-comment", threads)
    threads.locator("textarea[name=body]").fill(ANSWERED)
    threads.get_by_role("button", name="答复").click()
    park.wait_for_load_state("networkidle")
    assert f"/sections/{SECTION}/" in park.url
    expect(park.locator("#part-threads")).to_contain_text(ANSWERED)

    # ... changes the justification of the indicator whose target warns
    park.goto(url + reverse("indicators:indicator-list", args=[plan.pk]))
    detail = park.locator("tr.indicator-detail", has=park.locator("[data-warning]")).first
    row = detail.locator("xpath=preceding-sibling::tr[1]")
    code = row.get_attribute("data-indicator")
    row.get_by_role("button", name="编辑").click()
    form = park.locator("#rows-indicators form")
    justification = form.locator("textarea[name^=justify_]").first
    justification.fill(JUSTIFIED)
    form.get_by_role("button", name="保存此行").click()
    expect(park.locator(f"tr[data-indicator={code}] + tr")).to_contain_text(JUSTIFIED)

    # ... and resubmits, declaring the content true: version 2
    park.goto(url + reverse("review:panel", args=[plan.pk]))
    act(park, plan, "submit", declared=True)
    expect(park.locator("[data-plan-status]")).to_have_text("已提交省级审核")
    assert Version.objects.filter(plan=plan).count() == 2

    # the reviewer reads version 2: the thread of version 1 with the park's answer and what
    # changed in 2.4 (1) since ...
    province.goto(url + reverse("review:panel", args=[plan.pk]))
    act(province, plan, "start")
    province.goto(url + reverse("review:version", args=[plan.pk, 2]))
    carried = province.locator(".comment-carried", has_text=ASKED)
    expect(carried).to_contain_text("第1版的意见")
    expect(carried).to_contain_text(ANSWERED)
    accessible(province)
    shoot(province, f"{output_path}/review-v2-thread", carried)

    # ... and in the comparison, the changed justification
    province.goto(url + reverse("review:version-diff", args=[plan.pk, 2]) + "?base=1")
    expect(province.locator("body")).to_contain_text(JUSTIFIED)
    accessible(province)
    shoot(province, f"{output_path}/comparison")

    # ... resolves the answered thread on version 2 and forwards with an opinion
    province.goto(url + reverse("review:version", args=[plan.pk, 2]))
    province.locator(".comment-carried", has_text=ASKED).get_by_role(
        "button", name="标记为已解决"
    ).click()
    province.wait_for_load_state("networkidle")
    province.goto(url + reverse("review:panel", args=[plan.pk]))
    act(province, plan, "forward", opinion="经审核，方案已按意见修改，同意报送国家审核。")
    expect(province.locator("[data-plan-status]")).to_have_text("已报送国家审核")

    # the national reviewer approves with an opinion on the confirmation page
    national.goto(url + reverse("review:panel", args=[plan.pk]))
    act(national, plan, "start")
    national.locator('a[href$="/review/approve/"]').click()
    national.wait_for_load_state("networkidle")
    accessible(national)
    shoot(national, f"{output_path}/approve-confirmation")
    national.locator("form[data-busy] [name=opinion]").fill(OPINION)
    national.locator("form[data-busy] button[type=submit]").click()
    national.wait_for_load_state("networkidle")
    expect(national.locator("[data-plan-status]")).to_have_text("审核通过")
    assert Plan.objects.get(pk=plan.pk).status == State.APPROVED
    approval = StatusChange.objects.filter(plan=plan, action="approve").get()
    assert approval.opinion == OPINION

    # the approved PDF's approval page prints the opinion
    expect(national.locator('#pdfs [data-pdf-state="done"]')).not_to_have_count(0, timeout=90_000)
    pdf = PdfDocument.objects.get(plan=plan, kind="approved")
    path = tmp_path / "approved.pdf"
    with pdf.file.open("rb") as source:
        path.write_bytes(source.read())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace("\n", "")
    assert "审核结论" in text
    assert "审核意见：" + OPINION in text.replace(" ", "")
