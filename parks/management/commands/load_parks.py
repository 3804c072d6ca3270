from django.core.management.base import BaseCommand

from parks.services import reference_data_load


class Command(BaseCommand):
    help = "Load provinces, the 174 national high-tech zones and the national body (idempotent)."

    def handle(self, *args, **options):
        created = reference_data_load()
        self.stdout.write(
            "provinces +{provinces}, parks +{parks}, national bodies +{national_bodies}".format(
                **created
            )
        )
