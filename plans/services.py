"""Writes to a park's plan: sections, structured rows, the roadmap, figures and attachments.

Invariants:
- Every editable record carries `revision`. A save names the revision it started from and is
  applied with `filter(pk, revision=n).update(..., revision=n+1)`; zero rows means someone else
  saved first: ConcurrentEditError carries what is stored now, and nothing is overwritten.
- Section bodies are sanitized on the server (plans.richtext) whatever the browser sent.
- Uploaded files are checked by content (plans.uploads) and stored privately under a random name;
  files are never deleted here, because submitted versions may still refer to them.
- Every change writes an audit row; a person's autosaves of one section within ten minutes
  extend one row (an explicit save keeps its own, so the next session starts from its text).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEditError, revision_update
from core.text import plain_text
from parks.audit import audit_record, audited_create, field_changes
from parks.models import AuditEntry, Park
from plans.models import Attachment, Cycle, Figure, Plan, Section
from plans.outline import Kind, outline_for
from plans.richtext import count_words, sanitize_html
from plans.rows import RowKind
from plans.status import EDITABLE_STATES, State
from plans.uploads import attachment_type, check_size, image_type, safe_filename

AUTOSAVE_AUDIT_WINDOW = datetime.timedelta(minutes=10)


# --- the plan -------------------------------------------------------------------------------


@transaction.atomic
def plan_get_or_create(*, park: Park, cycle: Cycle) -> Plan:
    plan, created = Plan.objects.get_or_create(
        park=park,
        cycle=cycle,
        kind=Plan.Kind.PLAN,
        defaults={"outline_version": cycle.outline_version},
    )
    if created:
        outline = outline_for(plan.outline_version)
        Section.objects.bulk_create(Section(plan=plan, key=entry.key) for entry in outline.sections)
    return plan


def assert_editable(plan: Plan) -> None:
    """The draft can be changed only in the workflow's editable states (review.workflow): while
    a version is under review, or after approval, nothing in the plan is written."""
    # Locking the plan row orders this write against a submission freezing the version.
    status = (
        Plan.objects.select_for_update()
        .filter(pk=plan.pk, park_id=plan.park_id)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        raise Plan.DoesNotExist(f"plan {plan.pk} was deleted")
    if status not in EDITABLE_STATES:
        raise ValidationError(
            _("The %(what)s is %(state)s and cannot be changed now.")
            % {"what": plan.noun, "state": State(status).label}
        )


def _lock_editable_and_touch(plan: Plan) -> None:
    """assert_editable and _touch in one statement: the UPDATE locks the plan row (ordering this
    write against a submission, as assert_editable's SELECT FOR UPDATE does) and matches only
    while the plan is in an editable state."""
    touched = Plan.objects.filter(
        pk=plan.pk, park_id=plan.park_id, status__in=EDITABLE_STATES
    ).update(updated_at=timezone.now())
    if not touched:
        assert_editable(plan)  # raises with the plan's state


def _next_position(rows) -> int:
    return (rows.aggregate(m=Max("position"))["m"] or 0) + 1


def plan_touch(*, plan: Plan) -> None:
    """Mark the draft's content as changed (`Plan.updated_at`, its content stamp): every write
    to what the plan's document shows calls it in its transaction, so the cached preview
    (documents.preview) is made anew."""
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())


def _touch(plan: Plan) -> None:
    plan_touch(plan=plan)


# --- sections -------------------------------------------------------------------------------


@transaction.atomic
def section_save(
    *,
    plan: Plan,
    key: str,
    body: str,
    expected_revision: int,
    actor,
    is_done: bool | None = None,
    autosave: bool = False,
) -> Section:
    """Save a section's text. `autosave`: saved by the editor as the user types; a person's
    autosaves of the section within AUTOSAVE_AUDIT_WINDOW make one audit row.

    An autosave runs every few seconds for every editor on deadline day (bench/load.py), so on
    PostgreSQL it locks and touches the plan (if editable) and writes the section (if at the
    editor's revision) in one statement, and returns the saved section without reading it
    again; else the plan is locked and touched, the section read and written, as before."""
    entry = outline_for(plan.outline_version).by_key.get(key)
    if entry is None or not entry.is_editable:
        raise ValidationError({"body": _("This part of the outline has no text to save.")})
    clean = sanitize_html(body) if Kind.RICH_TEXT in entry.kinds else ""
    text = plain_text(clean)
    words = count_words(text)
    now = timezone.now()
    values = {
        "body": clean,
        "text_length": len(text),
        "word_count": words,
        "updated_at": now,
        "updated_by": actor,
    }
    # PostgreSQL: the plan locked and touched, the section written and read as it was, in one
    # statement; None when the plan is not editable or there is no row at that revision (someone
    # saved first, or the section is not there yet)
    section = _section_write_returning_before(plan, key, expected_revision, is_done, values)
    written = section is not None
    if not written:
        _lock_editable_and_touch(plan)  # raises with the plan's state
        section, _created = Section.objects.get_or_create(plan=plan, key=key)
        if section.revision != expected_revision:
            raise ConcurrentEditError(
                Section.objects.select_related("updated_by").get(pk=section.pk)
            )
    done = section.is_done if is_done is None else is_done
    if clean == section.body and done == section.is_done:
        transaction.set_rollback(True)  # nothing changed: the section and plan stay as they were
        return section
    if not written and not revision_update(
        Section.objects, pk=section.pk, revision=expected_revision, is_done=done, **values
    ):
        raise ConcurrentEditError(Section.objects.select_related("updated_by").get(pk=section.pk))
    before = section.audited_values()
    audit_record(
        actor=actor,
        park=plan.park,
        target=section,
        action=AuditEntry.Action.UPDATE,
        changes=field_changes(
            before,
            {"body": clean, "is_done": done},
            {"body": entry.heading, "is_done": _("marked complete")},
        ),
        before=before,  # closes an open autosave session of the section
        coalesce=AUTOSAVE_AUDIT_WINDOW if autosave else None,
    )
    # what the UPDATE wrote, without reading it back
    section.revision = expected_revision + 1
    section.body, section.text_length, section.word_count = clean, len(text), words
    section.is_done, section.updated_at, section.updated_by = done, now, actor
    return section


def _section_write_returning_before(plan, key, revision, is_done, values) -> Section | None:
    """On PostgreSQL, if `plan` is in an editable state, lock and touch it (as
    _lock_editable_and_touch does) and write its section `key` if it is at `revision` (bumping
    it; the box kept when `is_done` is None); return the section as it was before the write.
    None when the plan is not editable, no row is at that revision, or on another database: the
    caller locks the plan (refused with its state), reads the section and writes it with
    revision_update. (When the plan is editable but the section not at `revision`, the plan is
    touched here and the conflict rolls the transaction back.)

    The old row comes from the statement's snapshot (`FROM` the same table): the write happens
    only if that old row and the row being written are both at `revision`, so a save committed
    by someone else in between finds no row and gets the conflict, as revision_update does."""
    connection = connections[router.db_for_write(Section)]
    if connection.vendor != "postgresql":
        return None
    fields = Section._meta.concrete_fields
    qn = connection.ops.quote_name
    table = qn(Section._meta.db_table)
    states = ", ".join(["%s"] * len(EDITABLE_STATES))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH plan AS (UPDATE {qn(Plan._meta.db_table)} SET updated_at = %s "
            f"WHERE id = %s AND park_id = %s AND status IN ({states}) RETURNING id) "
            f"UPDATE {table} AS s SET revision = s.revision + 1, body = %s, text_length = %s, "
            "word_count = %s, is_done = COALESCE(%s, s.is_done), updated_at = %s, "
            f"updated_by_id = %s FROM {table} AS old, plan "
            "WHERE s.id = old.id AND old.plan_id = plan.id AND old.key = %s "
            "AND old.revision = %s AND s.revision = %s RETURNING "
            + ", ".join(f"old.{qn(f.column)}" for f in fields),
            [
                values["updated_at"],
                plan.pk,
                plan.park_id,
                *EDITABLE_STATES,
                values["body"],
                values["text_length"],
                values["word_count"],
                is_done,
                values["updated_at"],
                values["updated_by"].pk if values["updated_by"] else None,
                key,
                revision,
                revision,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    section = Section.from_db(connection.alias, [f.attname for f in fields], row)
    section.plan = plan
    return section


# --- structured rows (plans.rows) ------------------------------------------------------------


def _row_values(row, fields) -> dict:
    return {f: getattr(row, f) for f in fields}


def _row_labels(kind: RowKind, fields) -> dict:
    return {f: str(kind.model._meta.get_field(f).verbose_name) for f in fields}


def _scope(kind: RowKind, plan: Plan, row=None, data=None):
    rows = kind.model.objects.filter(plan=plan)
    if kind.scope_field:
        value = data[kind.scope_field] if data else getattr(row, kind.scope_field)
        rows = rows.filter(**{kind.scope_field: value})
    return rows


@transaction.atomic
def row_create(*, kind: RowKind, plan: Plan, actor, data: dict):
    assert_editable(plan)
    row = kind.model(plan=plan, position=_next_position(_scope(kind, plan, data=data)), **data)
    audited_create(row, actor=actor, park=plan.park, labels=_row_labels(kind, data))
    _touch(plan)
    return row


@transaction.atomic
def row_update(*, kind: RowKind, row, actor, data: dict, expected_revision: int):
    assert_editable(row.plan)
    current = kind.model.objects.select_for_update().get(pk=row.pk)
    if current.revision != expected_revision:
        raise ConcurrentEditError(current)
    # the plan as the caller has it (a row's checks read its data years, the audit its park)
    current.plan = row.plan
    before = _row_values(current, data)
    for field, value in data.items():
        setattr(current, field, value)
    current.full_clean()
    changes = field_changes(before, data, _row_labels(kind, data))
    if not changes:
        return current
    current.revision += 1
    current.updated_at = timezone.now()
    current.save(update_fields=[*data, "revision", "updated_at"])
    audit_record(
        actor=actor,
        park=current.plan.park,
        target=current,
        action=AuditEntry.Action.UPDATE,
        changes=changes,
    )
    _touch(current.plan)
    return current


@transaction.atomic
def row_delete(*, kind: RowKind, row, actor, expected_revision: int) -> None:
    assert_editable(row.plan)
    current = kind.model.objects.select_for_update().get(pk=row.pk)
    if current.revision != expected_revision:
        raise ConcurrentEditError(current)
    if kind.before_delete:
        kind.before_delete(current)
    fields = [f for f in kind.fields if hasattr(current, f)]
    audit_record(
        actor=actor,
        park=current.plan.park,
        target=current,
        action=AuditEntry.Action.DELETE,
        changes=field_changes(
            _row_values(current, fields), dict.fromkeys(fields), _row_labels(kind, fields)
        ),
    )
    current.delete()
    _touch(current.plan)


@transaction.atomic
def row_move(*, kind: RowKind, row, actor, offset: int) -> None:
    """Move a row up (-1) or down (+1) among the rows of its scope; positions stay 1..n."""
    assert_editable(row.plan)
    rows = list(_scope(kind, row.plan, row=row).select_for_update().order_by("position", "id"))
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    target = index + offset
    if not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for position, item in enumerate(rows, start=1):
        if item.position != position:
            kind.model.objects.filter(pk=item.pk).update(
                position=position, revision=F("revision") + 1
            )
    audit_record(
        actor=actor,
        park=row.plan.park,
        target=row,
        action=AuditEntry.Action.UPDATE,
        changes={"position": {"label": _("order"), "old": index + 1, "new": target + 1}},
    )
    _touch(row.plan)


@transaction.atomic
def roadmap_save(*, plan: Plan, actor, carbon_peak_year: int | None, expected_revision: int):
    assert_editable(plan)
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.roadmap_revision != expected_revision:
        raise ConcurrentEditError(current)
    before = current.carbon_peak_year
    current.carbon_peak_year = carbon_peak_year
    current.full_clean(exclude=["park", "cycle"])
    current.roadmap_revision += 1
    current.updated_at = timezone.now()  # the content stamp (plan_touch)
    current.save(update_fields=["carbon_peak_year", "roadmap_revision", "updated_at"])
    audit_record(
        actor=actor,
        park=current.park,
        target=current,
        action=AuditEntry.Action.UPDATE,
        changes=field_changes(
            {"carbon_peak_year": before},
            {"carbon_peak_year": carbon_peak_year},
            {"carbon_peak_year": str(Plan._meta.get_field("carbon_peak_year").verbose_name)},
        ),
    )
    return current


# --- figures and attachments ----------------------------------------------------------------


def _entry_with(plan: Plan, key: str, kind: Kind):
    assert_editable(plan)
    entry = outline_for(plan.outline_version).by_key.get(key)
    if entry is None or kind not in entry.kinds:
        raise ValidationError(_("This part of the outline does not take such files."))
    return entry


def _store_file_row(row, field_file, name: str, upload, *, actor, audited: dict, labels: dict):
    """Save the checked upload to private storage under a random name, then the row, and audit
    it with the name the file was uploaded with (readers of the history know that one; the
    storage path is the row's business)."""
    field_file.save(name, upload, save=False)
    audited_create(
        row,
        actor=actor,
        park=row.plan.park,
        values={**audited, "file": safe_filename(upload.name, name.rsplit(".", 1)[-1])},
        labels={**labels, "file": _("file")},
    )
    _touch(row.plan)


@transaction.atomic
def figure_add(*, plan: Plan, section_key: str, upload, caption: str, actor) -> Figure:
    _entry_with(plan, section_key, Kind.FIGURES)
    try:
        check_size(upload, settings.FIGURE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    checked = image_type(upload)
    if checked is None:
        raise ValidationError({"image": _("The figure must be a readable PNG or JPEG image.")})
    ext, width, height = checked
    figure = Figure(
        plan=plan,
        section_key=section_key,
        caption=caption,
        width=width,
        height=height,
        position=_next_position(Figure.objects.filter(plan=plan, section_key=section_key)),
    )
    _store_file_row(
        figure,
        figure.image,
        f"figure.{ext}",
        upload,
        actor=actor,
        audited={"caption": caption},
        labels={"caption": _("caption")},
    )
    return figure


@transaction.atomic
def attachment_add(
    *, plan: Plan, section_key: str, category: str, upload, description: str, actor
) -> Attachment:
    entry = _entry_with(plan, section_key, Kind.ATTACHMENTS)
    if category not in dict(entry.attachment_categories):
        raise ValidationError({"category": _("Choose one of the listed kinds of material.")})
    try:
        check_size(upload, settings.ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    # Lock the plan so two uploads cannot both squeeze under the plan's limit.
    Plan.objects.select_for_update().get(pk=plan.pk)
    used = Attachment.objects.filter(plan=plan).aggregate(s=Sum("size"))["s"] or 0
    if used + upload.size > settings.PLAN_ATTACHMENTS_MAX_BYTES:
        raise ValidationError(
            {
                "file": _(
                    "The %(what)s's supporting files would exceed %(limit)s MB in total "
                    "(%(used)s MB used). Remove a file or upload a smaller one."
                )
                % {
                    "what": plan.noun,
                    "limit": settings.PLAN_ATTACHMENTS_MAX_BYTES // 1024 // 1024,
                    "used": f"{used / 1024 / 1024:.1f}",
                }
            }
        )
    try:
        file_type = attachment_type(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attachment = Attachment(
        plan=plan,
        section_key=section_key,
        category=category,
        filename=safe_filename(upload.name, file_type),
        file_type=file_type,
        size=upload.size,
        description=description,
        uploaded_by=actor,
        position=_next_position(Attachment.objects.filter(plan=plan, section_key=section_key)),
    )
    _store_file_row(
        attachment,
        attachment.file,
        f"file.{file_type}",
        upload,
        actor=actor,
        audited={"filename": attachment.filename, "category": category},
        labels={"filename": _("file name"), "category": _("category")},
    )
    return attachment
