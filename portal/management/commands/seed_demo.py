from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo.park import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create the parks and one demo user per role (safe to run twice); prints credentials. "
        "Only with DEBUG=true or DEMO=true: the demo users share a published password."
    )

    def handle(self, *args, **options):
        if not (settings.DEBUG or settings.DEMO):
            raise CommandError(
                "seed_demo creates users (among them the superuser 'admin') whose password is "
                "published in the README. It runs only on a demo: set DEMO=true (or DEBUG=true). "
                "For a real deployment create the first administrator with "
                "`python manage.py createsuperuser`."
            )
        rows = seed_demo()
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD})")
        for demo, created in rows:
            scope = demo.park or demo.province or "national"
            state = "created" if created else "exists"
            self.stdout.write(f"  {demo.username:<18} {demo.role:<18} {scope:<16} {state}")
