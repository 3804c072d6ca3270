"""Submitting: the checklist keeps an incomplete plan back and says where to fix it; a clean plan
is frozen as an immutable version (snapshot and content hash), the province is told, and the
draft is locked until the plan comes back or is withdrawn."""

import copy
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.freeze import content_hash, file_digest, plan_snapshot
from indicators import services as indicator_services
from indicators.models import PlanIndicator, TableData
from notifications.models import Notification
from parks import services as park_services
from plans import services as plan_services
from plans.models import Figure, KeyTask, Section
from plans.rows import ALL_KINDS, ROW_KINDS
from plans.status import State
from review.models import Comment, StatusChange, Version
from review.selectors import submission_checklist
from review.services import TransitionRefused, comment_post
from tests.factories import UserFactory
from tests.review.helpers import (
    act,
    field_errors,
    links_of,
    messages_of,
    panel_url,
    status_of,
    text_of,
    transition_url,
)

LOCKED = "方案当前状态为“已提交省级审核”，暂不能修改。"


def section_of(plan, key: str) -> Section:
    return Section.objects.get(plan=plan, key=key)


def write_section(plan, key: str, body: str, actor, *, is_done=True) -> None:
    plan_services.section_save(
        plan=plan,
        key=key,
        body=body,
        is_done=is_done,
        expected_revision=section_of(plan, key).revision,
        actor=actor,
    )


def write_table(plan, table: str, values: dict, actor) -> None:
    record = TableData.objects.filter(plan=plan, table=table).first()
    indicator_services.table_save(
        plan=plan,
        table_key=table,
        values=values,
        expected_revision=record.revision if record else 0,
        actor=actor,
    )


def indicator_of(plan, code: str) -> PlanIndicator:
    return PlanIndicator.objects.get(plan=plan, indicator__code=code)


def update_indicator(plan, code: str, data: dict, actor) -> None:
    row = indicator_of(plan, code)
    plan_services.row_update(
        kind=ALL_KINDS["indicators"],
        row=row,
        actor=actor,
        data=data,
        expected_revision=row.revision,
    )


# --- the checklist ----------------------------------------------------------------------------


def _clear_head_mobile(plan, world):
    profile = park_services.park_profile_get_or_create(park=world.park_a)
    park_services.park_profile_save(
        park=world.park_a,
        actor=world.manager_a,
        data={"head_mobile": ""},
        expected_revision=profile.revision,
    )
    return (
        "园区基本信息：缺少“园区管理机构负责人 · 手机”。",
        reverse("parks:profile-edit", args=[world.park_a.pk]) + "#id_head_mobile",
    )


def _empty_section_5_2(plan, world):
    write_section(plan, "5.2", "", world.editor_a, is_done=False)
    return ("“5.2  政策支持保障”尚未填写。", reverse("plans:section-edit", args=[plan.pk, "5.2"]))


def _drop_a_justification(plan, world):
    update_indicator(plan, "co2_intensity_cut_rate", {"justifications": {}}, world.editor_a)
    return (
        "指标“单位工业增加值二氧化碳排放量年均削减率”：2021、2022、2023、2024、2025年目标劣于"
        "基准值（5.15），与指标方向（越高越好）相反。 请填写情况说明。",
        reverse("indicators:indicator-list", args=[plan.pk]),
    )


def _empty_energy_table(plan, world):
    write_table(plan, "energy", {}, world.editor_a)
    return (
        "数据表“规模以上工业分品种能源消费量”尚未填写。",
        reverse("indicators:data", args=[plan.pk]),
    )


GAPS = {
    "incomplete park information": _clear_head_mobile,
    "empty required section": _empty_section_5_2,
    "unjustified indicator warning": _drop_a_justification,
    "empty required data table": _empty_energy_table,
}


@pytest.mark.parametrize("gap", GAPS)
def test_checklist_names_each_missing_item_with_a_link_to_fix_it(
    world, client_for, ready_plan, gap
):
    # given the ready plan with one thing taken away
    message, url = GAPS[gap](ready_plan, world)

    # when the checklist is read, and the park manager opens the review panel
    checklist = submission_checklist(ready_plan)
    page = client_for(world.manager_a).get(panel_url(ready_plan))

    # then that one item is listed with where to fix it, and the submit button is disabled
    assert [(item.message, item.url) for item in checklist] == [(message, url)]
    html = page.content.decode()
    assert links_of(html)[text_of(message)] == url
    assert "还有 1 项须先完成或说明" in text_of(html)
    assert re.search(r'<button type="button" class="btn btn-success" disabled>', html)
    assert "/review/submit/" not in html


