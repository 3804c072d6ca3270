from django.core.management.base import BaseCommand

from parks.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the parks and one demo user per role (safe to run twice); prints credentials."

    def handle(self, *args, **options):
        rows = seed_demo()
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD})")
        for demo, created in rows:
            scope = demo.park or demo.province or "national"
            state = "created" if created else "exists"
            self.stdout.write(f"  {demo.username:<18} {demo.role:<18} {scope:<16} {state}")
