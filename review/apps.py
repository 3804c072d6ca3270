from django.apps import AppConfig


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"

    def ready(self):
        # The models are loaded only now, so the hooks are imported here, not at the top.
        from review.extends import connect_fragments, extend_plans  # noqa: PLC0415  models are loaded only now

        extend_plans()
        connect_fragments()
