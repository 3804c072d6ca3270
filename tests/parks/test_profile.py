"""The park information form (template part 一): field validation shown in Chinese next to the
field with everything typed kept, drafts and completeness, lost updates, the audit trail and the
official seal upload."""

import datetime
import io

import pytest
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.concurrency import ConcurrentEditError
from parks import services
from parks.models import AuditEntry, ParkProfile
from parks.profile import completeness
from tests.parks.helpers import (
    TYPED_PROFILE,
    field_error_text,
    input_values,
    noise_png,
    profile_post,
    profile_url,
    seal_gif,
    seal_jpeg,
    seal_png,
    upload,
)

POSTCODE = "邮政编码为 6 位数字"
MOBILE = "手机号码为 11 位数字"
LANDLINE = "请填写“区号-号码”"
EMAIL = "输入一个有效的 Email 地址"
FUTURE = "日期不能晚于今天"

MOBILES = ("head_mobile", "dept_head_mobile", "contact_mobile")
LANDLINES = ("head_landline", "dept_head_landline", "contact_landline")
FAXES = ("head_fax", "dept_head_fax", "contact_fax")
EMAILS = ("head_email", "dept_head_email", "contact_email")
TOMORROW = "<tomorrow in Beijing>"


def _profile(park) -> ParkProfile:
    return ParkProfile.objects.get(park=park)


def _date(value: str) -> str:
    if value == TOMORROW:
        return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    return value


# --- validation of each kind of field ---------------------------------------------------------

GOOD_VALUES = [
    ("postcode", "215021", "215021"),
    *((field, "13812345678", "13812345678") for field in MOBILES),
    *(
        (field, typed, typed)
        for field in (*LANDLINES, *FAXES)
        for typed in ("010-12345678", "0512-6668000", "010-12345678-123")
    ),
    *((field, "lvse@gxq.example.cn", "lvse@gxq.example.cn") for field in EMAILS),
    ("founded_on", "1991-03-06", datetime.date(1991, 3, 6)),
    ("filled_on", "2024-12-31", datetime.date(2024, 12, 31)),
]


@pytest.mark.parametrize(("field", "typed", "stored"), GOOD_VALUES)
def test_valid_value_is_saved(world, client_for, field, typed, stored):
    # given park A's editor with the form open
    client = client_for(world.editor_a)

    # when they save a valid value in the field
    response = profile_post(client, world.park_a, revision=0, **{field: typed})

    # then the save goes through and the value is stored
    assert response.status_code == 302
    assert getattr(_profile(world.park_a), field) == stored


# A value that is too long gets the format's own message (with an example), not a length message.
BAD_VALUES = [
    *(("postcode", typed, POSTCODE) for typed in ("21502", "abcdef")),
    ("postcode", "2150211", POSTCODE),
    *((field, typed, MOBILE) for field in MOBILES for typed in ("12812345678", "1381234567")),
    *((field, "138123456789", MOBILE) for field in MOBILES),
    *(
        (field, typed, LANDLINE)
        for field in (*LANDLINES, *FAXES)
        for typed in ("12345678", "010 12345678x", "10-12345678")
    ),
    *(
        (field, typed, EMAIL)
        for field in EMAILS
        for typed in ("lvse-at-example.cn", "lvse@", "lvse@@gxq.example.cn")
    ),
    ("founded_on", TOMORROW, FUTURE),
    ("filled_on", TOMORROW, FUTURE),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_VALUES)
def test_invalid_value_is_refused_next_to_its_field_and_everything_typed_is_kept(
    world, client_for, field, typed, message
):
    # given park A's editor with the form open
    client = client_for(world.editor_a)
    typed = _date(typed)

    # when they save the whole form with one bad value
    response = profile_post(client, world.park_a, revision=0, **{field: typed})

    # then the draft keeps every other field, saved once, and not the bad value ...
    assert response.status_code == 200
    profile = _profile(world.park_a)
    assert profile.revision == 1
    assert getattr(profile, field) in ("", None)
    assert profile.address == TYPED_PROFILE["address"]
    assert "其余各项已于" in response.content.decode()
    # ... the Chinese message stands under that field ...
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert message in field_error_text(html, field)
    assert set(form.errors) == {field}
    # ... and every field still shows what the user typed, the bad value included
    shown = input_values(html)
    assert {f: shown.get(f) for f in TYPED_PROFILE} == {**TYPED_PROFILE, field: typed}


