from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

from core.fragments import bump, bump_on_change

# The national reference data a draft's document reads: a cached preview names it by this kind's
# generation (documents.preview), renewed by any save or delete of it, however made (the admin,
# a shell, a data load through the models), and after migrations.
REFERENCE_KIND = "documents-reference"
REFERENCE_MODELS = (
    "indicators.Indicator",
    "indicators.CoefficientSet",
    "indicators.FuelCoefficient",
    "indicators.GridFactor",
    "plans.Cycle",
    "parks.Province",
)


def _migrated(**kwargs) -> None:
    bump(REFERENCE_KIND)


class DocumentsConfig(AppConfig):
    """The plan as one document: built from the draft, frozen, thawed, previewed and printed."""

    name = "documents"

    def ready(self):
        bump_on_change((REFERENCE_KIND,), *(apps.get_model(m) for m in REFERENCE_MODELS))
        post_migrate.connect(_migrated, dispatch_uid="documents:reference:migrate")
