"""The national admin's pages: parks, provinces and users, each change audited; new users get an
invitation e-mail whose link lets them set their own password."""

import re

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from parks.models import AuditEntry, Park, ParkProfile, Province, User
from parks.roles import Role
from tests.parks.helpers import field_error_text

NEW_PARK = {
    "name": "雄安高新技术产业开发区",
    "short_name": "雄安高新区",
    "district": "容城县",
    "approved_year": "2024",
    "is_active": "on",
}


def _park_form(park, **changes) -> dict:
    """The park settings form as the browser posts it (an unchecked box is simply absent)."""
    data = {
        "name": park.name,
        "short_name": park.short_name,
        "province": park.province_id,
        "district": park.district,
        "approved_year": park.approved_year or "",
        "is_active": "on" if park.is_active else None,
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_admin_creates_a_park_and_the_creation_is_audited(world, client_for):
    # given the national admin
    client = client_for(world.admin)

    # when they add a park in the portal
    response = client.post(
        reverse("parks:park-create"), {**NEW_PARK, "province": world.province_a.pk}
    )

    # then the park exists, with an empty information draft, and they land on its page
    park = Park.objects.get(name=NEW_PARK["name"])
    assert response.status_code == 302
    assert response.url == reverse("park-detail", args=[park.pk])
    assert (park.province, park.approved_year, park.is_active) == (world.province_a, 2024, True)
    assert ParkProfile.objects.get(park=park).city == "容城县"
    # and the creation is recorded with who did it
    entry = AuditEntry.objects.get(park=park)
    assert (entry.action, entry.actor) == (AuditEntry.Action.CREATE, world.admin)
    assert entry.changes["name"]["new"] == NEW_PARK["name"]


def test_admin_renames_then_deactivates_a_park_and_each_change_is_audited(world, client_for):
    # given the national admin and park A
    client = client_for(world.admin)
    url = reverse("parks:park-update", args=[world.park_a.pk])
    old_name = world.park_a.name

    # when they rename it
    renamed = client.post(url, _park_form(world.park_a, name="苏州工业园区（新名）"))
    # and then deactivate it
    park = Park.objects.get(pk=world.park_a.pk)
    deactivated = client.post(url, _park_form(park, is_active=None))

    # then both saves went through
    assert (renamed.status_code, deactivated.status_code) == (302, 302)
    park = Park.objects.get(pk=world.park_a.pk)
    assert (park.name, park.is_active) == ("苏州工业园区（新名）", False)
    # and each is a separate audit row with the old and new value of exactly what changed
    deactivation, rename = AuditEntry.objects.filter(
        park=park, target_type=ContentType.objects.get_for_model(Park)
    )[:2]
    assert rename.actor == deactivation.actor == world.admin
    assert rename.changes == {
        "name": {"label": "正式名称", "old": old_name, "new": "苏州工业园区（新名）"}
    }
    assert set(deactivation.changes) == {"is_active"}
    assert (deactivation.changes["is_active"]["old"], deactivation.changes["is_active"]["new"]) == (
        True,
        False,
    )
    # and the deactivated park is still there for the admin, marked as such
    detail = client.get(reverse("park-detail", args=[park.pk]))
    assert detail.status_code == 200
    assert "已停用" in detail.content.decode()


def _invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_new_park_editor_receives_an_invitation_and_sets_a_password_with_it(
    world, client_for, django_capture_on_commit_callbacks
):
    # given the national admin
    client = client_for(world.admin)

    # when they create a park editor for park A
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("parks:user-create"),
            {
                "username": "sip_editor2",
                "full_name": "赵填报",
                "email": "sip_editor2@example.cn",
                "phone": "13912345678",
                "role": Role.PARK_EDITOR,
                "park": world.park_a.pk,
            },
        )

    # then the user exists in park A, without a password of their own yet
    assert response.status_code == 302
    user = User.objects.get(username="sip_editor2")
    assert (user.role, user.park, user.province) == (Role.PARK_EDITOR, world.park_a, None)
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE, target_id=str(user.pk), actor=world.admin
    ).exists()
    # and one invitation went to them, naming the park and carrying a password-set link
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["sip_editor2@example.cn"]
    assert world.park_a.name in invitation.body
    path = _invitation_path(invitation)

    # when the new user follows the link and chooses a password
    client.logout()
    opened = client.get(path)
    form_page = client.get(opened.url)
    saved = client.post(
        opened.url, {"new_password1": "Lvse-Fazhan-2025!", "new_password2": "Lvse-Fazhan-2025!"}
    )

    # then the link leads to a valid password form, the password is set and they can log in
    assert opened.status_code == 302
    assert (form_page.status_code, form_page.context["validlink"]) == (200, True)
    assert saved.status_code == 302
    assert saved.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Lvse-Fazhan-2025!")
    logged_in = client.post(
        reverse("login"), {"username": "sip_editor2", "password": "Lvse-Fazhan-2025!"}
    )
    assert logged_in.status_code == 302


