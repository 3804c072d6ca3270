"""What documents/ listens to, connected once at start-up (DocumentsConfig.ready): a cached
preview names the national reference data it reads by a generation token (documents.preview),
renewed by any save or delete of that data, however made (the admin, a shell, a data load
through the models), and after migrations. The one use of signals in the app: a cache that must
follow writes no service of this app makes."""

from django.db.models.signals import post_delete, post_migrate, post_save

from documents.preview import reference_changed
from indicators.models import CoefficientSet, FuelCoefficient, GridFactor, Indicator
from parks.models import Province
from plans.models import Cycle

REFERENCE_MODELS = (Indicator, CoefficientSet, FuelCoefficient, GridFactor, Cycle, Province)


def listen() -> None:
    for model in REFERENCE_MODELS:
        name = model._meta.label
        post_save.connect(reference_changed, sender=model, dispatch_uid=f"preview-save-{name}")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=f"preview-del-{name}")
    post_migrate.connect(reference_changed, dispatch_uid="preview-migrate")
