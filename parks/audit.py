"""Audit rows: every change to park data records who, when, and the old and new values.

Services call `audit_record` inside their transaction; nothing is recorded by signals, so the
actor is always known, in a request or in a Celery task alike.
"""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile

from parks.models import AuditEntry


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def field_changes(before: dict, after: dict, labels: dict[str, str]) -> dict:
    """The fields whose value differs, as {field: {"label", "old", "new"}}."""
    changes = {}
    for field, new in after.items():
        old = before.get(field)
        if _plain(old) != _plain(new):
            changes[field] = {
                "label": str(labels.get(field, field)),
                "old": _plain(old),
                "new": _plain(new),
            }
    return changes


def audit_record(*, actor, park, target, action: str, changes: dict | None = None) -> AuditEntry:
    return AuditEntry.objects.create(
        park=park,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "display_name", "") or "system",
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )
