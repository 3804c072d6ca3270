from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"

    def ready(self):
        # How the change history names the plan's records; it reads the models, loaded only now.
        from plans.history import describe_plans  # noqa: PLC0415  models are loaded only now

        describe_plans()
