"""A report is called a report (issue 16): the pages, messages, refusals, banners and
notifications that plans and reports share name the report (报告, its title) when the document
is one, and still say 方案 for the plan. What means the followed plan (已批准的行动方案) may
name it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from plans import services as plan_services
from plans.models import Plan, Section, document_title
from plans.status import State
from portal.demo.reports import _write_report  # the report filled in as the demo fills it
from reports import schedule
from reports.selectors import report_title
from reports.services import report_start
from review.models import Comment
from review.selectors import submission_checklist
from review.services import comment_resolve
from tests.review.helpers import (
    ACTION_DATA,
    field_errors,
    messages_of,
    panel_url,
    text_of,
    transition_url,
)

TITLE = "2024年度绿色发展行动方案实施情况报告"
NAMED = f"苏州工业园区《{TITLE}》"  # how a notification names the park's report


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2026, 1, 5)
    )


@pytest.fixture
def approved(plan_in):
    return plan_in(State.APPROVED, ready=True)


@pytest.fixture
def report(world, approved):
    """Park A's 2024 implementation report, started from the approved plan, still empty."""
    return report_start(plan=approved, kind="annual", data_year=2024, actor=world.editor_a)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def post(client, plan, action, **data):
    return client.post(transition_url(plan, action), {**ACTION_DATA.get(action, {}), **data})


def told(user) -> str:
    return Notification.objects.filter(user=user).latest("pk").message


# --- one way to name a document ----------------------------------------------------------------


def test_a_document_is_named_in_one_place(world, approved, report):
    # the title, the noun, the name in a notification and the line of the plan's reports
    assert (report.title, str(report.noun), report.display_name) == (TITLE, "报告", NAMED)
    assert str(report) == f"苏州工业园区 · {TITLE}"
    owed = schedule.Owed(kind="annual", data_year=2024, due=datetime.date(2025, 3, 31))
    assert report_title(owed) == "2024年度实施情况报告"
    assert document_title("final", cycle=world.cycle) == (
        f"绿色发展五年行动方案（{world.cycle.name}）终期评估报告"
    )
    # the plan keeps its words
    assert (approved.title, str(approved.noun), approved.display_name) == (
        f"绿色发展五年行动方案（{world.cycle.name}）",
        "方案",
        "苏州工业园区",
    )


# --- the report's way through the workflow, as its people take it -------------------------------