def test_checklist_of_a_ready_plan_is_empty_and_the_panel_says_it_can_be_submitted(
    world, client_for, ready_plan
):
    page = client_for(world.manager_a).get(panel_url(ready_plan))

    assert submission_checklist(ready_plan) == []
    html = page.content.decode()
    assert "必填内容均已完成，方案可以提交。" in text_of(html)
    assert "提交省级审核" in text_of(html)
    assert re.search(r'<a class="btn btn-success"\s+href="[^"]*/review/submit/"', html)
    assert not re.search(r'<button type="button" class="btn btn-success" disabled>', html)


def test_editor_is_told_the_park_manager_submits_the_ready_plan(world, client_for, ready_plan):
    # when the park editor, who cannot submit, opens the panel of the ready plan
    text = text_of(client_for(world.editor_a).get(panel_url(ready_plan)).content.decode())

    # then it does not say "can be submitted" with no button, but who submits it
    assert "可以提交。" not in text
    assert "必填内容均已完成，请园区负责人提交方案。" in text
    assert "提交省级审核" not in text


def test_editor_is_told_who_submits_while_items_are_missing(world, client_for, plan_in):
    # given a plan just started
    plan = plan_in(State.DRAFT)

    # when the park editor opens the panel
    text = text_of(client_for(world.editor_a).get(panel_url(plan)).content.decode())

    # then the checklist is there, and the page says who submits the plan
    assert "须先完成或说明" in text
    assert "方案由园区负责人提交。" in text


def test_checklist_of_a_plan_just_started_lists_every_kind_of_gap(world, plan_in):
    # given park A's plan just started, its park information not filled in, and the required
    # indicators put in by the indicators page
    plan = plan_in(State.DRAFT)
    indicator_services.plan_indicators_ensure(plan=plan)

    # when the checklist is read
    checklist = submission_checklist(plan)
    urls = {item.url for item in checklist}

    # then it points at the park information, the sections, the indicators and the data tables
    assert any(u.startswith(reverse("parks:profile-edit", args=[world.park_a.pk])) for u in urls)
    assert reverse("plans:section-edit", args=[plan.pk, "1.1"]) in urls
    assert reverse("indicators:indicator-list", args=[plan.pk]) in urls
    assert reverse("indicators:data", args=[plan.pk]) in urls
    assert "指标“单位工业增加值综合能耗”尚未填写基准值或目标值。" in {i.message for i in checklist}
    assert all(re.search(r"[\u4e00-\u9fff]", item.message) for item in checklist)


def test_checklist_lists_a_required_indicator_the_plan_does_not_have(world, ready_plan):
    # given the catalogue makes an indicator required that the ready plan does not have
    from indicators.models import Indicator

    taken = PlanIndicator.objects.filter(plan=ready_plan).values_list("indicator", flat=True)
    optional = Indicator.objects.filter(required=False, is_active=True).exclude(pk__in=taken)[0]
    Indicator.objects.filter(pk=optional.pk).update(required=True)

    # when the checklist is read
    checklist = submission_checklist(ready_plan)

    # then the missing required indicator is on it, with a link to the indicators page
    assert any(optional.name in item.message for item in checklist)
    assert reverse("indicators:indicator-list", args=[ready_plan.pk]) in {i.url for i in checklist}


@pytest.mark.parametrize("gap", GAPS)
def test_submit_is_refused_while_the_checklist_is_not_clean(
    world, client_for, ready_plan, django_capture_on_commit_callbacks, gap
):
    # given the ready plan with one thing taken away
    GAPS[gap](ready_plan, world)

    # when the park manager submits through the service, and through the panel
    with pytest.raises(TransitionRefused) as refused:
        act(ready_plan, world, "submit", "manager_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.manager_a).post(
            transition_url(ready_plan, "submit"), {"declared": "on"}
        )

    # then both are refused in Chinese, and nothing was frozen, recorded or sent
    assert refused.value.messages == ["方案暂不能提交：还有 1 项缺失或未说明。"]
    assert field_errors(response) == {"__all__": ["方案暂不能提交：还有 1 项缺失或未说明。"]}
    assert status_of(ready_plan) == State.DRAFT
    assert Version.objects.count() == StatusChange.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


