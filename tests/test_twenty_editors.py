"""Twenty editors, one record (issue 17): twenty saves of the same section, the same park
information form and the same table row, all from the same revision, racing through the real
views on PostgreSQL (each thread its own connection, released together by a barrier). Exactly
one wins; the nineteen others get the conflict answer with what is stored now; nothing is
overwritten and the winner's text is what is stored. Runs in CI; skipped with a reason where
DATABASE_URL does not point at PostgreSQL (SQLite serialises every write)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from parks.models import AuditEntry, ParkProfile
from parks.services import park_profile_get_or_create
from plans import services
from plans.models import Section
from tests.factories import KeyTaskFactory, PlanFactory, UserFactory
from tests.live import require
from tests.parks.helpers import TYPED_PROFILE, profile_url

pytestmark = [pytest.mark.live_services, pytest.mark.django_db(transaction=True)]

EDITORS = 20
ROW_CONFLICT = "其他用户已先保存了这一行"
PROFILE_CONFLICT = "其他用户已先保存"


@pytest.fixture
def editors(world):
    """Twenty editors of park A, each logged in in a browser of their own."""
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    clients = []
    for number in range(EDITORS):
        user = UserFactory(park_editor=True, park=world.park_a, username=f"editor_{number:02}")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def race(clients, send) -> list:
    """`send(number, client)` from every client at once (threads released by one barrier);
    the responses, in the clients' order."""
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)
    errors: list = []

    def editor(number: int, client: Client) -> None:
        try:
            barrier.wait(timeout=60)
            responses[number] = send(number, client)
        except Exception as error:  # reported by the test, not lost in a thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [
        threading.Thread(target=editor, args=(number, client))
        for number, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return responses


def audit_updates(model: str, pk: int) -> int:
    return AuditEntry.objects.filter(
        target_type__model=model, target_id=str(pk), action="update"
    ).count()


def test_twenty_autosaves_of_one_section_from_one_revision_one_wins(world, editors):
    # given a section at revision 1
    plan = PlanFactory(park=world.park_a)
    services.section_save(
        plan=plan, key="preface", body="<p>初稿</p>", expected_revision=0, actor=world.editor_a
    )
    url = reverse("plans:section-autosave", args=[plan.pk, "preface"])

    # when twenty editors autosave their own text from revision 1 at the same moment
    responses = race(
        editors,
        lambda n, client: client.post(url, {"body": f"<p>第 {n} 位编辑的文字</p>", "revision": 1}),
    )

    # then exactly one is saved, and nineteen get the conflict (409)
    codes = [response.status_code for response in responses]
    assert sorted(codes) == [200] + [409] * (EDITORS - 1)
    winner = codes.index(200)
    # and the stored text is the winner's, at revision 2, with one audit row for it
    stored = Section.objects.get(plan=plan, key="preface")
    assert (stored.body, stored.revision) == (f"<p>第 {winner} 位编辑的文字</p>", 2)
    assert audit_updates("section", stored.pk) == 2  # the first draft's, and the winner's
    # and every loser is told, with the stored text to compare (theirs stays in their editor)
    for response in responses:
        if response.status_code == 409:
            answer = response.json()
            assert answer["conflict"] is True
            assert (answer["revision"], answer["body"]) == (2, stored.body)


def test_twenty_saves_of_the_park_information_from_one_revision_one_wins(world, editors):
    # given the park information form at its current revision
    revision = park_profile_get_or_create(park=world.park_a).revision

    # when twenty editors save their own address from that revision at the same moment
    responses = race(
        editors,
        lambda n, client: client.post(
            profile_url(world.park_a),
            {**TYPED_PROFILE, "address": f"星湖街 {n} 号", "revision": revision},
        ),
    )

    # then exactly one is saved (redirected), and nineteen see the conflict page
    codes = [response.status_code for response in responses]
    assert sorted(codes) == [200] * (EDITORS - 1) + [302]
    winner = codes.index(302)
    for response in responses:
        if response.status_code == 200:
            assert PROFILE_CONFLICT in response.content.decode()
    # and what is stored is the winner's, one revision on, with one audit row
    stored = ParkProfile.objects.get(park=world.park_a)
    assert (stored.address, stored.revision) == (f"星湖街 {winner} 号", revision + 1)
    assert audit_updates("parkprofile", stored.pk) == 1


def test_twenty_saves_of_one_table_row_from_one_revision_one_wins(world, editors):
    # given a key task at revision 0
    plan = PlanFactory(park=world.park_a)
    task = KeyTaskFactory(plan=plan, department="经济发展局")
    url = reverse("plans:row-edit", args=[plan.pk, "tasks", task.pk])
    typed = {
        "name": task.name,
        "group": task.group,
        "content": task.content or "开展节能诊断。",
        "leader": "王副主任",
        "revision": "0",
    }

    # when twenty editors save their own department from revision 0 at the same moment
    responses = race(
        editors,
        lambda n, client: client.post(url, {**typed, "department": f"第 {n} 科室"}),
    )

    # then exactly one is saved, and nineteen see the conflict with what is stored now
    assert all(response.status_code == 200 for response in responses)
    conflicted = [ROW_CONFLICT in response.content.decode() for response in responses]
    assert conflicted.count(False) == 1
    winner = conflicted.index(False)
    task.refresh_from_db()
    assert (task.department, task.revision) == (f"第 {winner} 科室", 1)
    assert audit_updates("keytask", task.pk) == 1
    for response in responses:
        if ROW_CONFLICT in response.content.decode():
            assert f"第 {winner} 科室" in response.content.decode()
