from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # a notification saved or deleted one by one (the admin, a user deleted): the kept
        # unread count of its user is forgotten (bulk writes in services forget it themselves)
        from notifications.models import Notification  # noqa: PLC0415  models loaded now
        from notifications.services import unread_changed  # noqa: PLC0415

        def changed(sender, instance, **kwargs):
            unread_changed(instance.user_id)

        for signal in (post_save, post_delete):
            signal.connect(
                changed, sender=Notification, weak=False, dispatch_uid=f"unread:{signal}"
            )