# --- submitting -------------------------------------------------------------------------------


def test_submit_freezes_version_1_and_tells_the_province(
    world, client_for, ready_plan, django_capture_on_commit_callbacks
):
    # given a second active and an inactive reviewer in park A's province
    colleague = UserFactory(province_reviewer=True, province=world.province_a, username="js2")
    UserFactory(province_reviewer=True, province=world.province_a, username="js3", is_active=False)
    expected_snapshot = plan_snapshot(ready_plan)

    # when the park manager submits from the review panel
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.manager_a).post(
            transition_url(ready_plan, "submit"), {"declared": "on"}
        )

    # then the plan is submitted ...
    assert response.status_code == 302
    assert messages_of(response) == ["已完成：提交省级审核。"]
    assert status_of(ready_plan) == State.SUBMITTED
    # ... as version 1, frozen as the plan was, with the hash of its canonical JSON
    version = Version.objects.get(plan=ready_plan)
    assert (version.number, version.submitted_by) == (1, world.manager_a)
    assert version.snapshot == expected_snapshot
    assert re.fullmatch(r"[0-9a-f]{64}", version.content_hash)
    assert version.content_hash == content_hash(version.snapshot)
    assert version.snapshot["park"]["name"] == "苏州工业园区"
    assert version.snapshot["park"]["seal"]["sha256"]
    assert version.snapshot["sections"]["1.1"]["body"] == section_of(ready_plan, "1.1").body
    # ... on the timeline, by the manager acting for the park
    change = StatusChange.objects.get(plan=ready_plan)
    assert (change.action, change.source, change.target) == ("submit", "draft", "submitted")
    assert (change.actor, change.actor_name, change.acting_body, change.version) == (
        world.manager_a,
        world.manager_a.display_name,
        "苏州工业园区",
        version,
    )
    # ... and the province's active reviewers are told, in the portal and by e-mail
    told = Notification.objects.filter(kind=Notification.Kind.SUBMITTED)
    assert sorted(n.user.username for n in told) == sorted(["reviewer_a", colleague.username])
    notice = f"苏州工业园区：已提交省级审核（{world.manager_a.display_name}）"
    assert {n.message for n in told} == {notice}
    assert {n.url for n in told} == {reverse("review:panel", args=[ready_plan.pk])}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["reviewer_a@example.cn", colleague.email]
    )
    assert {m.subject for m in mail.outbox} == {f"高新区绿色发展行动方案平台：{notice}"}
    link = settings.SITE_URL.rstrip("/") + reverse("review:panel", args=[ready_plan.pk])
    assert all(link in m.body for m in mail.outbox)


def test_submit_tells_nobody_outside_the_province(
    world, ready_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"reviewer_a"}
    assert [m.to for m in mail.outbox] == [["reviewer_a@example.cn"]]


# --- the draft is locked while submitted ------------------------------------------------------


def _save_section(plan, world):
    write_section(plan, "1.2", "<p>提交后改写的社会发展内容。</p>", world.editor_a)


def _add_task(plan, world):
    plan_services.row_create(
        kind=ROW_KINDS["tasks"],
        plan=plan,
        actor=world.editor_a,
        data={"name": "提交后新增的重点任务", "group": "emission", "content": "新增。"},
    )


def _save_table(plan, world):
    values = copy.deepcopy(TableData.objects.get(plan=plan, table="water").values)
    first_row = next(iter(values))
    values[first_row]["2020"] = "1"
    write_table(plan, "water", values, world.editor_a)


def _add_indicator(plan, world):
    indicator_services.plan_indicator_add(
        plan=plan, actor=world.editor_a, custom_name="提交后新增的指标", custom_direction="lower"
    )


