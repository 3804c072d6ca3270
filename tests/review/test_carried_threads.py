"""Threads carry forward: on a later version's page a reviewer reads each thread of the earlier
versions at its part, with the park's answers and what changed in that part since, and resolves
it there; resolved threads stay readable, folded; the decision counts the open threads of every
version; the page costs the same number of queries however many threads it shows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.selectors import unread_count
from parks.models import User
from plans import services as plan_services
from plans.models import GroupMember
from plans.rows import ROW_KINDS
from plans.status import State
from review.models import Comment
from review.selectors import readings_up_to
from review.services import comment_post
from review.version_page import comments_changed
from tests.review.helpers import (
    ADDED,
    ANSWERED,
    ASKED,
    act,
    links_of,
    resubmitted_with_a_thread,
    text_of,
    walk,
)


def version_url(plan, number: int) -> str:
    return reverse("review:version", args=[plan.pk, number])


def thread_html(html: str, comment) -> str:
    """The thread's own markup on a version page (up to the next part's threads)."""
    return html.split(f'id="c-{comment.pk}"', 1)[1].split("data-anchor=", 1)[0]


def test_a_reviewer_on_v2_reads_the_v1_thread_with_the_answer_and_the_change(
    world, client_for, ready_plan
):
    # given a comment on 1.2 of version 1, answered by the park, and 1.2 changed in version 2
    comment = resubmitted_with_a_thread(ready_plan, world)

    # when the province's reviewer opens version 2
    html = client_for(world.reviewer_a).get(version_url(ready_plan, 2)).content.decode()

    # then the thread is at section 1.2, with the park's answer and what changed since
    assert 'data-anchor="section:1.2">' in html.split(f'id="c-{comment.pk}"')[0][-400:]
    thread = thread_html(html, comment)
    text = text_of(thread)
    assert "第1版的意见" in text
    assert ASKED in text and ANSWERED in text
    assert "自第1版以来的修改" in text
    inserted = [text_of(i) for i in re.findall(r"<ins>(.*?)</ins>", thread, flags=re.S)]
    assert inserted == [ADDED]
    # ... and can be answered and resolved from here, on the version it belongs to
    assert reverse("review:comment-resolve", args=[ready_plan.pk, 1, comment.pk]) in thread


def test_an_unchanged_part_says_so(world, client_for, ready_plan):
    comment = resubmitted_with_a_thread(ready_plan, world, change_section=False)

    html = client_for(world.reviewer_a).get(version_url(ready_plan, 2)).content.decode()

    assert "此部分未修改。" in text_of(thread_html(html, comment))


def test_resolving_the_v1_thread_on_the_v2_page_works_and_folds_it(world, client_for, ready_plan):
    # given the carried thread on version 2's page
    comment = resubmitted_with_a_thread(ready_plan, world)
    reviewer = client_for(world.reviewer_a)
    page = version_url(ready_plan, 2)

    # when the reviewer resolves it there
    response = reviewer.post(
        reverse("review:comment-resolve", args=[ready_plan.pk, 1, comment.pk]),
        {"resolved": "1", "next": page},
    )

    # then they are back on version 2 at the thread, it is resolved, and it stays readable,
    # folded
    assert response.status_code == 302
    assert response.url == f"{page}#c-{comment.pk}"
    assert Comment.objects.get(pk=comment.pk).is_resolved is True
    html = reviewer.get(page).content.decode()
    assert re.search(rf'<details class="comment comment-resolved" id="c-{comment.pk}">', html)
    assert ANSWERED in text_of(thread_html(html, comment))


def test_the_park_answers_a_carried_thread_from_the_v2_page(world, client_for, ready_plan):
    comment = resubmitted_with_a_thread(ready_plan, world)
    page = version_url(ready_plan, 2)

    response = client_for(world.manager_a).post(
        reverse("review:comment-post", args=[ready_plan.pk, 1]),
        {"parent": comment.pk, "body": "再次补充说明。", "next": page},
    )

    assert response.url == f"{page}#c-{comment.pk}"
    assert Comment.objects.filter(parent=comment, body="再次补充说明。").exists()


def test_a_thread_whose_part_was_removed_shows_with_the_plan_as_a_whole(
    world, client_for, ready_plan
):
    # given a comment on a member of the leading group, removed before version 2
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    v1 = ready_plan.versions.get()
    member = GroupMember.objects.filter(plan=ready_plan).order_by("-id").first()
    comment = comment_post(
        version=v1,
        actor=world.reviewer_a,
        body="该成员职务有误。",
        anchor=f"row:members:{member.pk}",
    )
    act(ready_plan, world, "return", "reviewer_a", comment="")
    comment.refresh_from_db()
    comment_post(version=v1, actor=world.editor_a, body="已删除。", parent=comment, anchor="")
    plan_services.row_delete(
        kind=ROW_KINDS["members"], row=member, actor=world.editor_a, expected_revision=0
    )
    act(ready_plan, world, "submit", "manager_a")

    # when the reviewer opens version 2
    html = client_for(world.reviewer_a).get(version_url(ready_plan, 2)).content.decode()

    # then the thread is with the plan as a whole, saying its part is gone, and showing it
    plan_block = html.split('data-anchor="plan"', 1)[1].split("data-anchor=", 1)[0]
    text = text_of(plan_block)
    assert "该成员职务有误。" in text
    assert "本版已无此部分" in text
    assert "删除" in text


def test_the_decision_counts_open_threads_of_every_version(world, client_for, ready_plan):
    # given version 2 under review with the v1 thread still open, and one on v2
    comment = resubmitted_with_a_thread(ready_plan, world)
    act(ready_plan, world, "start", "reviewer_a")
    v2 = ready_plan.versions.get(number=2)
    comment_post(version=v2, actor=world.reviewer_a, body="第二版：请核对表3。", anchor="plan")

    # when the reviewer opens the forward decision
    page = client_for(world.reviewer_a).get(
        reverse("review:transition", args=[ready_plan.pk, "forward"])
    )
    html = page.content.decode()

    # then both threads are counted and listed, the v1 one linked to where it is read now
    open_comments = page.context["decision"].open_comments
    assert [c.version.number for c in open_comments] == [1, 2]
    assert open_comments[0].pk == comment.pk
    assert "2 条意见尚未解决" in text_of(html)
    assert f"{version_url(ready_plan, 2)}#c-{comment.pk}" in html


def _queries_of_v2(client, plan) -> int:
    """The queries of the v2 page with its threads made anew (not kept from an earlier
    reading: review.version_page), the menu's unread count and the reader's readings read once
    before (the comments notify the reader, a first visit records a reading, and with Redis both
    are kept until then: notifications.selectors, review.selectors.readings_up_to)."""
    reader = User.objects.get(pk=client.session["_auth_user_id"])
    unread_count(reader)
    readings_up_to(user=reader, version=plan.versions.get(number=2))
    comments_changed(plan.pk)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(version_url(plan, 2)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["reviewer_a", "editor_a"])
def test_the_v2_page_costs_the_same_queries_however_many_threads(
    world, client_for, ready_plan, persona
):
    # given version 2 with one thread carried from version 1
    resubmitted_with_a_thread(ready_plan, world)
    client = client_for(getattr(world, persona))
    client.get(version_url(ready_plan, 2))  # the first visit also records the reading
    one = _queries_of_v2(client, ready_plan)

    # when five more threads with answers are on version 1, and two on version 2
    v1, v2 = ready_plan.versions.order_by("number")
    anchors = [
        "section:1.1",
        "park",
        "plan",
        "section:2.1",
        f"indicator:{v1.frozen.indicators[0].id}",
    ]
    for anchor in anchors:
        thread = comment_post(version=v1, actor=world.reviewer_a, body="再议。", anchor=anchor)
        Comment.objects.filter(pk=thread.pk).update(published=True)
        thread.refresh_from_db()
        comment_post(version=v1, actor=world.editor_a, body="答复。", anchor="", parent=thread)
    for anchor in anchors[:2]:
        comment_post(version=v2, actor=world.reviewer_a, body="第二版意见。", anchor=anchor)
    many = _queries_of_v2(client, ready_plan)

    # then the page costs no more queries
    assert many == one


def test_the_v2_page_links_to_what_changed_since_the_version_the_reviewer_read(
    world, client_for, ready_plan
):
    resubmitted_with_a_thread(ready_plan, world)

    html = client_for(world.reviewer_a).get(version_url(ready_plan, 2)).content.decode()

    diff = reverse("review:version-diff", args=[ready_plan.pk, 2])
    assert links_of(html)["自第1版以来的修改"] == f"{diff}?base=1"


def test_a_carried_thread_the_reviewer_takes_up_again_waits_for_the_park(world, ready_plan):
    from review.selectors import open_comments_for_park

    # given the v1 thread answered by the park and version 2 submitted
    comment = resubmitted_with_a_thread(ready_plan, world)
    act(ready_plan, world, "start", "reviewer_a")
    assert open_comments_for_park(ready_plan) == []

    # when the reviewer, reading version 2, asks again in that thread and returns the plan
    comment_post(
        version=comment.version,
        actor=world.reviewer_a,
        body="分解仍不完整，请补充2022年。",
        anchor="section:1.2",
        parent=comment,
    )
    act(ready_plan, world, "return", "reviewer_a", comment="")

    # then the thread of version 1 waits for the park again, and resubmitting is refused
    assert open_comments_for_park(ready_plan) == [comment]
    with pytest.raises(Exception, match="方案暂不能提交"):
        act(ready_plan, world, "submit", "manager_a")

    # until the park answers it
    comment_post(
        version=comment.version,
        actor=world.editor_a,
        body="已补充2022年分解。",
        anchor="section:1.2",
        parent=comment,
    )
    assert open_comments_for_park(ready_plan) == []
    act(ready_plan, world, "submit", "manager_a")
    assert ready_plan.versions.count() == 3