def test_invitation_link_works_only_once(world, client_for, django_capture_on_commit_callbacks):
    # given a new user who has already set a password with their invitation link
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("parks:user-create"),
            {
                "username": "once",
                "full_name": "钱一次",
                "email": "once@example.cn",
                "role": Role.NATIONAL_REVIEWER,
            },
        )
    path = _invitation_path(mail.outbox[0])
    client.logout()
    form_url = client.get(path).url
    set_once = client.post(
        form_url, {"new_password1": "Lvse-Fazhan-2025!", "new_password2": "Lvse-Fazhan-2025!"}
    )
    assert set_once.status_code == 302

    # when the link is opened again
    again = client.get(path, follow=True)

    # then it is no longer valid
    assert again.context["validlink"] is False
    assert "该链接已失效" in again.content.decode()


def test_park_role_without_a_park_is_refused_next_to_the_park_field(
    world, client_for, django_capture_on_commit_callbacks
):
    # when the admin creates a park editor but picks no park
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            reverse("parks:user-create"),
            {
                "username": "orphan",
                "full_name": "孙无园",
                "email": "orphan@example.cn",
                "role": Role.PARK_EDITOR,
            },
        )

    # then the form comes back with the Chinese message under the park field, nobody is created
    assert response.status_code == 200
    assert "园区角色必须选择所属园区" in " ".join(response.context["form"].errors["park"])
    assert "园区角色必须选择所属园区" in field_error_text(response.content.decode(), "park")
    assert not User.objects.filter(username="orphan").exists()
    assert mail.outbox == []


def test_provincial_reviewer_created_with_a_park_and_a_province_keeps_only_the_province(
    world, client_for, django_capture_on_commit_callbacks
):
    # when the admin creates a provincial reviewer and (wrongly) also picks a park
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            reverse("parks:user-create"),
            {
                "username": "js_reviewer",
                "full_name": "周省审",
                "email": "js@example.cn",
                "role": Role.PROVINCE_REVIEWER,
                "park": world.park_b.pk,
                "province": world.province_a.pk,
            },
        )

    # then the reviewer belongs to the province only
    assert response.status_code == 302
    reviewer = User.objects.get(username="js_reviewer")
    assert (reviewer.province, reviewer.park) == (world.province_a, None)
    assert len(mail.outbox) == 1


def test_admin_moves_a_park_editor_to_provincial_reviewer_and_the_change_is_audited(
    world, client_for
):
    # when the admin saves park B's editor as a reviewer of province B (the park still selected)
    response = client_for(world.admin).post(
        reverse("parks:user-update", args=[world.editor_b.pk]),
        {
            "username": world.editor_b.username,
            "full_name": world.editor_b.full_name,
            "email": world.editor_b.email,
            "role": Role.PROVINCE_REVIEWER,
            "park": world.park_b.pk,
            "province": world.province_b.pk,
            "is_active": "on",
        },
    )

    # then the account belongs to the province only, and the change names old and new membership
    assert response.status_code == 302
    user = User.objects.get(pk=world.editor_b.pk)
    assert (user.role, user.park, user.province) == (
        Role.PROVINCE_REVIEWER,
        None,
        world.province_b,
    )
    entry = AuditEntry.objects.get(target_type=ContentType.objects.get_for_model(User))
    assert entry.changes["role"] == {
        "label": "角色",
        "old": Role.PARK_EDITOR,
        "new": Role.PROVINCE_REVIEWER,
    }
    assert (entry.changes["park"]["old"], entry.changes["park"]["new"]) == (
        world.park_b.name,
        None,
    )


def test_admin_edits_a_provinces_reviewing_body_and_the_change_is_audited(world, client_for):
    # given the national admin
    client = client_for(world.admin)

    # when they rename province A's reviewing body
    response = client.post(
        reverse("parks:province-update", args=[world.province_a.pk]),
        {"reviewing_body": "江苏省工业和信息化厅"},
    )

    # then it is saved, and the change is recorded with the old and new name
    assert response.status_code == 302
    assert response.url == reverse("parks:province-list")
    assert Province.objects.get(pk=world.province_a.pk).reviewing_body == "江苏省工业和信息化厅"
    entry = AuditEntry.objects.get(
        target_type=ContentType.objects.get_for_model(Province),
        target_id=str(world.province_a.pk),
    )
    assert (entry.actor, entry.action, entry.park) == (world.admin, AuditEntry.Action.UPDATE, None)
    assert entry.changes["reviewing_body"]["old"] == "江苏省科学技术厅"
    assert entry.changes["reviewing_body"]["new"] == "江苏省工业和信息化厅"
    # and the province list shows the new name
    listing = client.get(reverse("parks:province-list")).content.decode()
    assert "江苏省工业和信息化厅" in listing


def test_only_the_catalogue_right_opens_the_catalogue_in_the_django_admin(world, client_for):
    # given a national reviewer who was given Django's staff flag and every model permission
    world.national.is_staff = True
    world.national.is_superuser = True
    world.national.save()
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    # when each opens the catalogue and the coefficient sets
    urls = ["/admin/indicators/indicator/", "/admin/indicators/coefficientset/"]
    reviewer = [client_for(world.national).get(url).status_code for url in urls]
    admin = [client_for(world.admin).get(url).status_code for url in urls]
    # then the reviewer, who lacks MANAGE_CATALOGUE, is refused; the national admin is not
    assert reviewer == [403, 403]
    assert admin == [200, 200]