def test_filling_date_of_today_in_beijing_is_accepted(world, client_for):
    # given "today" in the portal's time zone (Beijing), which may differ from the UTC date
    today = timezone.localdate()

    # when the editor enters it as the filling date
    response = profile_post(
        client_for(world.editor_a), world.park_a, revision=0, filled_on=today.isoformat()
    )

    # then it is not "in the future"
    assert response.status_code == 302
    assert _profile(world.park_a).filled_on == today


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("head_mobile", "１３８１２３４５６７８", "13812345678"),
        ("contact_mobile", "138 1234 5678", "13812345678"),
        ("head_landline", "０５１２－６６６８０００", "0512-6668000"),
        ("dept_head_fax", "０１０－１２３４５６７８－１２３", "010-12345678-123"),
    ],
)
def test_full_width_digits_from_a_chinese_ime_are_stored_as_ascii(
    world, client_for, field, typed, stored
):
    # when the editor types the number with a Chinese input method
    response = profile_post(client_for(world.editor_a), world.park_a, revision=0, **{field: typed})

    # then it is accepted and stored in plain ASCII
    assert response.status_code == 302
    assert getattr(_profile(world.park_a), field) == stored


# --- drafts and completeness ------------------------------------------------------------------


def test_incomplete_draft_is_saved_and_completeness_lists_what_is_missing(world, client_for):
    # given park A's editor
    client = client_for(world.editor_a)

    # when they save a draft with only the mailing address
    response = client.post(
        profile_url(world.park_a), {"address": "江苏省苏州市星湖街 328 号", "revision": 0}
    )

    # then the draft is stored ...
    assert response.status_code == 302
    profile = _profile(world.park_a)
    assert profile.address == "江苏省苏州市星湖街 328 号"
    # ... and completeness counts one item filled and names the rest, but no optional fax
    status = completeness(profile)
    missing = {field for field, _label in status.missing}
    assert not status.is_complete
    assert status.filled == 1
    assert status.total == 1 + len(missing)
    assert "address" not in missing
    assert {"seal", "city", "postcode", "founded_on", "head_name", "head_mobile",
            "dept_name", "contact_email", "filled_on"} <= missing  # fmt: skip
    assert not missing & set(FAXES)
    # ... and the page links each missing item to its field
    page = client.get(profile_url(world.park_a)).content.decode()
    assert f'{profile_url(world.park_a)}#id_postcode"' in page


def test_everything_filled_with_a_seal_is_complete(world, client_for):
    # when the editor fills in every field and uploads the seal
    response = profile_post(
        client_for(world.editor_a),
        world.park_a,
        revision=0,
        seal=upload("seal.png", seal_png(), "image/png"),
    )

    # then the park information is complete
    assert response.status_code == 302
    status = completeness(_profile(world.park_a))
    assert status.is_complete
    assert status.missing == ()
    assert status.percent == 100


def test_fax_numbers_are_optional_for_completeness(world, client_for):
    # when the editor fills in everything but the fax numbers
    no_fax = dict.fromkeys(FAXES, "")
    profile_post(
        client_for(world.editor_a),
        world.park_a,
        revision=0,
        seal=upload("seal.png", seal_png(), "image/png"),
        **no_fax,
    )

    # then the park information is still complete
    assert completeness(_profile(world.park_a)).is_complete


def test_without_a_seal_the_information_is_not_complete(world, client_for):
    # when the editor fills in every field but uploads no seal
    profile_post(client_for(world.editor_a), world.park_a, revision=0)

    # then the seal is the one item missing
    assert [field for field, _label in completeness(_profile(world.park_a)).missing] == ["seal"]


# --- lost update ------------------------------------------------------------------------------


def _opened_revision(client, park) -> int:
    return int(input_values(client.get(profile_url(park)).content.decode())["revision"])


def test_second_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(world, client):
    # given editor A and manager A open the form at the same revision, each in a browser
    editor, manager = client, Client()
    editor.force_login(world.editor_a)
    manager.force_login(world.manager_a)
    editor_rev = _opened_revision(editor, world.park_a)
    manager_rev = _opened_revision(manager, world.park_a)
    assert editor_rev == manager_rev
    # and the editor saves first
    first = profile_post(editor, world.park_a, revision=editor_rev, address="星湖街 1 号")
    assert first.status_code == 302

    # when the manager saves their own version from the stale form
    mine = {"address": "金鸡湖大道 2 号", "head_name": "陈主任"}
    response = profile_post(manager, world.park_a, revision=manager_rev, **mine)

    # then nothing is overwritten ...
    assert response.status_code == 200
    stored = _profile(world.park_a)
    assert (stored.address, stored.head_name) == ("星湖街 1 号", TYPED_PROFILE["head_name"])
    assert stored.revision == editor_rev + 1
    # ... the conflict is explained in Chinese and names who saved first ...
    html = response.content.decode()
    assert "其他用户已先保存" in html
    assert world.editor_a.display_name in html
    # ... the manager's typed values are still in the form, now at the new revision ...
    shown = input_values(html)
    assert {f: shown[f] for f in TYPED_PROFILE} == {**TYPED_PROFILE, **mine}
    assert shown["revision"] == str(stored.revision)
    # ... and the comparison table shows the differing fields, theirs and mine
    conflict = {label: (yours, theirs) for label, yours, theirs in response.context["conflict"]}
    assert conflict["通信地址"] == ("金鸡湖大道 2 号", "星湖街 1 号")
    assert set(conflict) == {"通信地址", "园区管理机构负责人 · 姓名"}
    assert "<td>金鸡湖大道 2 号</td>" in html and "<td>星湖街 1 号</td>" in html

    # when the manager saves again from the re-rendered form
    again = profile_post(manager, world.park_a, revision=int(shown["revision"]), **mine)

    # then their version is stored
    assert again.status_code == 302
    stored = _profile(world.park_a)
    assert (stored.address, stored.head_name) == ("金鸡湖大道 2 号", "陈主任")
    assert stored.revision == editor_rev + 2
    assert stored.updated_by == world.manager_a


