"""Optimistic locking, shared by every editable record that carries an integer `revision`.

A save names the revision it started from; `revision_update` writes only if that is still the
stored revision (and bumps it), so two people saving the same thing never overwrite each other:
the second gets ConcurrentEditError with what is stored now, and nothing is written.
"""

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import F


class ConcurrentEditError(Exception):
    """Someone saved a newer revision first; `current` is what is stored now."""

    def __init__(self, current):
        super().__init__("concurrent edit")
        self.current = current


def revision_update(queryset, *, pk, revision: int, **values) -> bool:
    """Update the row `pk` only while it is still at `revision`, bumping the revision.
    False when someone saved first (nothing written)."""
    return bool(
        queryset.filter(pk=pk, revision=revision).update(revision=F("revision") + 1, **values)
    )


@contextmanager
def one_snapshot(using: str = "default"):
    """Reads that must agree with one another, whatever commits meanwhile (the change history's
    rows and the records an open session's new values are read from): on PostgreSQL a REPEATABLE
    READ transaction, one snapshot for every statement in it; SQLite's transaction reads one
    snapshot already. Inside a transaction already begun (a test's), its isolation stands."""
    connection = connections[using]
    begins = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if begins and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield
