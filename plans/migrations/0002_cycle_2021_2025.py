"""The first reporting cycle, 2021-2025 (base year 2020, history 2016-2020).

The deadline is a starting value; national admins change it in the portal's admin pages.
"""

import datetime

from django.db import migrations


def add_cycle(apps, schema_editor):
    Cycle = apps.get_model("plans", "Cycle")
    Cycle.objects.get_or_create(
        code="2021-2025",
        defaults={
            "name": "2021-2025年",
            "plan_start_year": 2021,
            "plan_end_year": 2025,
            "base_year": 2020,
            "history_start_year": 2016,
            "history_end_year": 2020,
            "deadline": datetime.date(2026, 12, 31),
            "outline_version": "2021-1",
            "is_current": True,
        },
    )


def remove_cycle(apps, schema_editor):
    apps.get_model("plans", "Cycle").objects.filter(code="2021-2025", plans__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(add_cycle, remove_cycle)]
