"""Guessing passwords: a username and a client address are locked after five failures, on the
portal's login and the Django admin's; the failures are audited; a national admin unlocks.
Flooding mailboxes: password-reset e-mails are limited per address, account and client."""

import logging
import uuid

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from parks.login_guard import client_ip
from parks.models import AuditEntry
from tests.factories import PASSWORD

LOCKED_ZH = "已被暂时锁定"
ATTACKER = "203.0.113.7"


def _login(client, path, username, password, address=ATTACKER):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, path, username, times, address=ATTACKER):
    for _ in range(times):
        _login(client, path, username, "wrong-password", address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(world, client, path):
    # given five wrong passwords for the admin's account (staff, so the admin login applies too)
    _fail(client, path, world.admin.username, 5)

    # when the right password follows at once
    response = _login(client, path, world.admin.username, PASSWORD)

    # then the login is refused with the lockout page, in Chinese
    assert response.status_code == 429
    assert LOCKED_ZH in response.content.decode()
    assert "15 分钟" in response.content.decode()
    assert not _logged_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in(world, client):
    # given four wrong passwords
    _fail(client, "/accounts/login/", world.editor_a.username, 4)

    # when the right one follows
    response = _login(client, "/accounts/login/", world.editor_a.username, PASSWORD)

    # then the user is in
    assert response.status_code == 302
    assert _logged_in(client)


def test_a_locked_username_is_refused_from_another_address(world, client):
    # given a username locked by failures from one address
    _fail(client, "/accounts/login/", world.editor_a.username, 5)

    # when its owner logs in with the right password from another address
    response = _login(
        client, "/accounts/login/", world.editor_a.username, PASSWORD, address="198.51.100.20"
    )

    # then the username is locked there too
    assert response.status_code == 429
    assert not _logged_in(client)


def test_a_locked_address_is_refused_for_every_username(world, client):
    # given an address that failed five times, on five different usernames
    for name in ("a", "b", "c", "d", "e"):
        _login(client, "/accounts/login/", f"guess-{name}", "wrong-password")

    # when a real user logs in correctly from that address
    response = _login(client, "/accounts/login/", world.editor_b.username, PASSWORD)

    # then the address is locked, while another address logs the same user in
    assert response.status_code == 429
    elsewhere = _login(
        client, "/accounts/login/", world.editor_b.username, PASSWORD, address="198.51.100.21"
    )
    assert elsewhere.status_code == 302


def test_the_lockout_page_is_in_english_when_the_user_chose_english(world, client):
    # given a user who chose English, and a locked username
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    _fail(client, "/accounts/login/", world.editor_a.username, 5)

    # when they try again
    response = _login(client, "/accounts/login/", world.editor_a.username, PASSWORD)

    # then the page explains it in English, in the portal's layout
    html = response.content.decode()
    assert response.status_code == 429
    assert "locked for 15 minutes" in html
    assert "Green Development Action Plan Portal" in html


def test_failed_logins_are_in_the_audit_trail_without_the_password(world, client):
    # when someone tries five wrong passwords and then one more while locked
    for attempt in range(5):
        _login(client, "/accounts/login/", world.manager_a.username, f"secret-guess-{attempt}")
    _login(client, "/admin/login/", world.manager_a.username, "secret-guess-locked")

    # then each try is an audit row naming the account and the address, never the password
    rows = AuditEntry.objects.filter(
        action__in=[AuditEntry.Action.LOGIN_FAILED, AuditEntry.Action.LOCKED_OUT]
    ).order_by("at", "id")
    assert [row.action for row in rows] == [AuditEntry.Action.LOGIN_FAILED] * 4 + [
        AuditEntry.Action.LOCKED_OUT
    ] * 2
    assert {row.target_repr for row in rows} == {world.manager_a.username}
    assert {row.target_id for row in rows} == {str(world.manager_a.pk)}
    assert {row.actor_name for row in rows} == {ATTACKER}
    assert rows.last().changes["path"]["new"] == "/admin/login/"
    stored = " ".join(str(row.changes) for row in rows) + str(
        list(AccessAttempt.objects.values_list("post_data", flat=True))
    )
    assert "secret-guess" not in stored


def test_a_national_admin_unlocks_a_login_in_the_django_admin(world, client, client_for):
    # given a locked username
    _fail(client, "/accounts/login/", world.editor_a.username, 5)
    assert _login(client, "/accounts/login/", world.editor_a.username, PASSWORD).status_code == 429
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))

    # when the national admin opens the access attempts and unlocks them
    admin = client_for(world.admin)
    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    unlocked = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": attempts},
    )
    admin.logout()

    # then the attempts are gone, the audit trail says who unlocked, and the login works again
    assert changelist.status_code == 200
    assert unlocked.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCKED)
    assert (entry.actor, entry.target_repr) == (world.admin, world.editor_a.username)
    response = _login(client, "/accounts/login/", world.editor_a.username, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_the_client_address_comes_from_forwarded_for_only_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    # no proxy configured: a client-written header is ignored
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    # one proxy in front: the address it saw (the last entry), not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    # more proxies than entries: the request did not come through them
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"


# --- password reset -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_counters(monkeypatch):
    """Each test counts in a cache namespace of its own (a cache version), in locmem and in a
    shared Redis alike."""
    monkeypatch.setattr(caches["default"], "version", uuid.uuid4().hex)


def _reset(client, email, address="192.0.2.50"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_stop_after_three_an_hour_for_one_address(world, client, caplog):
    # when the reset form is sent five times for one account's address
    with caplog.at_level(logging.WARNING, logger="parks.login_guard"):
        responses = [_reset(client, world.editor_a.email) for _ in range(5)]

    # then three mails went out, and every answer is the same neutral "on its way" page
    assert len(mail.outbox) == 3
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("password_reset_done")}
    assert "Password reset refused" in caplog.text


def test_password_reset_counts_per_account(world, client, settings):
    # given a limit per account only (addresses and clients unlimited)
    settings.PASSWORD_RESET_LIMITS = {"email": 100, "account": 2, "client": 100}

    # when four requests reach the same account
    for _ in range(4):
        _reset(client, world.editor_a.email)

    # then two mails went out
    assert len(mail.outbox) == 2


def test_password_reset_counts_per_client_address(world, client, settings):
    # given a limit per client address of two an hour
    settings.PASSWORD_RESET_LIMITS = {"email": 100, "account": 100, "client": 2}

    # when one client asks for three different accounts, and another client for a fourth
    for user in (world.editor_a, world.editor_b, world.manager_a):
        _reset(client, user.email)
    _reset(client, world.reviewer_a.email, address="192.0.2.99")

    # then the first client got two mails and the other client its own
    assert [m.to for m in mail.outbox] == [
        [world.editor_a.email],
        [world.editor_b.email],
        [world.reviewer_a.email],
    ]


def test_password_reset_over_the_limit_looks_like_an_unknown_address(world, client):
    # given an address that used up its mails
    for _ in range(3):
        _reset(client, world.editor_a.email)

    # when it asks again, and someone asks for an address without an account
    refused = _reset(client, world.editor_a.email)
    unknown = _reset(client, "nobody@example.cn")

    # then both get the same answer and neither gets a mail
    assert (refused.status_code, refused.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 3
