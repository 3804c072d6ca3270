"""The review page of a frozen version renders its document once (review.version_page): later
requests, by anyone, take it from the shared cache and fill in their own comment threads, so a
comment written since shows at once and each reader sees the forms their rights give."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import selectors
from review.models import Version
from review.services import comment_post
from tests.review.helpers import act, text_of
from tests.spies import calls_of


def version_url(plan, number: int = 1) -> str:
    return reverse("review:version", args=[plan.pk, number])


@pytest.fixture
def submitted(world, ready_plan):
    cache.clear()
    act(ready_plan, world, "submit", "manager_a")
    act(ready_plan, world, "start", "reviewer_a")
    return ready_plan


@pytest.fixture
def builds(monkeypatch):
    """How many times a version's document was built."""
    return calls_of(monkeypatch, selectors, "version_document", lambda version: version.pk)


def test_the_document_is_built_once_for_every_reader(world, client_for, submitted, builds):
    # when the reviewer, the park's editor and the national reviewer open version 1
    pages = [
        client_for(user).get(version_url(submitted)).content.decode()
        for user in (world.reviewer_a, world.editor_a, world.national, world.reviewer_a)
    ]

    # then the document was built once, and each page shows the frozen plan
    assert builds == [Version.objects.get(plan=submitted).pk]
    for html in pages:
        assert "一、园区基本信息" in text_of(html)
        assert "<!--thread" not in html


def test_a_comment_written_since_shows_in_the_cached_document(world, client_for, submitted):
    client = client_for(world.reviewer_a)
    client.get(version_url(submitted))

    # when the reviewer comments on a key task after the page was first made
    version = Version.objects.get(plan=submitted)
    task = version.frozen.rows("tasks")[0]
    comment_post(
        version=version,
        actor=world.reviewer_a,
        body="请补充年度量化目标。",
        anchor=f"row:tasks:{task.id}",
    )
    html = client.get(version_url(submitted)).content.decode()

    # then it stands in the task's row of the document
    row = html.split(f'data-anchor="row:tasks:{task.id}"', 1)[1].split("</tr>", 1)[0]
    assert "请补充年度量化目标。" in row


def test_each_reader_gets_the_forms_of_their_rights(world, client_for, submitted):
    reviewer = client_for(world.reviewer_a).get(version_url(submitted)).content.decode()
    editor = client_for(world.editor_a).get(version_url(submitted)).content.decode()

    # the reviewer may comment on every section, the park's editor on none
    assert reviewer.count('name="anchor" value="section:') > 20
    assert 'name="anchor"' not in editor
    # and a task row without a thread is a row of its own only where a comment can be written
    assert reviewer.count('class="doc-anchor-row"') > editor.count('class="doc-anchor-row"') == 0


@pytest.fixture
def summaries(monkeypatch):
    """How many times a version's summary for the reviewer was read from its snapshot."""
    return calls_of(monkeypatch, selectors, "version_summary", lambda version: version.pk)


def test_the_summary_is_read_once_and_the_snapshot_not_again(
    world, client_for, submitted, summaries
):
    client_for(world.reviewer_a).get(version_url(submitted))
    client = client_for(world.national)
    client.get(version_url(submitted))  # this reader's first visit writes their reading

    # when the page is opened again, by another reader
    with CaptureQueriesContext(connection) as captured:
        html = client.get(version_url(submitted)).content.decode()

    # then the summary was read from the snapshot once, and no query read the snapshot
    assert summaries == [Version.objects.get(plan=submitted).pk]
    assert not [q for q in captured if "snapshot" in q["sql"]]
    assert 'id="summary-title"' in html
    assert reverse("summaries:peers", args=[submitted.pk, 1]) in html


def test_what_can_change_stays_out_of_the_cached_parts(world, client_for, submitted):
    client_for(world.reviewer_a).get(version_url(submitted))
    # when the submitter renames themselves after the page was cached
    world.manager_a.full_name = "改名后的经理"
    world.manager_a.save(update_fields=["full_name"])
    html = client_for(world.reviewer_a).get(version_url(submitted)).content.decode()

    # then the page names them as they are called now
    assert "改名后的经理" in text_of(html)


def test_the_threads_are_kept_and_a_warm_reading_does_not_read_the_comments(
    world, client_for, submitted
):
    client = client_for(world.reviewer_a)
    client.get(version_url(submitted))

    with CaptureQueriesContext(connection) as captured:
        html = client.get(version_url(submitted)).content.decode()

    assert not [q for q in captured if "review_comment" in q["sql"]]
    assert html.count('name="anchor" value="section:') > 20