def _delete_figure(plan, world):
    figure = Figure.objects.filter(plan=plan).first()
    plan_services.row_delete(
        kind=ALL_KINDS["figures"], row=figure, actor=world.editor_a, expected_revision=0
    )


LOCKED_WRITES = {
    "section_save": _save_section,
    "row_create": _add_task,
    "table_save": _save_table,
    "plan_indicator_add": _add_indicator,
    "row_delete": _delete_figure,
}


@pytest.mark.parametrize("write", LOCKED_WRITES)
def test_the_draft_is_locked_while_submitted(world, ready_plan, write):
    # given the park's submitted plan
    act(ready_plan, world, "submit", "manager_a")
    before = content_hash(plan_snapshot(ready_plan))
    tasks = KeyTask.objects.count()

    # when the park's editor changes the draft
    with pytest.raises(ValidationError) as refused:
        LOCKED_WRITES[write](ready_plan, world)

    # then it is refused in Chinese, and the draft is as it was submitted
    assert refused.value.messages == [LOCKED]
    assert "暂不能修改" in refused.value.messages[0]
    assert content_hash(plan_snapshot(ready_plan)) == before
    assert KeyTask.objects.count() == tasks


def test_section_edit_page_sends_the_editor_to_the_preview_while_submitted(
    world, client_for, ready_plan
):
    # given the park's submitted plan
    act(ready_plan, world, "submit", "manager_a")
    client = client_for(world.editor_a)

    # when the editor opens a section's editor
    response = client.get(reverse("plans:section-edit", args=[ready_plan.pk, "1.2"]))

    # then they land on the preview, told that the plan cannot be changed now
    assert response.status_code == 302
    assert response.url == reverse("documents:preview", args=[ready_plan.pk])
    assert messages_of(response) == ["方案当前状态为“已提交省级审核”：可以查看，但不能修改。"]
    preview = client.get(response.url)
    assert "不能修改" in text_of(preview.content.decode())


def test_section_post_while_submitted_changes_nothing(world, client_for, ready_plan):
    act(ready_plan, world, "submit", "manager_a")
    section = section_of(ready_plan, "1.2")

    response = client_for(world.editor_a).post(
        reverse("plans:section-edit", args=[ready_plan.pk, "1.2"]),
        {"body": "<p>越过锁定写入</p>", "revision": section.revision, "is_done": "on"},
    )

    assert response.status_code in (200, 302, 403)
    assert section_of(ready_plan, "1.2").body == section.body


# --- withdrawing ------------------------------------------------------------------------------


def test_withdraw_before_the_review_starts_returns_the_plan_to_the_draft(world, ready_plan):
    # given the park's submitted plan, not yet opened by the province
    act(ready_plan, world, "submit", "manager_a")

    # when the park manager withdraws it
    change = act(ready_plan, world, "withdraw", "manager_a")

    # then it is a draft again, editable, and no new version was made
    assert status_of(ready_plan) == State.DRAFT
    assert (change.source, change.target, change.acting_body) == (
        "submitted",
        "draft",
        "苏州工业园区",
    )
    assert list(Version.objects.values_list("number", flat=True)) == [1]
    write_section(ready_plan, "1.2", "<p>撤回后修改的内容。</p>", world.editor_a)
    assert "撤回后修改的内容" in section_of(ready_plan, "1.2").body


def test_withdraw_after_the_review_started_is_refused(world, ready_plan):
    # given the park's plan the province has started reviewing
    act(ready_plan, world, "submit", "manager_a")
    act(ready_plan, world, "start", "reviewer_a")

    # when the park manager tries to withdraw it
    with pytest.raises(TransitionRefused) as refused:
        act(ready_plan, world, "withdraw", "manager_a")

    # then it is refused, and the review goes on
    assert refused.value.messages == ["当前不能执行此操作：方案状态为“省级审核中”。"]
    assert status_of(ready_plan) == State.PROVINCE_REVIEW


