"""A submitted version is read exactly as it was frozen, whatever happened to the draft since;
it exists only for those who may see the plan; the panel lists versions with short hashes."""

import hashlib

import pytest
from django.urls import reverse

from plans import services as plan_services
from plans.models import Figure, Section
from plans.rows import ALL_KINDS
from plans.status import State
from review.models import Comment, Version
from review.services import comment_resolve
from tests.review.helpers import act, links_of, panel_url, text_of, walk

BEFORE = "提交时的社会发展情况：园区常住人口约113万人。"
AFTER = "退回后改写的社会发展情况：园区常住人口约115万人。"


def version_url(plan, number: int) -> str:
    return reverse("review:version", args=[plan.pk, number])


def write_section(plan, key: str, text: str, actor) -> None:
    section = Section.objects.get(plan=plan, key=key)
    plan_services.section_save(
        plan=plan,
        key=key,
        body=f"<p>{text}</p>",
        is_done=True,
        expected_revision=section.revision,
        actor=actor,
    )


@pytest.fixture
def returned_and_revised(world, ready_plan):
    """Version 1 submitted with BEFORE in 1.2, the plan returned, the draft rewritten to AFTER."""
    write_section(ready_plan, "1.2", BEFORE, world.editor_a)
    walk(ready_plan, world, State.RETURNED)
    write_section(ready_plan, "1.2", AFTER, world.editor_a)
    return ready_plan


@pytest.mark.parametrize("persona", ["editor_a", "manager_a", "reviewer_a", "national"])
def test_version_page_shows_the_frozen_text_after_the_draft_changed(
    world, client_for, returned_and_revised, persona
):
    # given version 1 submitted with BEFORE, and the draft since rewritten to AFTER
    plan = returned_and_revised
    client = client_for(getattr(world, persona))

    # when the user opens version 1, and the draft's preview
    version = client.get(version_url(plan, 1))
    preview = client.get(reverse("documents:preview", args=[plan.pk]))

    # then the version shows what was submitted, the preview what the draft says now
    assert version.status_code == 200
    text = text_of(version.content.decode())
    assert BEFORE in text
    assert AFTER not in text
    assert AFTER in text_of(preview.content.decode())
    # ... and says it is frozen, with its full hash
    v1 = Version.objects.get(plan=plan, number=1)
    assert f"第 1 版，由 {world.manager_a.display_name} 于" in text
    assert "该版本已冻结，之后对草稿的修改不会影响它。" in text
    assert f"内容哈希值： {v1.content_hash}" in text


def test_version_page_shows_a_frozen_figure_after_it_was_deleted_from_the_draft(
    world, client_for, returned_and_revised
):
    # given the figure of version 1, deleted from the returned draft
    plan = returned_and_revised
    figure = Figure.objects.filter(plan=plan).first()
    frozen = next(
        f
        for f in Version.objects.get(plan=plan, number=1).snapshot["figures"]
        if f["id"] == figure.pk
    )
    plan_services.row_delete(
        kind=ALL_KINDS["figures"], row=figure, actor=world.editor_a, expected_revision=0
    )
    client = client_for(world.reviewer_a)

    # when the reviewer opens version 1 and its image
    page = client.get(version_url(plan, 1))
    image = client.get(reverse("review:version-file", args=[plan.pk, 1, "figures", figure.pk]))

    # then the figure is there as it was submitted
    assert frozen["caption"] in text_of(page.content.decode())
    assert image.status_code == 200
    assert hashlib.sha256(b"".join(image.streaming_content)).hexdigest() == frozen["sha256"]
    image.close()


@pytest.mark.parametrize("persona", ["editor_b", "reviewer_b"])
def test_version_of_another_park_does_not_exist_for_its_outsiders(
    world, client_for, returned_and_revised, persona
):
    plan = returned_and_revised
    client = client_for(getattr(world, persona))
    figure_id = Version.objects.get(plan=plan, number=1).snapshot["figures"][0]["id"]

    statuses = [
        client.get(version_url(plan, 1)).status_code,
        client.get(
            reverse("review:version-file", args=[plan.pk, 1, "figures", figure_id])
        ).status_code,
    ]

    assert statuses == [404, 404]


