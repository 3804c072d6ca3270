from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicators and data tables")

    def ready(self):
        # The models are loaded only now, so the hooks are imported here, not at the top.
        from indicators.extends import (  # noqa: PLC0415  models are loaded only now
            extend_history,
            extend_plans,
        )

        extend_plans()
        extend_history()
