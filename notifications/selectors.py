"""Reads of notifications: a user's list, the unread count, the e-mail kinds turned off."""

from core.cache import kept
from notifications.models import EmailPreference, Notification

# The unread count is in the header of every page: kept in the shared cache (CACHE_SHARED) until
# a write of the user's notifications forgets it (notifications.services), five minutes at most.
UNREAD_SECONDS = 300


def unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def notifications_for(user, limit: int = 50):
    return Notification.objects.filter(user=user)[:limit]


def unread_count(user) -> int:
    return kept(
        unread_key(user.pk),
        UNREAD_SECONDS,
        lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
        forgotten_on_write=True,
    )


def muted_email_kinds(user) -> set[str]:
    preference = EmailPreference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()
