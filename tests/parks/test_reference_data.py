"""Reference data (provinces, the 174 national high-tech zones, the national body) and demo data:
both commands can run again without creating anything twice or undoing admins' edits."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from parks import services
from parks.models import NationalBody, Park, ParkProfile, Province, User
from portal.demo.park import DEMO_PASSWORD, DEMO_USERS
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
SHARED_DOMAIN = REPO / ".." / "shared" / "domain"


@pytest.fixture(autouse=True)
def demo_mode(settings):
    """seed_demo runs only on a demo (DEMO=true, as `make run` and compose's demo profile ask)."""
    settings.DEMO = True


def _run(command: str) -> str:
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int, int]:
    return (
        Province.objects.count(),
        Park.objects.count(),
        NationalBody.objects.count(),
        ParkProfile.objects.count(),
    )


def test_load_parks_loads_provinces_parks_and_the_national_bodies(db):
    # when the reference data is loaded into an empty database
    output = _run("load_parks")

    # then there are 32 provinces, 174 parks each with an information draft, and 2 national bodies
    assert _counts() == (32, 174, 2, 174)
    assert "parks +174" in output
    # every park sits in a province with a reviewing body
    assert not Park.objects.filter(province__reviewing_body="").exists()
    # the national body's name changed in November 2023; the newer one comes first
    assert list(NationalBody.objects.values_list("name", flat=True)) == [
        "工业和信息化部火炬高技术产业开发中心",
        "科学技术部火炬高技术产业开发中心",
    ]


def test_load_parks_twice_creates_nothing_new(db):
    # given the reference data loaded once
    _run("load_parks")
    before = _counts()

    # when it is loaded again
    output = _run("load_parks")

    # then nothing was added
    assert _counts() == before
    assert output.strip() == "provinces +0, parks +0, national bodies +0"


def test_load_parks_does_not_recreate_a_park_an_admin_renamed(db):
    # given the reference data loaded, and an admin who renamed a park in the portal
    _run("load_parks")
    admin = UserFactory(national_admin=True)
    park = Park.objects.get(name="苏州工业园区")
    services.park_update(actor=admin, park=park, name="中国—新加坡苏州工业园区")

    # when the reference data is loaded again
    _run("load_parks")

    # then the old name was not created again and the admin's name stands
    assert Park.objects.count() == 174
    assert not Park.objects.filter(name="苏州工业园区").exists()
    assert Park.objects.get(pk=park.pk).name == "中国—新加坡苏州工业园区"


def test_load_parks_keeps_a_reviewing_body_an_admin_edited(db):
    # given the reference data loaded, and an admin who renamed Jiangsu's reviewing body
    _run("load_parks")
    admin = UserFactory(national_admin=True)
    jiangsu = Province.objects.get(code="320000")
    services.province_update(actor=admin, province=jiangsu, reviewing_body="江苏省工业和信息化厅")

    # when the reference data is loaded again
    _run("load_parks")

    # then the admin's edit stands
    assert Province.objects.get(code="320000").reviewing_body == "江苏省工业和信息化厅"


def test_load_parks_copes_with_a_park_an_admin_created_under_a_reference_name(db):
    # given the provinces loaded and an admin who added a reference park by hand in the portal
    jiangsu = Province.objects.create(code="320000", name="江苏省", reviewing_body="江苏省科技厅")
    admin = UserFactory(national_admin=True)
    services.park_create(actor=admin, name="苏州工业园区", province=jiangsu, district="")

    # when the reference data is loaded
    _run("load_parks")

    # then the load completes and the park exists once
    assert Park.objects.filter(name="苏州工业园区").count() == 1
    assert Park.objects.count() == 174


def test_seed_demo_twice_keeps_the_same_users_and_prints_the_credentials_both_times(db):
    # when the demo data is seeded twice
    first = _run("seed_demo")
    users_after_first = User.objects.count()
    second = _run("seed_demo")

    # then the second run created no user and both runs print every login and the password
    assert users_after_first == len(DEMO_USERS)
    assert User.objects.count() == users_after_first
    for output in (first, second):
        assert DEMO_PASSWORD in output
        for demo in DEMO_USERS:
            assert demo.username in output
    assert first.count("created") == len(DEMO_USERS)
    assert second.count("exists") == len(DEMO_USERS)
    assert "created" not in second


@pytest.mark.parametrize("debug", [False, True])
def test_seed_demo_creates_no_user_unless_asked_for_a_demo(db, settings, debug):
    # given a deployment that did not ask for a demo (DEMO unset)
    settings.DEMO = False
    settings.DEBUG = debug

    # when seed_demo runs (as the old compose file did on every start)
    if debug:
        _run("seed_demo")
    else:
        with pytest.raises(CommandError, match="DEMO=true"):
            _run("seed_demo")

    # then with DEBUG=false it refused and no user with the published password exists; a
    # developer's machine (DEBUG=true) still gets the demo
    assert User.objects.exists() is debug


def test_seed_demo_users_can_log_in_with_the_printed_password(db, client):
    # given the demo data seeded
    _run("seed_demo")

    # then each demo user logs in with the printed password, on the login page
    for demo in DEMO_USERS:
        response = client.post(
            reverse("login"), {"username": demo.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, demo.username
        client.logout()


def test_seed_demo_fills_the_demo_park_information_once(db):
    # given the demo data seeded twice
    _run("seed_demo")
    _run("seed_demo")

    # then the demo park's information was saved once, complete with its seal
    from parks.profile import completeness

    profile = ParkProfile.objects.get(park__seed_key="苏州工业园区")
    assert profile.revision == 1
    assert profile.seal.name.startswith("seals/")
    assert completeness(profile).is_complete


@pytest.mark.parametrize("name", ["parks.csv", "provinces.csv"])
def test_reference_csv_is_a_byte_for_byte_copy_of_the_shared_domain_file(name):
    # given the shared domain folder next to the repository
    shared = SHARED_DOMAIN / name
    if not SHARED_DOMAIN.is_dir():
        pytest.skip(f"{SHARED_DOMAIN.resolve()} does not exist: no shared domain data to compare")

    # then the app's copy is identical to it
    assert (REPO / "parks" / "data" / name).read_bytes() == shared.read_bytes()
