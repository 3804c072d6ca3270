"""Audit rows: every change to park data records who, when, and the old and new values.

Services call `audit_record` inside their transaction; nothing is recorded by signals, so the
actor is always known, in a request or in a Celery task alike. Failed logins and lifted
lockouts are recorded too (`audit_login_failure`, `audit_unlock`), outside any park.
"""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from parks.models import AuditEntry, User


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


def audit_record(
    *,
    actor,
    park,
    target,
    action: str,
    changes: dict | None = None,
    coalesce: datetime.timedelta | None = None,
) -> AuditEntry:
    """Write an audit row. With `coalesce` (autosaves), a change by the same person to the same
    record within that time extends their last row (first old value, latest new value), if that
    row sums up autosaves too: autosave every few seconds makes one row per editing session,
    not thousands. The row's changes carry "autosave": true.

    Only autosave rows are extended: an explicit save, an import or the demo data that wrote the
    record just before keeps its own row, so the session's row starts from the text as it was
    then (extending the earlier row showed "—" as the old value of a section that had text)."""
    target_type = ContentType.objects.get_for_model(type(target))
    actor = actor if getattr(actor, "pk", None) else None
    if coalesce and changes:
        changes = {field: {**change, "autosave": True} for field, change in changes.items()}
    if coalesce and actor:
        # Only the newest row of the record, and only if it is this person's: a save by
        # someone else in between must stay visible as its own row.
        last = (
            AuditEntry.objects.filter(target_type=target_type, target_id=str(target.pk))
            .order_by("-at", "-id")
            .first()
        )
        if (
            last is not None
            and last.actor_id == actor.pk
            and last.action == action
            and last.at >= timezone.now() - coalesce
            and _is_autosave_row(last)
        ):
            merged = dict(last.changes)
            for field, change in (changes or {}).items():
                first_old = merged.get(field, change)["old"]
                merged[field] = {**change, "old": first_old}
            last.changes = merged
            last.at = timezone.now()
            last.save(update_fields=["changes", "at"])
            return last
    return AuditEntry.objects.create(
        park=park,
        actor=actor,
        actor_name=getattr(actor, "display_name", "") or "system",
        action=action,
        target_type=target_type,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def _is_autosave_row(entry: AuditEntry) -> bool:
    changes = entry.changes.values() if isinstance(entry.changes, dict) else ()
    return bool(changes) and all(isinstance(c, dict) and c.get("autosave") is True for c in changes)


def audited_create(obj, *, actor, park, labels: dict, values: dict | None = None):
    """Validate and save a new record, and audit its creation: the new values of the fields
    `labels` names (read from the saved record unless `values` gives them). The one way a
    service creates a record of park data."""
    obj.full_clean()
    obj.save()
    new = {field: getattr(obj, field) for field in labels if field not in (values or {})}
    audit_record(
        actor=actor,
        park=park,
        target=obj,
        action=AuditEntry.Action.CREATE,
        changes=field_changes({}, {**new, **(values or {})}, labels),
    )
    return obj


def audit_login_failure(*, username: str, client: str, path: str, locked_out: bool) -> AuditEntry:
    """A failed login (a wrong password, or any password while locked out): the account tried
    (whether or not it exists), the client's address as the actor, and the login page. Never
    the password tried."""
    user = User.objects.filter(username=username).only("pk").first() if username else None
    return AuditEntry.objects.create(
        park=None,
        actor=None,
        actor_name=client[:150],
        action=AuditEntry.Action.LOCKED_OUT if locked_out else AuditEntry.Action.LOGIN_FAILED,
        target_type=ContentType.objects.get_for_model(User),
        target_id=str(user.pk) if user else "",
        target_repr=username[:200],
        changes={"path": {"label": "path", "old": None, "new": path[:200]}},
    )


def audit_unlock(*, actor, attempts) -> None:
    """A national admin lifted lockouts (deleted django-axes' access attempts)."""
    user_type = ContentType.objects.get_for_model(User)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            park=None,
            actor=actor,
            actor_name=getattr(actor, "display_name", "") or "system",
            action=AuditEntry.Action.UNLOCKED,
            target_type=user_type,
            target_id="",
            target_repr=(attempt.username or "")[:200],
            changes={
                "ip_address": {"label": "ip_address", "old": attempt.ip_address, "new": None},
                "failures": {
                    "label": "failures",
                    "old": attempt.failures_since_start,
                    "new": 0,
                },
            },
        )
        for attempt in attempts
    )