def test_service_refuses_a_save_based_on_an_old_revision(world):
    # given the editor saved revision 0 -> 1
    services.park_profile_save(
        park=world.park_a,
        actor=world.editor_a,
        data={"address": "星湖街 1 号"},
        expected_revision=0,
    )
    entries = AuditEntry.objects.count()

    # when the manager saves on top of revision 0 too, then the save is refused ...
    with pytest.raises(ConcurrentEditError) as refused:
        services.park_profile_save(
            park=world.park_a,
            actor=world.manager_a,
            data={"address": "金鸡湖大道 2 号"},
            expected_revision=0,
        )

    # ... carrying what is stored now, which is unchanged, with no audit row for the refusal
    assert refused.value.current.address == "星湖街 1 号"
    assert refused.value.current.revision == 1
    stored = _profile(world.park_a)
    assert (stored.address, stored.revision, stored.updated_by) == (
        "星湖街 1 号",
        1,
        world.editor_a,
    )
    assert AuditEntry.objects.count() == entries


# --- audit ------------------------------------------------------------------------------------


def test_save_records_who_changed_which_field_from_what_to_what(world, client_for):
    # given park A's stored information and its editor's browser
    services.park_profile_save(
        park=world.park_a, actor=world.manager_a, data=_typed_as_stored(), expected_revision=0
    )
    client = client_for(world.editor_a)

    # when the editor changes the head's mobile number
    profile_post(client, world.park_a, revision=1, head_mobile="13987654321")

    # then an audit row for park A names the editor and the old and new value, nothing else
    entry = AuditEntry.objects.filter(park=world.park_a).first()
    assert entry.actor == world.editor_a
    assert entry.actor_name == world.editor_a.display_name
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.target_id == str(_profile(world.park_a).pk)
    assert set(entry.changes) == {"head_mobile"}
    assert entry.changes["head_mobile"]["old"] == TYPED_PROFILE["head_mobile"]
    assert entry.changes["head_mobile"]["new"] == "13987654321"
    assert "手机" in entry.changes["head_mobile"]["label"]

    # when the manager opens the change history
    page = client_for(world.manager_a).get(reverse("parks:park-audit", args=[world.park_a.pk]))

    # then the change is there with who made it and both values
    html = page.content.decode()
    assert page.status_code == 200
    assert world.editor_a.display_name in html
    assert TYPED_PROFILE["head_mobile"] in html
    assert "13987654321" in html


def test_saving_unchanged_information_records_no_audit_row(world, client_for):
    # given information saved once
    client = client_for(world.editor_a)
    profile_post(client, world.park_a, revision=0)
    entries = AuditEntry.objects.count()

    # when the same values are saved again
    response = profile_post(client, world.park_a, revision=1)

    # then the save succeeds but there is nothing to record
    assert response.status_code == 302
    assert AuditEntry.objects.count() == entries


def _typed_as_stored() -> dict:
    return {
        field: datetime.date.fromisoformat(value) if field.endswith("_on") else value
        for field, value in TYPED_PROFILE.items()
    }


# --- the official seal ------------------------------------------------------------------------


def _stored_bytes(profile) -> bytes:
    with profile.seal.open("rb") as handle:
        return handle.read()


def test_transparent_png_seal_is_stored_byte_for_byte_in_private_storage(world, client_for):
    # given a seal cut out on a transparent background
    content = seal_png()

    # when the editor uploads it with the form
    response = profile_post(
        client_for(world.editor_a),
        world.park_a,
        revision=0,
        seal=upload("公章.png", content, "image/png"),
    )

    # then it is stored unchanged, transparency and all, in private storage
    assert response.status_code == 302
    profile = _profile(world.park_a)
    assert profile.seal.name.startswith("seals/")
    assert profile.seal.storage is storages["private"]
    assert storages["private"].exists(profile.seal.name)
    stored = _stored_bytes(profile)
    assert stored == content
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA"
        assert image.getextrema()[3][0] == 0  # some pixels fully transparent