def test_resubmitting_after_a_withdrawal_makes_version_2(world, ready_plan):
    act(ready_plan, world, "submit", "manager_a")
    act(ready_plan, world, "withdraw", "manager_a")

    act(ready_plan, world, "submit", "manager_a")

    assert list(Version.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert status_of(ready_plan) == State.SUBMITTED


# --- a submitted version never changes --------------------------------------------------------


def test_version_1_stays_as_submitted_while_the_returned_draft_is_revised(
    world, ready_plan, django_capture_on_commit_callbacks
):
    # given version 1 as submitted, and the plan returned to the park
    act(ready_plan, world, "submit", "manager_a")
    v1 = Version.objects.get(plan=ready_plan, number=1)
    frozen, frozen_hash = copy.deepcopy(v1.snapshot), v1.content_hash
    walk_back = [("start", "reviewer_a"), ("return", "reviewer_a")]
    for action, persona in walk_back:
        act(ready_plan, world, action, persona)
    figure = Figure.objects.filter(plan=ready_plan).first()
    frozen_figure = next(f for f in frozen["figures"] if f["id"] == figure.pk)

    # when the park revises the draft: a section, a table value, an indicator target, a figure
    write_section(ready_plan, "1.2", "<p>退回后重写的社会发展情况。</p>", world.editor_a)
    _save_table(ready_plan, world)
    targets = {**indicator_of(ready_plan, "energy_intensity_iav").targets, "2025": "0.1400"}
    update_indicator(ready_plan, "energy_intensity_iav", {"targets": targets}, world.editor_a)
    plan_services.row_delete(
        kind=ALL_KINDS["figures"], row=figure, actor=world.editor_a, expected_revision=0
    )

    # then version 1 is exactly what was submitted, and its hash still verifies
    v1 = Version.objects.get(plan=ready_plan, number=1)
    assert v1.snapshot == frozen
    assert v1.content_hash == frozen_hash == content_hash(v1.snapshot)
    # ... its figure file is still there, unchanged
    figure.image.name = frozen_figure["file"]
    assert file_digest(figure.image) == frozen_figure["sha256"]
    # ... while the draft has moved on
    draft = plan_snapshot(ready_plan)
    assert draft["sections"]["1.2"]["body"] != frozen["sections"]["1.2"]["body"]
    assert figure.pk not in {f["id"] for f in draft["figures"]}

    # when the park answers the reviewer's comment and resubmits
    comment = Comment.objects.get(version=v1)
    comment_post(
        version=v1,
        actor=world.editor_a,
        body="已核对并修改基准值。",
        anchor=comment.anchor,
        parent=comment,
    )
    assert submission_checklist(ready_plan) == []
    act(ready_plan, world, "submit", "manager_a")

    # then version 2 holds the revision, under a different hash; version 1 is untouched
    v2 = Version.objects.get(plan=ready_plan, number=2)
    assert v2.content_hash != frozen_hash
    assert v2.content_hash == content_hash(v2.snapshot)
    assert "退回后重写的社会发展情况" in v2.snapshot["sections"]["1.2"]["body"]
    indicators = {i["code"]: i for i in v2.snapshot["indicators"]}
    assert indicators["energy_intensity_iav"]["targets"]["2025"] == "0.1400"
    assert Version.objects.get(plan=ready_plan, number=1).snapshot == frozen


def test_the_snapshot_hash_is_the_sha256_of_canonical_json(ready_plan):
    # given the plan's snapshot, and the same content with its keys in another order
    snapshot = plan_snapshot(ready_plan)
    reordered = dict(reversed(list(snapshot.items())))

    # then the hash does not depend on key order, and a single changed character changes it
    assert content_hash(reordered) == content_hash(snapshot)
    changed = copy.deepcopy(snapshot)
    changed["sections"]["1.2"]["body"] += "。"
    assert content_hash(changed) != content_hash(snapshot)


def test_reviewer_who_turned_off_submission_mail_is_told_only_in_the_portal(
    world, ready_plan, django_capture_on_commit_callbacks
):
    # given province A's reviewer turned off e-mail for submissions
    from notifications.services import email_preference_save

    email_preference_save(user=world.reviewer_a, muted=[Notification.Kind.SUBMITTED])

    # when the park submits
    with django_capture_on_commit_callbacks(execute=True):
        act(ready_plan, world, "submit", "manager_a")

    # then the notification is in the portal, and no e-mail was sent
    assert Notification.objects.filter(user=world.reviewer_a).count() == 1
    assert mail.outbox == []
