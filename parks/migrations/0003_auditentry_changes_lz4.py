from django.db import migrations

from core.migration_ops import column_compression


class Migration(migrations.Migration):
    dependencies = [("parks", "0002_audit_login_actions")]

    operations = [column_compression("parks_auditentry", "changes")]
