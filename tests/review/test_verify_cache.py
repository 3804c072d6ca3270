"""The verification page keeps what it reads from a version's snapshot (is it intact, the park's
name in it) in the shared cache, keyed by the version, its hash and what tells its row as stored
(on PostgreSQL the row version, elsewhere a digest of the snapshot); everything else it says
(state, approval, a later version) is read on every request, so nothing it shows can go stale."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.status import State
from review.models import Version
from tests.review.helpers import PATHS, act, text_of


def verify(client, version) -> str:
    return client.get(reverse("review:verify", args=[version.content_hash])).content.decode()


@pytest.fixture
def submitted(world, ready_plan):
    cache.clear()
    act(ready_plan, world, "submit", "manager_a")
    return Version.objects.get(plan=ready_plan)


def test_the_snapshot_is_read_once(client, submitted):
    verify(client, submitted)

    with CaptureQueriesContext(connection) as captured:
        html = verify(client, submitted)

    assert 'data-verified="yes"' in html
    reads = [q["sql"] for q in captured if "review_version" in q["sql"]]
    assert len(reads) == 1  # the versions with the hash, not their snapshots
    assert '"review_version"."snapshot" FROM' not in reads[0]


def test_a_decision_after_the_page_was_cached_shows_at_once(
    world, client, submitted, national_bodies
):
    assert "审核通过" not in text_of(verify(client, submitted))

    plan = submitted.plan
    for action, persona in PATHS[State.APPROVED][1:]:
        act(plan, world, action, persona)

    assert "审核通过" in text_of(verify(client, submitted))


def test_a_snapshot_changed_in_place_after_the_page_was_cached_is_flagged(client, submitted):
    assert 'data-verified="yes"' in verify(client, submitted)

    snapshot = submitted.snapshot
    snapshot["indicators"][0]["baseline"] = "0.01"
    Version.objects.filter(pk=submitted.pk).update(snapshot=snapshot)

    html = verify(client, submitted)
    assert 'data-verified="no"' in html
    assert "已与其哈希不符" in text_of(html)


def test_a_renamed_park_shows_its_name_at_the_time_and_its_province_now(world, client, submitted):
    verify(client, submitted)
    world.park_a.province.name = "改名后的省"
    world.park_a.province.save(update_fields=["name"])

    assert "改名后的省" in text_of(verify(client, submitted))
