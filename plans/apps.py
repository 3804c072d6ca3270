from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"

    def ready(self):
        # How the change history names the plan's records, and a deleted section's open autosave
        # session closed: they read the models, loaded only now.
        from plans.history import close_sessions_on_delete, describe_plans  # noqa: PLC0415

        describe_plans()
        close_sessions_on_delete()
