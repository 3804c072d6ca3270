from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "parks"
    verbose_name = _("Parks and users")

    def ready(self):
        # The models are loaded only now, so the login guard is imported here, not at the top.
        from parks.login_guard import check_shared_cache  # noqa: PLC0415  models loaded now

        checks.register(check_shared_cache, checks.Tags.security, deploy=True)
        from parks.signed_in import connect  # noqa: PLC0415  models loaded now

        connect()
