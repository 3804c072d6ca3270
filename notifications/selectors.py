"""Reads of notifications: a user's list, the unread count, the e-mail kinds turned off."""

from django.conf import settings
from django.core.cache import cache

from notifications.models import EmailPreference, Notification

# The unread count is in the header of every page: kept in the shared cache (CACHE_SHARED) until
# a write of the user's notifications forgets it (notifications.services), five minutes at most.
UNREAD_SECONDS = 300


def unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def notifications_for(user, limit: int = 50):
    return Notification.objects.filter(user=user)[:limit]


def unread_count(user) -> int:
    if not settings.CACHE_SHARED:
        return Notification.objects.filter(user=user, read_at__isnull=True).count()
    count = cache.get(unread_key(user.pk))
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(unread_key(user.pk), count, UNREAD_SECONDS)
    return count


def muted_email_kinds(user) -> set[str]:
    preference = EmailPreference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()
