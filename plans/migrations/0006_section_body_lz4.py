from django.db import migrations

from core.migration_ops import column_compression


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_projectprogress_taskprogress_and_more")]

    operations = [column_compression("plans_section", "body")]
