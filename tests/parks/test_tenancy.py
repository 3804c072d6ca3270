"""Tenancy: outside one's scope park data does not exist (404); province pages are not park data,
so there a missing right answers 403. Also: views reach the database only through selectors and
services."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from parks import services
from parks.models import AuditEntry, Park, ParkProfile, Province, User
from tests.factories import ParkFactory
from tests.parks.helpers import seal_png, upload

REPO = Path(__file__).resolve().parents[2]

# Every URL whose route carries an integer id, and how to fill it with something that belongs to
# park B. A new URL with an id must be added here (test_every_url_with_an_id_is_in_the_map).
PARK_DATA_URLS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "parks:park-detail": lambda w: {"park_pk": w.park_b.pk},
    "parks:park-update": lambda w: {"park_pk": w.park_b.pk},
    "parks:profile-edit": lambda w: {"park_pk": w.park_b.pk},
    "parks:seal": lambda w: {"park_pk": w.park_b.pk},
    "parks:park-audit": lambda w: {"park_pk": w.park_b.pk},
    "parks:user-update": lambda w: {"pk": w.editor_b.pk},
    "parks:user-invite": lambda w: {"pk": w.editor_b.pk},
}
# Pages with an id that are not park data: a park user lacks the right (403), see below.
NOT_PARK_DATA_URLS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "parks:province-update": lambda w: {"pk": w.province_b.pk},
}


# A POST that would change park B's data if any of these views let it through.
HOSTILE_POST = {
    "revision": "0",
    "address": "越权写入的地址",
    "name": "越权改名高新区",
    "province": "",
    "reviewing_body": "越权审核单位",
    "username": "hijacked",
    "full_name": "越权",
    "email": "hijacked@example.cn",
    "role": "national_admin",
}


def _int_id_patterns(patterns=None, namespace=""):
    """(qualified name, URL pattern) for every route in the project with an integer kwarg."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _int_id_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            converters = entry.pattern.converters
            if any(isinstance(c, IntConverter) for c in converters.values()):
                name = f"{namespace}{entry.name}" if entry.name else str(entry.pattern)
                yield name, entry


def _accepts_post(url: str) -> bool:
    return hasattr(resolve(url).func.view_class, "post")


def test_every_url_with_an_id_is_in_the_map():
    # given every route of the project with an integer id
    found = dict(_int_id_patterns())

    # when compared with the map of how to fill the id
    mapped = PARK_DATA_URLS.keys() | NOT_PARK_DATA_URLS.keys()

    # then each is covered (a new page with an id must say what it belongs to) and none is stale
    assert found, "the walk found no route with an integer id at all"
    assert not found.keys() - mapped, (
        "new URL(s) with an id: add them to PARK_DATA_URLS or NOT_PARK_DATA_URLS in "
        f"{Path(__file__).name}: {sorted(found.keys() - mapped)}"
    )
    assert not mapped - found.keys(), f"map names URLs that no longer exist: {mapped - found}"


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
@pytest.mark.parametrize(
    "url_name",
    [pytest.param(name) for name in PARK_DATA_URLS],
)
def test_park_a_staff_get_404_on_every_page_of_park_b(
    world, client_for, django_capture_on_commit_callbacks, url_name, persona
):
    # given park B with data behind every page (a seal, an audit row) and park A staff logged in
    services.park_profile_save(
        park=world.park_b,
        actor=world.editor_b,
        data={"address": "滨江区网商路 599 号"},
        expected_revision=0,
        seal=upload("seal.png", seal_png(), "image/png"),
    )
    before = (AuditEntry.objects.count(), ParkProfile.objects.get(park=world.park_b).revision)
    url = reverse(url_name, kwargs=PARK_DATA_URLS[url_name](world))
    client = client_for(getattr(world, persona))

    # when they GET the page, and POST to it where the view accepts POST
    with django_capture_on_commit_callbacks(execute=True):
        statuses = {"GET": client.get(url).status_code}
        if _accepts_post(url):
            statuses["POST"] = client.post(url, HOSTILE_POST).status_code

    # then the page does not exist for them and nothing of park B changed
    assert statuses == dict.fromkeys(statuses, 404)
    assert (AuditEntry.objects.count(), ParkProfile.objects.get(park=world.park_b).revision) == (
        before
    )
    assert Park.objects.get(pk=world.park_b.pk).name == world.park_b.name
    assert User.objects.get(pk=world.editor_b.pk).role == world.editor_b.role
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
@pytest.mark.parametrize("own_province", [False, True])
def test_park_staff_get_403_on_province_pages(world, client_for, persona, own_province):
    # given a province page (not park data: any province, even their own, is outside their rights)
    kwargs = NOT_PARK_DATA_URLS["parks:province-update"](world)
    if own_province:
        kwargs = {"pk": world.province_a.pk}
    target = Province.objects.get(pk=kwargs["pk"])
    url = reverse("parks:province-update", kwargs=kwargs)
    client = client_for(getattr(world, persona))

    # when park staff GET and POST it
    got = client.get(url)
    posted = client.post(url, {"reviewing_body": "越权审核单位"})

    # then the answer is a missing right, and the reviewing body is untouched
    assert (got.status_code, posted.status_code) == (403, 403)
    assert Province.objects.get(pk=target.pk).reviewing_body == target.reviewing_body


def test_provincial_reviewer_sees_parks_of_their_province_only(world, client_for):
    # given the reviewer of province A (park A's province)
    client = client_for(world.reviewer_a)

    # when they open both parks' detail pages
    park_a = client.get(reverse("parks:park-detail", args=[world.park_a.pk]))
    park_b = client.get(reverse("parks:park-detail", args=[world.park_b.pk]))

    # then park A is there and park B does not exist for them
    assert park_a.status_code == 200
    assert world.park_a.name in park_a.content.decode()
    assert park_b.status_code == 404


def test_national_reviewer_sees_parks_of_every_province(world, client_for):
    # given a national reviewer
    client = client_for(world.national)

    # when they open both parks' detail pages
    statuses = [
        client.get(reverse("parks:park-detail", args=[park.pk])).status_code
        for park in (world.park_a, world.park_b)
    ]

    # then both are there
    assert statuses == [200, 200]


def test_park_list_shows_park_staff_only_their_own_park(world, client_for):
    # given a second park in park A's province
    neighbour = ParkFactory(name="苏州高新技术产业开发区", province=world.province_a)

    # when park A's editor opens the park list
    response = client_for(world.editor_a).get(reverse("parks:park-list"))

    # then only park A is listed, not its neighbour nor park B
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [world.park_a]
    html = response.content.decode()
    assert world.park_a.name in html
    assert neighbour.name not in html
    assert world.park_b.name not in html


def test_park_list_shows_a_provincial_reviewer_every_park_of_their_province(world, client_for):
    # given a second park in park A's province
    neighbour = ParkFactory(name="苏州高新技术产业开发区", province=world.province_a)

    # when province A's reviewer opens the park list
    response = client_for(world.reviewer_a).get(reverse("parks:park-list"))

    # then both parks of province A are listed, park B is not
    assert set(response.context["object_list"]) == {world.park_a, neighbour}
    assert world.park_b.name not in response.content.decode()


def _app_view_files() -> list[Path]:
    files = []
    for app in ("parks", "plans", "indicators", "review", "portal"):
        root = REPO / app
        files += [p for p in root.rglob("views.py") if "migrations" not in p.parts]
        files += [p for p in root.rglob("views/*.py")]
    return sorted(set(files))


def test_views_reach_the_database_only_through_selectors_and_services():
    # given every views module of the project's apps
    files = _app_view_files()
    assert REPO / "parks" / "views.py" in files
    assert REPO / "portal" / "views.py" in files

    # when their source is read as text
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".objects." in line
    ]

    # then none queries a model manager directly
    assert offenders == [], "views must use selectors/services:\n" + "\n".join(offenders)


def _store_seal(world, content: bytes) -> None:
    services.park_profile_save(
        park=world.park_a,
        actor=world.editor_a,
        data={},
        expected_revision=0,
        seal=upload("seal.png", content, "image/png"),
    )


def test_other_park_editor_gets_404_on_the_seal(world, client_for):
    # given park A has a seal
    _store_seal(world, seal_png())

    # when park B's editor asks for it
    response = client_for(world.editor_b).get(reverse("parks:seal", args=[world.park_a.pk]))

    # then it does not exist for them
    assert response.status_code == 404


def test_park_editor_gets_their_seal_image(world, client_for):
    # given park A has a seal
    content = seal_png()
    _store_seal(world, content)

    # when park A's editor asks for it
    response = client_for(world.editor_a).get(reverse("parks:seal", args=[world.park_a.pk]))

    # then the image comes back as it was uploaded
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content
    response.close()


def test_anonymous_visitor_is_sent_to_login_for_the_seal(world, client):
    # given park A has a seal
    _store_seal(world, seal_png())

    # when someone not logged in asks for it
    response = client.get(reverse("parks:seal", args=[world.park_a.pk]))

    # then they are sent to log in
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
