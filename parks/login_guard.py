"""Guessing passwords and flooding mailboxes: login lockouts and password-reset limits.

Lockouts are django-axes' (settings.AXES_*): it counts failed logins per username and per client
address in the database and refuses both logins, the portal's and the Django admin's, once either
is over the limit. This module plugs the portal into it: the client's address (one rule for
both guards), every failure into the audit trail, and the lockout page in the portal's layout.

Password-reset requests are counted in the cache, per e-mail address, per account and per client
address; over a limit the user sees the same "on its way" page and no mail is sent.
"""

import hashlib
import logging
import sys

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.shortcuts import render

from core.cache import UNREACHABLE
from parks.audit import audit_login_failure

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address: the peer's, or behind settings.TRUSTED_PROXY_COUNT reverse proxies
    the one the outermost of them saw. Each proxy appends the address it was called from to
    X-Forwarded-For, so only the last that many entries are theirs; anything before them the
    client may have written itself."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:  # the request did not come through the proxies
        return remote
    return forwarded[-count]


class AuditedAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler; each failed login also becomes an audit row (the account
    tried, the client address, the page; never the password)."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        audit_login_failure(
            username=get_client_username(request, credentials) or "",
            client=request.axes_ip_address or "",
            path=request.axes_path_info,
            locked_out=bool(getattr(request, "axes_locked_out", False)),
        )


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets instead of the form (both login pages), status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


def password_reset_allowed(*, request, email: str, accounts) -> bool:
    """Count one password-reset request against its e-mail address, each account it would reach
    and the client's address; False when any of them is over its limit for the hour. Refused
    requests count too, so hammering does not reopen the window."""
    limits = settings.PASSWORD_RESET_LIMITS
    client = client_ip(request) or "unknown"
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    counters = [("email", address), ("client", client)]
    counters += [("account", str(account.pk)) for account in accounts]
    over = [
        kind for kind, value in counters if _count(f"password-reset:{kind}:{value}") > limits[kind]
    ]
    if over:
        logger.warning(
            "Password reset refused, hourly limit reached (%s); client %s",
            ", ".join(sorted(set(over))),
            client,
        )
        return False
    return True


def _count(key: str) -> int:
    """This hour's count under `key`, this request included (fixed window from the first).
    While the shared cache cannot be reached nothing can be counted, so the count is over
    every limit: no reset e-mail goes out, the page says the same as ever (fails closed)."""
    window = settings.PASSWORD_RESET_WINDOW
    try:
        cache.add(key, 0, window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, window)
            return 1
    except UNREACHABLE:
        return sys.maxsize


def check_shared_cache(app_configs=None, **kwargs):
    """`check --deploy`: the password-reset counts need one cache for all web processes."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The cache is local to each process, so each web process counts "
                "password-reset requests on its own.",
                hint="Set REDIS_URL (Redis is the cache, the Celery broker and result store).",
                id="parks.W001",
            )
        ]
    return []
