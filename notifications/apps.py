from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # The models are loaded only now, so the hooks are imported here, not at the top.
        from notifications.extends import connect_unread  # noqa: PLC0415  models loaded now

        connect_unread()
