from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parks"
    verbose_name = _("Parks and users")

    def ready(self):
        from django.core import checks

        from parks.login_guard import check_shared_cache

        checks.register(check_shared_cache, checks.Tags.security, deploy=True)
