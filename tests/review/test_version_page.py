"""The review page of a frozen version renders its document once (review.version_page): later
requests, by anyone, take it from the shared cache and fill in their own comment threads, so a
comment written since shows at once and each reader sees the forms their rights give."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import selectors
from review.models import Version
from review.services import comment_post
from tests.review.helpers import act, text_of


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
    calls = []
    build = selectors.version_document

    def counted(version):
        calls.append(version.pk)
        return build(version)

    monkeypatch.setattr(selectors, "version_document", counted)
    return calls


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
    calls = []
    read = selectors.version_summary

    def counted(version):
        calls.append(version.pk)
        return read(version)

    monkeypatch.setattr(selectors, "version_summary", counted)
    return calls


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
