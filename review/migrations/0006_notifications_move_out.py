"""Notifications and e-mail preferences now belong to notifications/ (its 0001 takes them over);
only Django's state changes here, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_background_job"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notification", name="user"),
                migrations.DeleteModel(name="EmailPreference"),
                migrations.DeleteModel(name="Notification"),
            ]
        )
    ]
