"""Optimistic locking, shared by every editable record that carries an integer `revision`.

A save names the revision it started from; `revision_update` writes only if that is still the
stored revision (and bumps it), so two people saving the same thing never overwrite each other:
the second gets ConcurrentEditError with what is stored now, and nothing is written.
"""

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
