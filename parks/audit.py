"""Audit rows: every change to park data records who, when, and the old and new values.

Services call `audit_record` inside their transaction; nothing is recorded by signals, so the
actor is always known, in a request or in a Celery task alike. Failed logins and lifted
lockouts are recorded too (`audit_login_failure`, `audit_unlock`), outside any park.
"""

import datetime
import decimal
import json

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
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
) -> AuditEntry | None:
    """Write an audit row. With `coalesce` (autosaves), a change by the same person to the same
    record within that time extends their last row (first old value, latest new value), if that
    row sums up autosaves too: autosave every few seconds makes one row per editing session,
    not thousands. The row's changes carry "autosave": true.

    Only autosave rows are extended: an explicit save, an import or the demo data that wrote the
    record just before keeps its own row, so the session's row starts from the text as it was
    then (extending the earlier row showed "—" as the old value of a section that had text).

    Returns the new row, or None when it extended the person's row (one UPDATE, nothing read)."""
    target_type = ContentType.objects.get_for_model(type(target))
    actor = actor if getattr(actor, "pk", None) else None
    if coalesce and changes:
        changes = {field: {**change, "autosave": True} for field, change in changes.items()}
    if coalesce and actor:
        now = timezone.now()
        if _extend_autosave_row(
            target_type=target_type,
            target_id=str(target.pk),
            actor=actor,
            action=action,
            changes=changes or {},
            since=now - coalesce,
            now=now,
        ):
            return None
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


# Extending the session's row is one statement (autosave runs every few seconds for every editor
# on deadline day, bench/load.py): it picks the record's newest row, extends it only if it is
# this person's autosave row of the same action within the window, and sends only the changed
# fields: the row's first old values stay in the database, nothing is read back. Per vendor, as
# JSON is: the same conditions and the same result in both.
_EXTEND_SQL = {
    "postgresql": (
        "UPDATE {table} SET at = %s, changes = changes || jsonb_build_object({fields}) "
        "WHERE id = (SELECT id FROM {table} WHERE target_type_id = %s AND target_id = %s "
        "ORDER BY at DESC, id DESC LIMIT 1) "
        "AND actor_id = %s AND action = %s AND at >= %s "
        "AND jsonb_typeof(changes) = 'object' AND changes <> '{{}}'::jsonb "
        "AND NOT EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(changes) = 'object' "
        "THEN changes ELSE '{{}}'::jsonb END) AS c (k, v) "
        "WHERE v -> 'autosave' IS DISTINCT FROM 'true'::jsonb) "
        "RETURNING id",
        # a field: its latest change, with the row's first old value (the change's own if the
        # row has none for the field yet); the change is sent without its old value, and that
        # once apart
        "%s, %s::jsonb || jsonb_build_object('old', COALESCE(changes -> %s -> 'old', %s::jsonb))",
    ),
    "sqlite": (
        "UPDATE {table} SET at = %s, changes = json_set(changes{comma}{fields}) "
        "WHERE id = (SELECT id FROM {table} WHERE target_type_id = %s AND target_id = %s "
        "ORDER BY at DESC, id DESC LIMIT 1) "
        "AND actor_id = %s AND action = %s AND at >= %s "
        "AND json_type(changes) = 'object' AND EXISTS (SELECT 1 FROM json_each(changes)) "
        "AND NOT EXISTS (SELECT 1 FROM json_each(CASE WHEN json_type(changes) = 'object' "
        "THEN changes ELSE '{{}}' END) WHERE json_type(value, '$.autosave') IS NOT 'true') "
        "RETURNING id",
        "'$.' || %s, json_set(json(%s), '$.old', "
        "json(COALESCE(changes -> ('$.' || %s || '.old'), %s)))",
    ),
}


def _extend_autosave_row(*, target_type, target_id, actor, action, changes, since, now) -> bool:
    """Extend the person's autosave row of the record (one UPDATE): True if there was one to
    extend. The meaning is the one of reading the newest row and merging in Python: the row
    must be the record's newest, this person's, of this action, no older than `since`, and
    made of autosave changes only; each changed field gets its latest value and keeps its first
    old value."""
    connection = connections[router.db_for_write(AuditEntry)]
    statement, field_sql = _EXTEND_SQL.get(connection.vendor, (None, None))
    if statement is None:
        return _extend_autosave_row_in_python(
            target_type=target_type,
            target_id=target_id,
            actor=actor,
            action=action,
            changes=changes,
            since=since,
            now=now,
        )
    fields, field_params = [], []
    for field, change in changes.items():
        assert field.isidentifier(), field  # a model field's name, never user input
        # UTF-8, not \uXXXX escapes: a Chinese text is sent and parsed at half the length
        latest = json.dumps({k: v for k, v in change.items() if k != "old"}, ensure_ascii=False)
        fields.append(field_sql)
        field_params += [field, latest, field, json.dumps(change.get("old"), ensure_ascii=False)]
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            statement.format(
                table=connection.ops.quote_name(AuditEntry._meta.db_table),
                fields=", ".join(fields),
                comma=", " if fields else "",
            ),
            [
                adapt(now),
                *field_params,
                target_type.pk,
                target_id,
                actor.pk,
                action,
                adapt(since),
            ],
        )
        return cursor.fetchone() is not None


def _extend_autosave_row_in_python(*, target_type, target_id, actor, action, changes, since, now):
    """_extend_autosave_row for a database without a statement above: read, merge, write."""
    last = (
        AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
        .order_by("-at", "-id")
        .first()
    )
    if (
        last is None
        or last.actor_id != actor.pk
        or last.action != action
        or last.at < since
        or not _is_autosave_row(last)
    ):
        return False
    merged = dict(last.changes)
    for field, change in changes.items():
        merged[field] = {**change, "old": merged.get(field, change)["old"]}
    last.changes, last.at = merged, now
    last.save(update_fields=["changes", "at"])
    return True


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