def test_comments_published_by_a_return_reach_the_park_on_the_kept_page(
    world, client_for, submitted
):
    version = Version.objects.get(plan=submitted)
    comment_post(
        version=version, actor=world.reviewer_a, body="请核对基准值。", anchor="section:1.1"
    )
    # the park's editor reads the page before the return: the comment is not sent yet
    editor = client_for(world.editor_a)
    assert "请核对基准值。" not in editor.get(version_url(submitted)).content.decode()

    # when the reviewer returns the version (its comments are published by one UPDATE)
    act(submitted, world, "return", "reviewer_a")

    # then the park's next reading shows the comment
    assert "请核对基准值。" in editor.get(version_url(submitted)).content.decode()


def test_a_reply_posted_from_the_kept_page_carries_the_readers_token_and_comes_back(
    world, submitted
):
    version = Version.objects.get(plan=submitted)
    thread = comment_post(version=version, actor=world.reviewer_a, body="请补充。", anchor="plan")
    path = version_url(submitted) + "?from=queue"
    for user in (world.national, world.reviewer_a):  # a first reader keeps the threads
        reader = Client(enforce_csrf_checks=True)
        reader.force_login(user)
        html = reader.get(path).content.decode()

    # the reviewer's reply form holds their own CSRF token and this page's address
    form = html.split(f'name="parent" value="{thread.pk}"', 1)[0].rsplit("<form", 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert not re.search(r"csrf-[0-9a-f]{32}|/back-[0-9a-f]{32}/|plan-thread-end", html)
    # the token stands in the forms' hidden fields and nowhere else (not in a link of the text)
    assert html.count(token) == html.count(f'name="csrfmiddlewaretoken" value="{token}"') > 1
    assert 'name="next" value="/' in html and "?from=queue" in html

    response = reader.post(
        reverse("review:comment-post", args=[submitted.pk, 1]),
        {"parent": thread.pk, "body": "已补充。", "next": path, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(path + "#c-")
    assert "已补充。" in reader.get(path).content.decode()


# --- what the page keeps between readings (review.selectors) ------------------------------------


def test_a_warm_reading_reads_the_plans_state_only_not_the_version(
    world, client_for, submitted, shared_cache
):
    client = client_for(world.reviewer_a)
    client.get(version_url(submitted))  # the first visit records the reading (forgets them)
    client.get(version_url(submitted))

    with CaptureQueriesContext(connection) as captured:
        html = client.get(version_url(submitted)).content.decode()

    sql = " ".join(q["sql"] for q in captured)
    plans = [q["sql"] for q in captured if 'FROM "plans_plan"' in q["sql"]]
    # the plan's state alone (its notices follow it), not the plan with its park and cycle
    assert len(plans) == 1 and '"plans_plan"."park_id"' not in plans[0], plans
    assert 'FROM "review_version"' not in sql and 'FROM "review_versionreading"' not in sql
    assert 'FROM "parks_user"' not in sql  # the submitter's name is kept too
    assert submitted.park.name in text_of(html)
    assert world.manager_a.display_name in text_of(html)


def test_a_renamed_submitter_is_named_anew_at_the_next_reading(
    world, client_for, submitted, shared_cache, writes
):
    client = client_for(world.reviewer_a)
    assert world.manager_a.display_name in text_of(
        client.get(version_url(submitted)).content.decode()
    )

    world.manager_a.full_name = "改名后的园区管理员"
    writes(lambda: world.manager_a.save(update_fields=["full_name"]))

    assert "改名后的园区管理员" in text_of(client.get(version_url(submitted)).content.decode())


def test_a_reviewer_moved_to_another_province_no_longer_finds_the_kept_version(
    world, client_for, submitted, shared_cache, writes
):
    client = client_for(world.reviewer_a)
    assert client.get(version_url(submitted)).status_code == 200

    world.reviewer_a.province = world.province_b
    writes(lambda: world.reviewer_a.save(update_fields=["province"]))

    assert client.get(version_url(submitted)).status_code == 404


def test_a_version_read_is_remembered_at_once_by_the_kept_readings(
    world, client_for, submitted, shared_cache
):
    # given a reviewer whose readings of the plan were kept before they opened version 1
    version = Version.objects.get(plan=submitted, number=1)
    assert selectors.readings_up_to(user=world.reviewer_a, version=version) == set()

    # when they open it
    client_for(world.reviewer_a).get(version_url(submitted))

    # then the kept readings have it
    assert selectors.readings_up_to(user=world.reviewer_a, version=version) == {1}
