"""The signed-in user kept in the shared cache between requests (parks.signed_in, issue 17): no
query for the user on a request of a session already seen, and every change of the user, its park
or its province shows in the next request."""

import pytest
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy

from parks import signed_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
# a page of every signed-in user that reads neither the park nor the province itself
PAGE = reverse_lazy("password_change")


def user_queries(client, path=None):
    """(status, the queries of the request that read the users table)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path or PAGE)
    return response.status_code, [q["sql"] for q in captured if '"parks_user"' in q["sql"]]


def test_a_known_session_reads_neither_the_user_nor_its_park_and_province(
    client, shared_cache, writes
):
    # given an editor who has opened one page
    user = UserFactory(park_editor=True)
    client.force_login(user)
    user_queries(client)

    # when the next page is opened
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)

    # then neither the user nor the park or province of the menu were read
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in captured)
    assert '"parks_user"' not in sql
    assert 'FROM "parks_park"' not in sql and 'FROM "parks_province"' not in sql
    assert user.park.name in response.text


def test_without_a_shared_cache_the_user_is_read_on_every_request(client, settings):
    settings.CACHE_SHARED = False
    client.force_login(UserFactory(park_editor=True))
    user_queries(client)

    assert user_queries(client)[1]


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, shared_cache, writes):
    # given a reviewer whose user is kept
    user = UserFactory(national_reviewer=True)
    client.force_login(user)
    user_queries(client)

    # when an admin deactivates the account
    user.is_active = False
    writes(lambda: user.save(update_fields=["is_active"]))

    # then the next request is not signed in
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_changed_password_ends_the_other_sessions(client, shared_cache, writes):
    user = UserFactory(national_reviewer=True)
    client.force_login(user)
    user_queries(client)

    user.set_password(PASSWORD + "-new")
    writes(user.save)

    response = client.get(reverse("review:queue"))
    assert response.status_code == 302


def test_a_renamed_park_shows_in_the_next_page(client, shared_cache, writes):
    user = UserFactory(park_editor=True)
    client.force_login(user)
    user_queries(client)

    park = user.park
    park.name = "改名后的高新区"
    writes(park.save)

    assert "改名后的高新区" in client.get(PAGE).text


def test_a_kept_user_of_another_session_hash_is_not_served(client, shared_cache, writes):
    """A database restored with the id given to someone else: the kept entry was verified for
    another password and is not taken."""
    # given a kept entry for the id under another password's session hash
    user = UserFactory(park_editor=True)
    other = UserFactory(national_admin=True)
    cache.set(signed_in._key(user.pk), ("another-hash", other), 60)

    # when the user's own session comes
    client.force_login(user)
    session = client.session
    assert session[SESSION_KEY] == str(user.pk) and session[HASH_SESSION_KEY] != "another-hash"
    status, queries = user_queries(client)

    # then the user is read and verified, not taken from the entry
    assert status == 200 and queries
    assert client.get(PAGE).context["user"].pk == user.pk


def test_a_reading_that_began_before_a_write_cannot_put_the_old_user_back(
    client, shared_cache, writes
):
    # given a user whose entry a save has just forgotten, once it committed
    user = UserFactory(park_editor=True)
    writes(lambda: signed_in.forget(user.pk))

    # when a request that read the row before the save stores what it read
    stored = cache.add(signed_in._key(user.pk), ("its-hash", user), 60)

    # then it is refused, and the next request reads the user anew
    assert stored is False
    client.force_login(user)
    assert user_queries(client)[1]
