"""Reads of notifications: a user's list, the unread count, the e-mail kinds turned off."""

from notifications.models import EmailPreference, Notification


def notifications_for(user, limit: int = 50):
    return Notification.objects.filter(user=user)[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def muted_email_kinds(user) -> set[str]:
    preference = EmailPreference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()
