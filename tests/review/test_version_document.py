"""The review page lays a frozen version out exactly as the preview laid out the draft it was
frozen from, from the snapshot alone; comments attach only to parts the version has, labelled
by the server."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import TableData
from indicators.services import table_save
from parks.services import park_update
from plans import services as plan_services
from plans.models import KeyTask
from plans.outline import OUTLINE
from plans.rows import ROW_KINDS, kinds_in
from plans.status import State
from review.anchors import version_anchors
from review.models import Version
from review.services import comment_post
from tests.review.helpers import act, text_of, walk


def document_text(html: str) -> str:
    """The visible text of the document (the <article class="plan-document">) alone."""
    match = re.search(r'<article class="plan-document">(.*)</article>', html, flags=re.S)
    assert match, "the page has no plan document"
    return text_of(match.group(1))


def version_url(plan, number: int = 1) -> str:
    return reverse("review:version", args=[plan.pk, number])


def test_a_version_reads_exactly_as_the_preview_it_was_submitted_from(
    world, client_for, ready_plan
):
    # given the park's preview of its complete draft (sections, tables, numbers, figures, seal)
    client = client_for(world.manager_a)
    preview = client.get(reverse("documents:preview", args=[ready_plan.pk])).content.decode()

    # when the plan is submitted and the park opens the frozen version
    act(ready_plan, world, "submit", "manager_a")
    page = client.get(version_url(ready_plan)).content.decode()

    # then the document reads the same, word for word and number for number
    assert document_text(page) == document_text(preview)
    assert "表 重点任务（按年度分解）" in document_text(page)
    assert "综合能源消费量" in document_text(page)
    # and its files come from the version, not from the draft
    assert reverse("review:version-file", args=[ready_plan.pk, 1, "seals", 0]) in page
    assert reverse("plans:figure-image", args=[ready_plan.pk, 1])[:-2] not in page


def test_later_edits_of_the_draft_and_the_park_do_not_reach_the_version(
    world, client_for, ready_plan
):
    # given version 1 as a reviewer reads it
    walk(ready_plan, world, State.RETURNED)
    reviewer = client_for(world.reviewer_a)
    before = document_text(reviewer.get(version_url(ready_plan)).content.decode())
    task = KeyTask.objects.filter(plan=ready_plan).first()
    old_name = task.name

    # when, after the return, the park renames a task, changes a data table and the park is
    # renamed by an admin
    plan_services.row_update(
        kind=ROW_KINDS["tasks"],
        row=task,
        actor=world.editor_a,
        data={"name": "退回后改名的任务"},
        expected_revision=task.revision,
    )
    record = TableData.objects.get(plan=ready_plan, table="economy")
    values = {row: dict(cells) for row, cells in record.values.items()}
    values["iav"]["2020"] = "12345678"
    table_save(
        plan=ready_plan,
        table_key="economy",
        values=values,
        expected_revision=record.revision,
        actor=world.editor_a,
    )
    park_update(actor=world.admin, park=world.park_a, name="改名后的园区")

    # then version 1 still reads as submitted
    after = document_text(reviewer.get(version_url(ready_plan)).content.decode())
    assert after == before
    assert old_name in after and "退回后改名的任务" not in after
    assert "12,345,678" not in after
    assert "改名后的园区" not in after
    # while the preview shows the draft
    preview = reviewer.get(reverse("documents:preview", args=[ready_plan.pk])).content.decode()
    assert "退回后改名的任务" in document_text(preview)


def test_every_part_on_the_review_page_is_an_anchor_of_the_version(world, client_for, ready_plan):
    # given a submitted version a provincial reviewer reads
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    version = Version.objects.get(plan=ready_plan, number=1)
    page = client_for(world.reviewer_a).get(version_url(ready_plan)).content.decode()

    # when the anchors the page offers are collected
    offered = set(re.findall(r'data-anchor="([^"]+)"', page))
    anchors = version_anchors(version.frozen, version.outline_version)

    # then each is a part of the version, and every kind of part can be commented on
    assert offered <= set(anchors)
    kinds = {anchor.split(":")[0] for anchor in offered}
    assert kinds >= {"plan", "park", "section", "figure", "file", "indicator", "row", "table"}
    assert {f"row:{slug}" for slug in kinds_in(OUTLINE)} <= {
        ":".join(anchor.split(":")[:2]) for anchor in offered if anchor.startswith("row:")
    }


def test_a_comment_is_labelled_by_the_part_it_is_on(world, ready_plan):
    # given a version under provincial review
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    version = Version.objects.get(plan=ready_plan, number=1)
    task = version.snapshot["rows"]["tasks"][0]
    figure = version.snapshot["figures"][0]

    # when the reviewer comments on a task, a figure and a data table row
    on_task = comment_post(
        version=version, actor=world.reviewer_a, body="请细化。", anchor=f"row:tasks:{task['id']}"
    )
    on_figure = comment_post(
        version=version, actor=world.reviewer_a, body="图不清晰。", anchor=f"figure:{figure['id']}"
    )
    on_row = comment_post(
        version=version, actor=world.reviewer_a, body="请核对。", anchor="table:economy:iav"
    )

    # then each carries the version's own label for that part
    assert on_task.anchor_label == f"重点任务 · {task['name']}"
    assert on_figure.anchor_label == f"{figure['label']} {figure['caption']}"
    assert on_row.anchor_label == "园区主要经济指标 · 工业增加值"


@pytest.mark.parametrize("anchor", ["row:tasks:999999", "section:9.9", "figure:0", "<script>"])
def test_a_comment_on_a_part_the_version_lacks_is_refused(world, ready_plan, anchor):
    walk(ready_plan, world, State.PROVINCE_REVIEW)
    version = Version.objects.get(plan=ready_plan, number=1)

    with pytest.raises(ValidationError) as refused:
        comment_post(version=version, actor=world.reviewer_a, body="意见", anchor=anchor)

    assert "提交的版本中没有这一部分" in " ".join(refused.value.messages)
    assert not version.comments.exists()


def test_the_seal_of_a_version_is_served_to_those_who_may_read_it(world, client_for, ready_plan):
    act(ready_plan, world, "submit", "manager_a")
    url = reverse("review:version-file", args=[ready_plan.pk, 1, "seals", 0])

    mine = client_for(world.reviewer_a).get(url)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert b"".join(mine.streaming_content).startswith(b"\x89PNG")
    assert client_for(world.reviewer_b).get(url).status_code == 404
    assert client_for(world.editor_b).get(url).status_code == 404