def test_the_report_is_called_a_report_from_submission_to_approval(
    world, report, client_for, django_capture_on_commit_callbacks
):
    # given an empty report: the editor reads who submits it, the manager is refused
    editor = client_for(world.editor_a)
    panel = text_of(page(editor, panel_url(report)))
    assert "报告由园区负责人提交。" in panel
    assert "暂无 PDF：报告提交时将自动生成。" in panel
    assert f"提交与审核 · {NAMED}" in panel  # the page's title
    manager = client_for(world.manager_a)
    refused = post(manager, report, "submit")
    missing = len(submission_checklist(report))
    assert field_errors(refused) == {
        "__all__": [f"报告暂不能提交：还有 {missing} 项缺失或未说明。"]
    }

    # when the park fills it in and the manager submits
    _write_report(report, 2024, world.editor_a)
    assert submission_checklist(report) == []
    confirm = text_of(page(manager, transition_url(report, "submit")))
    assert f"报告 苏州工业园区 · {TITLE}" in confirm  # what is sent
    with django_capture_on_commit_callbacks(execute=True):
        post(manager, report, "submit")
    assert Plan.objects.get(pk=report.pk).status == State.SUBMITTED

    # then the province is told which of the park's submissions it is, in the portal and by mail
    assert told(world.reviewer_a) == f"{NAMED}：已提交省级审核（{world.manager_a.display_name}）"
    assert any(TITLE in m.subject for m in mail.outbox)
    # ... and the park can no longer change it
    editing = client_for(world.editor_a).get(
        reverse("plans:section-edit", args=[report.pk, "overview"])
    )
    assert messages_of(editing)[-1] == "报告当前状态为“已提交省级审核”：可以查看，但不能修改。"
    section = Section.objects.get(plan=report, key="overview")
    with pytest.raises(plan_services.ValidationError) as locked:
        plan_services.section_save(
            plan=report,
            key="overview",
            body="<p>改</p>",
            is_done=True,
            expected_revision=section.revision,
            actor=world.editor_a,
        )
    assert locked.value.messages == ["报告当前状态为“已提交省级审核”，暂不能修改。"]

    # the province starts; the admin gives it to the province's reviewer, who is told
    reviewer = client_for(world.reviewer_a)
    post(reviewer, report, "start")
    client_for(world.admin).post(
        reverse("review:assign", args=[report.pk]), {"reviewer": world.reviewer_a.pk}
    )
    assert told(world.reviewer_a) == (f"{NAMED}：{world.admin.display_name} 将该报告分配给您审核")

    # returning without a comment is refused, naming the report; with one it is returned
    reviewer = client_for(world.reviewer_a)
    assert "对报告整体的意见" in text_of(
        page(reviewer, reverse("review:version", args=[report.pk, 1]))
    )
    refused = post(reviewer, report, "return", comment="")
    assert field_errors(refused)["comment"] == ["退回报告至少需要一条意见。"]
    post(reviewer, report, "return")
    assert Plan.objects.get(pk=report.pk).status == State.RETURNED
    assert told(world.editor_a).startswith(f"{NAMED}：退回修改（")

    # the province cannot forward what is back with the park, nor assign it
    refused = reviewer.get(transition_url(report, "forward"))
    assert messages_of(refused)[-1] == "当前不能执行此操作：报告状态为“退回修改”。"
    assigning = reviewer.post(reverse("review:assign", args=[report.pk]), {"reviewer": ""})
    assert messages_of(assigning)[-1] == "只有处于审核阶段的报告才能分配审核人。"

    # the park reads the banner, answers and resubmits
    editor = client_for(world.editor_a)
    detail = text_of(page(editor, reverse("plans:plan-detail", args=[report.pk])))
    assert "本报告已于" in detail and "被江苏省科学技术厅退回修改" in detail
    assert f"{TITLE} · 苏州工业园区" in detail  # the page's title
    for comment in Comment.objects.filter(version__plan=report, parent__isnull=True):
        comment_resolve(comment=comment, actor=world.editor_a)
    detail = text_of(page(editor, reverse("plans:plan-detail", args=[report.pk])))
    assert "所有意见均已答复或解决，报告可以重新提交。" in detail
    assert "本方案" not in detail
    post(client_for(world.manager_a), report, "submit")
    assert Plan.objects.get(pk=report.pk).status == State.SUBMITTED

    # the province forwards, the nation approves
    reviewer = client_for(world.reviewer_a)
    post(reviewer, report, "start")
    post(reviewer, report, "forward")
    national = client_for(world.national)
    post(national, report, "start")
    approved = post(national, report, "approve")
    assert messages_of(approved)[-1] == "已完成：审核通过。"
    assert Plan.objects.get(pk=report.pk).status == State.APPROVED
    assert told(world.editor_a).startswith(f"{NAMED}：审核通过")

    # reopening asks why the approved report is reopened
    refused = post(national, report, "reopen", note="")
    assert field_errors(refused) == {"note": ["请说明重新打开已通过报告的原因。"]}

    # whoever holds the PDF can check it is the report
    version = report.versions.order_by("-number").first()
    verified = text_of(
        page(client_for(world.editor_b), reverse("review:verify", args=[version.content_hash]))
    )
    assert f"文件 {TITLE}" in verified


def test_the_plan_still_says_plan(world, plan_in, client_for):
    # given park A's plan, not ready
    plan = plan_in(State.DRAFT)

    # when the editor reads the panel and the manager tries to submit
    panel = text_of(page(client_for(world.editor_a), panel_url(plan)))
    refused = post(client_for(world.manager_a), plan, "submit")

    # then the messages say 方案
    assert "方案由园区负责人提交。" in panel
    assert "暂无 PDF：方案提交时将自动生成。" in panel
    assert "提交与审核 · 苏州工业园区 ·" in panel
    missing = len(submission_checklist(plan))
    assert field_errors(refused) == {
        "__all__": [f"方案暂不能提交：还有 {missing} 项缺失或未说明。"]
    }
    assert "《" not in panel.split("·")[1]  # the page's title names the park alone
