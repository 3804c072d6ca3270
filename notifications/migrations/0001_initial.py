"""Notifications and e-mail preferences move from review/ to notifications/: the tables stay
where they are (review_notification, review_emailpreference); only Django's state moves, and the
content types follow so permissions and admin history keep pointing at them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.model_moves import move_content_types

MODELS = ["notification", "emailpreference"]


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("review", "0005_background_job"),
    ]

    state_operations = [
        migrations.CreateModel(
            name='EmailPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('muted', models.JSONField(blank=True, default=list)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='email_preference', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'review_emailpreference',
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('submitted', 'A plan was submitted'), ('forwarded', 'A plan was forwarded'), ('returned', 'A plan was returned'), ('approved', 'A plan was approved'), ('reopened', 'An approved plan was reopened'), ('comment', 'New comment'), ('deadline', 'Deadline reminder'), ('assigned', 'A plan was assigned to me')], max_length=20)),
                ('message', models.CharField(max_length=300)),
                ('url', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('read_at', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'review_notification',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', 'read_at'], name='review_noti_user_id_47c293_idx')],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations),
        migrations.RunPython(
            move_content_types("review", "notifications", MODELS),
            move_content_types("notifications", "review", MODELS),
        ),
    ]
