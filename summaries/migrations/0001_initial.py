"""Summary snapshots and export jobs move from review/ to summaries/: the tables stay where they
are (review_summarysnapshot, its versions table, review_exportjob); only Django's state moves,
and the content types follow."""

import django.db.models.deletion
import django.utils.timezone
import parks.models
import summaries.models
from django.conf import settings
from django.db import migrations, models

from core.model_moves import move_content_types

MODELS = ["summarysnapshot", "exportjob"]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('plans', '0004_plan_status_and_assignment'),
        ('review', '0007_summaries_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='SummarySnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('states', models.JSONField(default=list, verbose_name='states')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.cycle')),
                ('versions', models.ManyToManyField(related_name='summary_snapshots', to='review.version')),
            ],
            options={
                'verbose_name': 'summary snapshot',
                'verbose_name_plural': 'summary snapshots',
                'db_table': 'review_summarysnapshot',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ExportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Ready'), ('failed', 'Failed'), ('expired', 'Expired')], default='queued', max_length=10)),
                ('error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('cycle', models.CharField(max_length=20)),
                ('provinces', models.JSONField(default=list)),
                ('states', models.JSONField(default=list)),
                ('progress', models.PositiveSmallIntegerField(default=0)),
                ('step', models.CharField(blank=True, max_length=100)),
                ('file', models.FileField(blank=True, storage=parks.models.private_storage, upload_to=summaries.models.export_upload_to)),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('parks', models.PositiveIntegerField(default=0)),
                ('expires_at', models.DateTimeField(blank=True, null=True)),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to=settings.AUTH_USER_MODEL)),
                ('snapshot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='summaries.summarysnapshot')),
            ],
            options={
                'verbose_name': 'export',
                'verbose_name_plural': 'exports',
                'db_table': 'review_exportjob',
                'ordering': ['-created_at', '-id'],
                'abstract': False,
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(
            move_content_types("review", "summaries", MODELS),
            move_content_types("summaries", "review", MODELS),
        ),
    ]