def test_jpeg_seal_is_accepted_and_served_as_jpeg(world, client_for):
    # given a JPEG scan of the seal
    content = seal_jpeg()
    client = client_for(world.editor_a)

    # when the editor uploads it
    response = profile_post(
        client, world.park_a, revision=0, seal=upload("seal.jpg", content, "image/jpeg")
    )

    # then it is stored and served back as a JPEG
    assert response.status_code == 302
    assert _stored_bytes(_profile(world.park_a)) == content
    served = client.get(reverse("parks:seal", args=[world.park_a.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == content
    served.close()


REFUSED_SEALS = {
    "text named .png": (
        lambda: ("seal.png", "园区公章".encode() * 50, "image/png"),
        "不是可读取的 PNG 或 JPEG 图片",
    ),
    "10 MB image": (
        lambda: ("seal.png", noise_png(10 * 1024 * 1024), "image/png"),
        "2 MB",
    ),
    "SVG": (
        lambda: (
            "seal.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96">'
            b'<circle cx="48" cy="48" r="40" stroke="red" fill="none"/></svg>',
            "image/svg+xml",
        ),
        "不是可读取的 PNG 或 JPEG 图片",
    ),
    "GIF": (lambda: ("seal.gif", seal_gif(), "image/gif"), "只接受 PNG 或 JPEG"),
}


@pytest.mark.parametrize("kind", REFUSED_SEALS)
def test_refused_seal_keeps_the_stored_seal_and_what_was_typed(world, client_for, kind):
    # given park A already has a valid seal
    client = client_for(world.editor_a)
    profile_post(client, world.park_a, revision=0, seal=upload("seal.png", seal_png(), "image/png"))
    before = _profile(world.park_a)
    before_bytes = _stored_bytes(before)
    build, message = REFUSED_SEALS[kind]

    # when the editor uploads an unacceptable file together with a changed address
    response = profile_post(
        client,
        world.park_a,
        revision=before.revision,
        seal=upload(*build()),
        address="江苏省苏州市金鸡湖大道 88 号",
    )

    # then the upload is refused with the message under the seal field ...
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["seal"])
    assert message in errors
    assert message in field_error_text(response.content.decode(), "seal")
    # ... the stored seal is the old one, the changed address is saved (a draft) ...
    after = _profile(world.park_a)
    assert (after.seal.name, after.revision, after.address) == (
        before.seal.name,
        before.revision + 1,
        "江苏省苏州市金鸡湖大道 88 号",
    )
    assert _stored_bytes(after) == before_bytes
    # ... and what the editor typed is still in the form
    shown = input_values(response.content.decode())
    assert shown["address"] == "江苏省苏州市金鸡湖大道 88 号"
    assert {f: shown[f] for f in TYPED_PROFILE if f != "address"} == {
        f: v for f, v in TYPED_PROFILE.items() if f != "address"
    }


def test_replacing_the_seal_is_audited_with_the_old_and_new_file(world, client_for):
    # given park A has a seal and otherwise unchanged information
    client = client_for(world.editor_a)
    profile_post(client, world.park_a, revision=0, seal=upload("seal.png", seal_png(), "image/png"))
    first = _profile(world.park_a).seal.name

    # when the editor uploads a new seal and changes nothing else
    response = profile_post(
        client, world.park_a, revision=1, seal=upload("seal.jpg", seal_jpeg(), "image/jpeg")
    )

    # then the replacement is in the audit trail, naming both files
    assert response.status_code == 302
    second = _profile(world.park_a).seal.name
    assert second != first
    entry = AuditEntry.objects.filter(park=world.park_a).first()
    assert entry.changes.get("seal", {}).get("old") == first
    assert entry.changes["seal"]["new"] == second


def test_a_chosen_seal_is_kept_when_another_field_is_wrong(world, client_for):
    # given park A's editor, with no seal yet
    client = client_for(world.editor_a)

    # when they choose a valid seal and save with a wrong postcode
    response = profile_post(
        client,
        world.park_a,
        revision=0,
        seal=upload("seal.png", seal_png(), "image/png"),
        postcode="2150",
    )

    # then the seal is stored (nothing to choose again), the postcode is refused next to it
    assert response.status_code == 200
    profile = _profile(world.park_a)
    assert profile.seal.name.endswith(".png")
    assert profile.postcode == ""
    assert POSTCODE in field_error_text(response.content.decode(), "postcode")
    # and saving again from this page (its revision moved on) is not a conflict
    shown = input_values(response.content.decode())
    assert shown["revision"] == str(profile.revision)
    again = profile_post(client, world.park_a, revision=profile.revision, postcode="215021")
    assert again.status_code == 302
    assert _profile(world.park_a).postcode == "215021"
