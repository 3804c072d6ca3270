"""What a signed-in request reads before its view, for the tests that count a page's queries."""

from django.conf import settings


def signed_in_queries() -> int:
    """The queries of a signed-in request's session and user, once the session has been seen:
    the session from the database unless the shared cache keeps it (core.sessions, with Redis),
    the user unless parks.signed_in keeps it (with Redis too)."""
    session = settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    user = not settings.CACHE_SHARED
    return int(session) + int(user)


def unread_count_queries() -> int:
    """The query of the menu's unread count on a page, once the user's count has been read:
    none where the shared cache keeps it (notifications.selectors, with Redis)."""
    return 0 if settings.CACHE_SHARED else 1
