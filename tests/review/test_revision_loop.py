"""A returned plan says so where the park works: the notice on its pages, the sections with
comments to answer marked 待修改 (and not counted as complete), the comments beside the part they
are about, answered there; the notification leads straight to the first comment."""

from django.urls import reverse

from notifications.models import Notification
from plans.selectors import plan_outline_status
from plans.status import State
from review.models import Comment
from review.services import comment_post
from tests.review.helpers import RETURN_OPINION, act, text_of, walk

COMMENT_ON_1_1 = "1.1 请补充园区概况数据。"


def _returned_with_a_comment_on_1_1(plan, world):
    walk(plan, world, State.PROVINCE_REVIEW)
    version = plan.versions.get()
    comment = comment_post(
        version=version,
        actor=world.reviewer_a,
        body=COMMENT_ON_1_1,
        anchor="section:1.1",
    )
    act(plan, world, "return", "reviewer_a", comment="")
    comment.refresh_from_db()
    plan.refresh_from_db()
    return comment


def test_a_returned_plan_says_so_on_its_outline_with_reasons_and_opinion(
    world, client_for, ready_plan
):
    # given park A's plan returned with a comment on section 1.1
    _returned_with_a_comment_on_1_1(ready_plan, world)

    # when its editor opens the outline
    page = client_for(world.editor_a).get(reverse("plans:plan-detail", args=[ready_plan.pk]))
    text = text_of(page.content.decode())

    # then the notice says who returned it, why, the opinion, and what to do
    assert "本方案已于" in text and "江苏省科学技术厅退回修改" in text
    assert "退回原因：基准值与数据表不一致" in text
    assert f"审核意见：{RETURN_OPINION}" in text
    assert "有 1 条意见待答复" in text
    # ... and section 1.1 is 待修改, not complete
    assert "待修改 1" in text


def test_a_section_to_revise_does_not_count_as_complete(world, ready_plan):
    before = plan_outline_status(ready_plan)
    _returned_with_a_comment_on_1_1(ready_plan, world)

    after = plan_outline_status(ready_plan)

    assert after.by_key["1.1"].state == "to_revise"
    assert after.by_key["1.1"].to_revise == 1
    assert after.complete_count == before.complete_count - 1
    assert after.percent < 100


def test_the_park_answers_beside_the_section_and_the_mark_goes(world, client_for, ready_plan):
    # given the returned plan, and the section editor of 1.1 as the park editor sees it
    comment = _returned_with_a_comment_on_1_1(ready_plan, world)
    client = client_for(world.editor_a)
    editor_url = reverse("plans:section-edit", args=[ready_plan.pk, "1.1"])
    editor = client.get(editor_url)
    assert reverse("review:part-threads", args=[ready_plan.pk]) in editor.content.decode()

    # when the panel beside the editor is loaded, and the park answers there
    panel = client.get(
        reverse("review:part-threads", args=[ready_plan.pk]), {"parts": "1.1", "next": editor_url}
    )
    assert COMMENT_ON_1_1 in text_of(panel.content.decode())
    answered = client.post(
        reverse("review:comment-post", args=[ready_plan.pk, 1]),
        {"parent": comment.pk, "body": "已补充园区概况数据。", "next": editor_url},
    )

    # then the park is back in the editor at the thread, the answer is recorded, 1.1 no longer
    # waits for it, and the notice says the plan can be resubmitted
    assert answered.status_code == 302
    assert answered.url == f"{editor_url}#c-{comment.pk}"
    assert Comment.objects.filter(parent=comment, body="已补充园区概况数据。").exists()
    assert plan_outline_status(ready_plan).by_key["1.1"].state != "to_revise"
    outline = client.get(reverse("plans:plan-detail", args=[ready_plan.pk]))
    assert "所有意见均已答复或解决，方案可以重新提交。" in text_of(outline.content.decode())


def test_the_panel_shows_only_the_parts_asked_for(world, client_for, ready_plan):
    _returned_with_a_comment_on_1_1(ready_plan, world)

    panel = client_for(world.editor_a).get(
        reverse("review:part-threads", args=[ready_plan.pk]), {"parts": "2.1"}
    )

    assert COMMENT_ON_1_1 not in text_of(panel.content.decode())
    assert "本部分没有审核意见。" in text_of(panel.content.decode())


def test_a_foreign_next_is_ignored(world, client_for, ready_plan):
    comment = _returned_with_a_comment_on_1_1(ready_plan, world)

    answered = client_for(world.editor_a).post(
        reverse("review:comment-post", args=[ready_plan.pk, 1]),
        {"parent": comment.pk, "body": "答复", "next": "https://example.invalid/x"},
    )

    assert answered.url.startswith(reverse("review:version", args=[ready_plan.pk, 1]))


def test_the_return_notification_leads_to_the_first_comment_beside_its_section(world, ready_plan):
    comment = _returned_with_a_comment_on_1_1(ready_plan, world)

    returned = Notification.objects.filter(user=world.editor_a, kind=Notification.Kind.RETURNED)

    assert [n.url for n in returned] == [
        reverse("plans:section-edit", args=[ready_plan.pk, "1.1"]) + f"#c-{comment.pk}"
    ]