def test_version_that_was_never_submitted_does_not_exist(world, client_for, ready_plan):
    act(ready_plan, world, "submit", "manager_a")

    response = client_for(world.editor_a).get(version_url(ready_plan, 2))

    assert response.status_code == 404


def test_panel_lists_every_version_with_its_short_hash(world, client_for, returned_and_revised):
    # given version 1, and version 2 submitted after the park answered the return
    plan = returned_and_revised
    for comment in Comment.objects.all():
        comment_resolve(comment=comment, actor=world.manager_a)
    act(plan, world, "submit", "manager_a")
    v1, v2 = Version.objects.filter(plan=plan).order_by("number")

    # when the park manager opens the review panel
    html = client_for(world.manager_a).get(panel_url(plan)).content.decode()

    # then both versions are linked, each with the first 12 characters of its hash, newest first
    links = links_of(html)
    assert links["v1"] == version_url(plan, 1)
    assert links["v2"] == version_url(plan, 2)
    assert v1.content_hash != v2.content_hash
    assert f'<code class="small">{v1.content_hash[:12]}</code>' in html
    assert f'<code class="small">{v2.content_hash[:12]}</code>' in html
    assert v1.content_hash not in html
    assert html.index(v2.content_hash[:12]) < html.index(v1.content_hash[:12])
    assert "已提交版本" in text_of(html)


def test_panel_says_there_is_no_version_before_the_first_submission(world, client_for, ready_plan):
    html = client_for(world.manager_a).get(panel_url(ready_plan)).content.decode()

    versions = html.split('id="versions-title"')[1].split("</section>")[0]
    assert "暂无。" in text_of(versions)


def test_a_comment_of_another_plan_cannot_be_resolved_through_ones_own_version(
    world, client_for, ready_plan
):
    # given park A's submitted version 1, and park B's version with a reviewer's comment
    from review.services import comment_add, version_freeze
    from tests.factories import PlanFactory

    act(ready_plan, world, "submit", "manager_a")
    plan_b = PlanFactory(park=world.park_b)
    comment_b = comment_add(
        version=version_freeze(plan=plan_b, actor=world.editor_b),
        actor=world.reviewer_b,
        body="滨江概况请补充。",
    )

    # when park A's manager resolves it through park A's own version
    response = client_for(world.manager_a).post(
        reverse("review:comment-resolve", args=[ready_plan.pk, 1, comment_b.pk]), {"resolved": "1"}
    )

    # then it does not exist for them, and stays open
    assert response.status_code == 404
    assert Comment.objects.get(pk=comment_b.pk).is_resolved is False


def test_the_comparison_starts_from_the_last_version_the_reviewer_read(
    world, client_for, returned_and_revised
):
    # given the province's reviewer read version 1, then the park resubmitted twice
    plan = returned_and_revised
    reviewer = client_for(world.reviewer_a)
    reviewer.get(version_url(plan, 1))
    for comment in Comment.objects.filter(version__plan=plan, parent=None):
        comment_resolve(comment=comment, actor=world.reviewer_a)
    act(plan, world, "submit", "manager_a")
    act(plan, world, "withdraw", "manager_a")
    act(plan, world, "submit", "manager_a")
    assert plan.versions.count() == 3

    # when the reviewer opens what changed in version 3, and someone who never read any
    mine = reviewer.get(reverse("review:version-diff", args=[plan.pk, 3]))
    fresh = client_for(world.national).get(reverse("review:version-diff", args=[plan.pk, 3]))

    # then the reviewer's comparison starts from version 1, the other one's from version 2
    assert mine.context["base"].number == 1
    assert fresh.context["base"].number == 2
