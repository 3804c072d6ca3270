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


def plain(value):
    """A field's value as an audit row stores it."""
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
        if plain(old) != plain(new):
            changes[field] = {
                "label": str(labels.get(field, field)),
                "old": plain(old),
                "new": plain(new),
            }
    return changes


def audit_record(
    *,
    actor,
    park,
    target,
    action: str,
    changes: dict | None = None,
    before: dict | None = None,
    coalesce: datetime.timedelta | None = None,
) -> AuditEntry | None:
    """Write an audit row.

    With `coalesce` (autosaves), a change by the same person to the same record within that
    time extends their last row, if that row is an open autosave session: autosave every few
    seconds makes one row per editing session, not thousands. The session's row keeps each
    field's first old value and stays open (`is_open`): extending it touches its time only,
    never its text (a section's old and new text are ~12 KB of JSON, rewritten on every
    autosave until the eighth session's bench/README.md), and while it is open its new values
    are the record's current ones (parks.history reads them from the record). The row's
    changes carry "autosave": true.

    `before`, the record's audited values before this change, closes the record's open session
    (its new values become these), so a record that autosaves passes it with every change. Only
    open sessions are extended: an explicit save, an import or the demo data that wrote the
    record just before keeps its own row, so the next session's row starts from the text as it
    was then (extending the earlier row showed "—" as the old value of a section that had text).

    Returns the new row, or None when it extended the person's row (one UPDATE, nothing read)."""
    target_type = ContentType.objects.get_for_model(type(target))
    target_id = str(target.pk)
    actor = actor if getattr(actor, "pk", None) else None
    if coalesce and changes:
        changes = {field: {**change, "autosave": True} for field, change in changes.items()}
    session = bool(coalesce and actor and changes)
    if session and _extend_session(
        target_type=target_type,
        target_id=target_id,
        actor=actor,
        action=action,
        changes=changes,
        since=timezone.now() - coalesce,
    ):
        return None
    if before is not None:
        close_session(target, before)
    return AuditEntry.objects.create(
        park=park,
        actor=actor,
        actor_name=getattr(actor, "display_name", "") or "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=str(target)[:200],
        changes=changes or {},
        is_open=session,
    )


# Extending the session's row is one statement (autosave runs every few seconds for every editor
# on deadline day, bench/load.py): it picks the record's newest row and extends it only if it is
# this person's open session of the same action within the window. Its time moves on; its
# changes stay as they are (the same stored value, not rewritten) unless this change brings a
# field the session had not changed yet, which is added with its old value. Per vendor, as JSON
# is: the same conditions and the same result in both.
_EXTEND_SQL = {
    "postgresql": (
        "UPDATE {table} SET at = %s, changes = CASE WHEN changes ?& %s::text[] THEN changes "
        "ELSE %s::jsonb || changes END "
        "WHERE id = (SELECT id FROM {table} WHERE target_type_id = %s AND target_id = %s "
        "ORDER BY at DESC, id DESC LIMIT 1) "
        "AND is_open AND actor_id = %s AND action = %s AND at >= %s "
        "RETURNING id"
    ),
    "sqlite": (
        # json_insert adds a path only where there is none
        "UPDATE {table} SET at = %s, changes = json_insert(changes, {fields}) "
        "WHERE id = (SELECT id FROM {table} WHERE target_type_id = %s AND target_id = %s "
        "ORDER BY at DESC, id DESC LIMIT 1) "
        "AND is_open AND actor_id = %s AND action = %s AND at >= %s "
        "RETURNING id"
    ),
}

# Closing the record's open session: each of its fields gets the value it had before the change
# that closes it (the session's last value) as its new value.
_CLOSE_SQL = {
    "postgresql": (
        "UPDATE {table} SET is_open = false, changes = COALESCE((SELECT jsonb_object_agg(k, "
        "CASE WHEN closing.v ? k THEN c.v || jsonb_build_object('new', closing.v -> k) "
        "ELSE c.v END) FROM jsonb_each(changes) AS c (k, v), (SELECT %s::jsonb AS v) AS closing"
        "), changes) "
        "WHERE target_type_id = %s AND target_id = %s AND is_open"
    ),
    "sqlite": (
        "UPDATE {table} SET is_open = 0, changes = COALESCE((SELECT json_group_object(c.key, "
        "CASE WHEN json_type(closing.v, '$.' || c.key) IS NOT NULL "
        "THEN json_set(c.value, '$.new', closing.v -> ('$.' || c.key)) ELSE json(c.value) END) "
        "FROM json_each(changes) AS c, (SELECT json(%s) AS v) AS closing), changes) "
        "WHERE target_type_id = %s AND target_id = %s AND is_open"
    ),
}


def _json(value) -> str:
    # UTF-8, not \uXXXX escapes: a Chinese text is sent and parsed at half the length
    return json.dumps(value, ensure_ascii=False)


def _extend_session(*, target_type, target_id, actor, action, changes, since) -> bool:
    """Extend the person's open session of the record (one UPDATE): True if there was one to
    extend. The meaning is the one of reading the newest row and merging in Python: the row
    must be the record's newest, open, this person's, of this action and no older than
    `since`; a field it has not changed yet is added with its label and old value (its new
    value is read from the record while the session is open, and written when it closes)."""
    connection = connections[router.db_for_write(AuditEntry)]
    statement = _EXTEND_SQL.get(connection.vendor)
    now = timezone.now()
    added = {
        field: {key: value for key, value in change.items() if key != "new"}
        for field, change in changes.items()
    }
    if statement is None:
        last = (
            AuditEntry.objects.filter(target_type=target_type, target_id=target_id)
            .order_by("-at", "-id")
            .first()
        )
        extends = last and last.is_open and last.actor_id == actor.pk and last.action == action
        if not (extends and last.at >= since):
            return False
        last.changes, last.at = {**added, **last.changes}, now
        last.save(update_fields=["changes", "at"])
        return True
    if connection.vendor == "postgresql":
        fields, changed = "", [list(added), _json(added)]
    else:
        fields = ", ".join(["'$.' || %s, json(%s)"] * len(added))
        changed = [part for item in added.items() for part in (item[0], _json(item[1]))]
    assert all(field.isidentifier() for field in added)  # a model field's name, never input
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            statement.format(
                table=connection.ops.quote_name(AuditEntry._meta.db_table), fields=fields
            ),
            [
                adapt(now),
                *changed,
                target_type.pk,
                target_id,
                actor.pk,
                action,
                adapt(since),
            ],
        )
        return cursor.fetchone() is not None


def close_session(target, values: dict) -> None:
    """Close the record's open autosave session, if it has one: its fields' new values are
    `values` (the record's values before the change that closes it, or as it is deleted)."""
    target_type = ContentType.objects.get_for_model(type(target))
    target_id = str(target.pk)
    values = {field: plain(value) for field, value in values.items()}
    connection = connections[router.db_for_write(AuditEntry)]
    statement = _CLOSE_SQL.get(connection.vendor)
    if statement is None:
        for entry in AuditEntry.objects.filter(
            target_type=target_type, target_id=target_id, is_open=True
        ):
            entry.changes = {
                field: {**change, "new": values[field]} if field in values else change
                for field, change in entry.changes.items()
            }
            entry.is_open = False
            entry.save(update_fields=["changes", "is_open"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            statement.format(table=connection.ops.quote_name(AuditEntry._meta.db_table)),
            [_json(values), target_type.pk, target_id],
        )


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
