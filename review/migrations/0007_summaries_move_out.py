"""Summary snapshots and export jobs now belong to summaries/ (its 0001 takes them over); only
Django's state changes here, the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0006_notifications_move_out'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='summarysnapshot',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='summarysnapshot',
            name='cycle',
        ),
        migrations.RemoveField(
            model_name='summarysnapshot',
            name='versions',
        ),
        migrations.DeleteModel(
            name='ExportJob',
        ),
        migrations.DeleteModel(
            name='SummarySnapshot',
        ),
            ]
        )
    ]
