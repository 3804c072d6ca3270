"""Reads that must agree with one another (the change history's rows and the records its open
sessions are read from) run in one snapshot (core.concurrency.one_snapshot): on PostgreSQL a
REPEATABLE READ transaction, so a save committed between two of its reads is not half seen. Runs
in CI on PostgreSQL, skipped with a reason on SQLite, whose transactions read one snapshot."""

import threading

import pytest
from django.db import connection, connections

from core.concurrency import one_snapshot
from parks.models import Province
from tests.live import require

pytestmark = [pytest.mark.live_services, pytest.mark.django_db(transaction=True)]


def test_a_write_committed_between_two_reads_of_one_snapshot_is_not_seen():
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    province = Province.objects.create(code="990000", name="快照省", reviewing_body="快照厅")

    def rename():  # another connection, committing at once
        Province.objects.filter(pk=province.pk).update(name="改名省")
        connections.close_all()

    with one_snapshot():
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "repeatable read"
        first = Province.objects.get(pk=province.pk).name
        writer = threading.Thread(target=rename)
        writer.start()
        writer.join()
        second = Province.objects.get(pk=province.pk).name

    assert first == second == "快照省"
    assert Province.objects.get(pk=province.pk).name == "改名省"
