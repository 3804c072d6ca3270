"""What each role may open, read off the rules in parks/roles.py and parks/access.py:

- park editor: edit park information and plans; park manager also submits and sees the audit;
- provincial reviewer: reviews the parks of one province; national reviewer: every park;
- national admin: manages parks, provinces, users and sees the audit, but edits no park data;
- outside one's scope a park does not exist (404); inside it, a missing right is a 403;
- a Django superuser without a role acts as a national admin; an inactive user has nothing.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse

from parks.models import User
from parks.roles import Level, Perm, Role, effective_role, has_perm, level_of
from tests.factories import UserFactory

PAGES = (
    "home",
    "park_list",
    "park_detail",
    "profile_edit",
    "audit",
    "park_create",
    "park_update",
    "province_list",
    "province_update",
    "user_list",
    "user_create",
    "user_update",
    "user_invite",
)

# Expected status per page, in the order of PAGES. Park pages are park A's; the province page is
# province A's (park A's province); user pages are the requesting user's own account. The user
# invitation is a POST (it sends an e-mail); everything else is a GET.
#                         home park  det  info audit pnew pset prov pedt ulst unew uedt uinv
EXPECTED = {
    "park_editor":        (302, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "park_manager":       (302, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403),
    "province_reviewer":  (302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "other_province":     (302, 200, 404, 404, 404, 403, 404, 403, 403, 403, 403, 403, 403),
    "national_reviewer":  (302, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "national_admin":     (200, 200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200, 302),
    "superuser_no_role":  (200, 200, 200, 403, 200, 200, 200, 200, 200, 200, 200, 200, 302),
    "no_role":            (200, 200, 404, 404, 404, 403, 404, 403, 403, 403, 403, 403, 403),
    "inactive_editor":    (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    "anonymous":          (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
}  # fmt: skip
NOT_LOGGED_IN = {"inactive_editor", "anonymous"}


def _persona(world, key):
    return {
        "park_editor": lambda: world.editor_a,
        "park_manager": lambda: world.manager_a,
        "province_reviewer": lambda: world.reviewer_a,
        "other_province": lambda: world.reviewer_b,
        "national_reviewer": lambda: world.national,
        "national_admin": lambda: world.admin,
        "superuser_no_role": lambda: UserFactory(is_superuser=True, is_staff=True),
        "no_role": lambda: UserFactory(),
        "inactive_editor": lambda: UserFactory(
            park_editor=True, park=world.park_a, is_active=False
        ),
        "anonymous": lambda: None,
    }[key]()


def _request(client, world, page_name, user):
    park = world.park_a.pk
    own = user.pk if user else world.editor_a.pk
    url = {
        "home": reverse("home"),
        "park_list": reverse("parks:park-list"),
        "park_detail": reverse("park-detail", args=[park]),
        "profile_edit": reverse("parks:profile-edit", args=[park]),
        "audit": reverse("parks:park-audit", args=[park]),
        "park_create": reverse("parks:park-create"),
        "park_update": reverse("parks:park-update", args=[park]),
        "province_list": reverse("parks:province-list"),
        "province_update": reverse("parks:province-update", args=[world.province_a.pk]),
        "user_list": reverse("parks:user-list"),
        "user_create": reverse("parks:user-create"),
        "user_update": reverse("parks:user-update", args=[own]),
        "user_invite": reverse("parks:user-invite", args=[own]),
    }[page_name]
    return client.post(url) if page_name == "user_invite" else client.get(url)


def _cases():
    for role in EXPECTED:
        for page_name in PAGES:
            yield pytest.param(role, page_name)


@pytest.mark.parametrize(("role", "page_name"), list(_cases()))
def test_each_role_gets_the_expected_answer_on_each_page(world, client, role, page_name):
    # given a user in the role, logged in (or not)
    user = _persona(world, role)
    if user is not None:
        client.force_login(user)

    # when they open the page
    response = _request(client, world, page_name, user)

    # then the answer follows the role's scope and rights
    assert response.status_code == EXPECTED[role][PAGES.index(page_name)]
    if role in NOT_LOGGED_IN:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("editor_a", "park_a"),
        ("manager_a", "park_a"),
        ("editor_b", "park_b"),
        ("reviewer_a", "queue"),
        ("national", "queue"),
    ],
)
def test_home_sends_park_staff_to_their_park_and_reviewers_to_their_queue(
    world, client_for, persona, landing
):
    # given a logged-in user who is not an admin
    client = client_for(getattr(world, persona))

    # when they open the home page
    response = client.get(reverse("home"))

    # then they land on their own park, or on the queue of plans they review
    expected = (
        reverse("review:queue")
        if landing == "queue"
        else reverse("park-detail", args=[getattr(world, landing).pk])
    )
    assert response.status_code == 302
    assert response.url == expected


def test_admin_home_shows_the_overview(world, client_for):
    # when the national admin opens the home page
    response = client_for(world.admin).get(reverse("home"))

    # then it is the overview of parks and users
    assert response.status_code == 200
    overview = response.context["overview"]
    assert (overview.parks_active, overview.parks_inactive) == (2, 0)
    # counted per role, under the role names the admin reads
    assert overview.users_by_role["园区填报人"] == 2
    assert overview.users_by_role["国家级管理员"] == 1


# --- has_perm, effective_role, level_of -------------------------------------------------------


def _user(role="", **extra):
    return User(username=f"u-{role or 'none'}", role=role, **extra)


def test_park_editor_edits_park_info_and_plan_but_neither_submits_nor_sees_the_audit():
    editor = _user(Role.PARK_EDITOR)

    assert has_perm(editor, Perm.EDIT_PARK_INFO)
    assert has_perm(editor, Perm.EDIT_PLAN)
    assert not has_perm(editor, Perm.SUBMIT_PLAN)
    assert not has_perm(editor, Perm.VIEW_AUDIT)
    assert not has_perm(editor, Perm.MANAGE_USERS)
    assert level_of(editor) == Level.PARK


def test_park_manager_also_submits_and_sees_the_audit():
    manager = _user(Role.PARK_MANAGER)

    assert has_perm(manager, Perm.EDIT_PARK_INFO)
    assert has_perm(manager, Perm.SUBMIT_PLAN)
    assert has_perm(manager, Perm.VIEW_AUDIT)
    assert not has_perm(manager, Perm.REVIEW_PROVINCE)
    assert level_of(manager) == Level.PARK


@pytest.mark.parametrize(
    ("role", "review", "other_review", "level"),
    [
        (Role.PROVINCE_REVIEWER, Perm.REVIEW_PROVINCE, Perm.REVIEW_NATIONAL, Level.PROVINCE),
        (Role.NATIONAL_REVIEWER, Perm.REVIEW_NATIONAL, Perm.REVIEW_PROVINCE, Level.NATIONAL),
    ],
)
def test_reviewers_review_at_their_own_level_and_edit_nothing(role, review, other_review, level):
    reviewer = _user(role)

    assert has_perm(reviewer, review)
    assert has_perm(reviewer, Perm.EXPORT_SUMMARIES)
    assert not has_perm(reviewer, other_review)
    assert not has_perm(reviewer, Perm.EDIT_PARK_INFO)
    assert not has_perm(reviewer, Perm.EDIT_PLAN)
    assert level_of(reviewer) == level


def test_national_admin_manages_but_neither_edits_park_data_nor_reviews():
    admin = _user(Role.NATIONAL_ADMIN)

    for perm in (Perm.MANAGE_PARKS, Perm.MANAGE_USERS, Perm.MANAGE_CATALOGUE, Perm.VIEW_AUDIT):
        assert has_perm(admin, perm), perm
    for perm in (Perm.EDIT_PARK_INFO, Perm.EDIT_PLAN, Perm.SUBMIT_PLAN, Perm.REVIEW_NATIONAL):
        assert not has_perm(admin, perm), perm


def test_only_the_national_admin_manages_users():
    holders = {role for role in Role if has_perm(_user(role), Perm.MANAGE_USERS)}

    assert holders == {Role.NATIONAL_ADMIN}


def test_every_role_belongs_to_a_level():
    assert all(level_of(_user(role)) != Level.NONE for role in Role)


def test_superuser_without_a_role_acts_as_national_admin():
    superuser = _user(is_superuser=True)

    assert effective_role(superuser) == Role.NATIONAL_ADMIN
    assert level_of(superuser) == Level.NATIONAL
    assert has_perm(superuser, Perm.MANAGE_USERS)


def test_superuser_with_a_role_acts_in_that_role():
    superuser = _user(Role.NATIONAL_REVIEWER, is_superuser=True)

    assert effective_role(superuser) == Role.NATIONAL_REVIEWER
    assert not has_perm(superuser, Perm.MANAGE_USERS)


@pytest.mark.parametrize("role", [*Role, ""])
def test_inactive_user_has_no_role_and_no_right(role):
    inactive = _user(role, is_active=False, is_superuser=True)

    assert effective_role(inactive) == ""
    assert level_of(inactive) == Level.NONE
    assert not any(has_perm(inactive, perm) for perm in Perm)


def test_user_without_role_has_no_right():
    nobody = _user()

    assert effective_role(nobody) == ""
    assert level_of(nobody) == Level.NONE
    assert not any(has_perm(nobody, perm) for perm in Perm)


def test_anonymous_visitor_has_no_right():
    assert effective_role(AnonymousUser()) == ""
    assert not any(has_perm(AnonymousUser(), perm) for perm in Perm)


# --- the database constraint: a role's level fixes its membership -----------------------------


@pytest.mark.parametrize(
    ("role", "with_park", "with_province"),
    [
        (Role.PARK_EDITOR, False, False),
        (Role.PARK_MANAGER, False, False),
        (Role.PARK_EDITOR, True, True),
        (Role.PROVINCE_REVIEWER, False, False),
        (Role.PROVINCE_REVIEWER, True, True),
        (Role.PROVINCE_REVIEWER, True, False),
        (Role.NATIONAL_REVIEWER, True, False),
        (Role.NATIONAL_ADMIN, False, True),
        ("", True, False),
    ],
)
def test_database_refuses_a_membership_that_does_not_match_the_role(
    world, role, with_park, with_province
):
    # given a user whose park/province does not match the level of the role
    user = _user(
        role,
        park=world.park_a if with_park else None,
        province=world.province_a if with_province else None,
    )

    # when it is saved bypassing every service, then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_park_editor_without_a_park_cannot_be_saved(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        _user(Role.PARK_EDITOR).save()


@pytest.mark.parametrize(
    ("role", "membership"),
    [
        (Role.PARK_EDITOR, "park"),
        (Role.PARK_MANAGER, "park"),
        (Role.PROVINCE_REVIEWER, "province"),
        (Role.NATIONAL_REVIEWER, None),
        (Role.NATIONAL_ADMIN, None),
        ("", None),
    ],
)
def test_database_accepts_the_membership_of_each_role(world, role, membership):
    # given a user with exactly the membership its role's level needs
    user = _user(
        role,
        park=world.park_a if membership == "park" else None,
        province=world.province_a if membership == "province" else None,
    )

    # when saved
    user.save()

    # then it is stored
    assert user.pk is not None
