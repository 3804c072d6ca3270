"""What notifications/ connects at start-up (NotificationsConfig.ready): a notification saved or
deleted one by one (the admin, a user deleted) forgets its user's kept unread count
(notifications.selectors); the bulk writes of notifications.services forget it themselves."""

from django.db.models.signals import post_delete, post_save

from notifications.models import Notification
from notifications.services import unread_changed


def _changed(sender, instance, **kwargs):
    unread_changed(instance.user_id)


def connect_unread() -> None:
    post_save.connect(_changed, sender=Notification, dispatch_uid="notifications:unread:save")
    post_delete.connect(_changed, sender=Notification, dispatch_uid="notifications:unread:delete")
