"""The texts an autosave rewrites every few seconds (a section's text, its audit row's old and
new text) are compressed with lz4 on PostgreSQL (core.migration_ops): runs in CI on
PostgreSQL, skipped with a reason on SQLite, which has no TOAST compression."""

import pytest
from django.db import connection

from tests.live import require

pytestmark = [pytest.mark.live_services, pytest.mark.django_db]


def test_the_texts_an_autosave_rewrites_are_compressed_with_lz4():
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, attcompression FROM pg_attribute "
            "WHERE (attrelid, attname) IN (('plans_section'::regclass, 'body'), "
            "('parks_auditentry'::regclass, 'changes'))"
        )
        columns = {(table, column): method for table, column, method in cursor.fetchall()}

    assert columns == {("plans_section", "body"): "l", ("parks_auditentry", "changes"): "l"}
