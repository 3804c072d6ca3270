from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("Indicators and data tables")

    def ready(self):
        from indicators.rows import FUELS, INDICATORS
        from plans.rows import register

        register(INDICATORS)
        register(FUELS)
