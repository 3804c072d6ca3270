"""How the change history (parks.history) names the plan's records, connected at start-up
(PlansConfig.ready): a section by its heading in the outline, its text as rich text, the plan's
tables by their titles, an attachment's kind by the outline's label, files by name; and a deleted
section's open autosave session closed."""

from functools import cache

from django.db.models.signals import pre_delete
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parks.audit import close_session
from parks.history import describe
from plans.models import Attachment, Figure, Plan, Section
from plans.outline import OUTLINE_VERSION, outline_for
from plans.rows import ALL_KINDS


def _section_key(target_repr: str) -> str:
    # Section.__str__ is "<plan> · <key>"; outline keys hold no " · ".
    return target_repr.rsplit(" · ", 1)[-1]


@cache
def _headings() -> dict[str, str]:
    """Each entry's heading; an item numbered （1） under 2.3 reads "2.3（1） …", so that the
    (1)s of different chapters can be told apart."""
    headings, parents = {}, []
    for entry, depth in outline_for(OUTLINE_VERSION).walk():
        del parents[depth:]
        parent = parents[-1] if parents else None
        if parent is not None and entry.number.startswith("（"):
            headings[entry.key] = f"{parent.number}{entry.number} {entry.title}"
        else:
            headings[entry.key] = f"{entry.number} {entry.title}".strip()
        parents.append(entry)
    return headings


def section_name(target_repr: str) -> str:
    key = _section_key(target_repr)
    return _headings().get(key, key)


def section_order(target_repr: str) -> int:
    keys = [entry.key for entry in outline_for(OUTLINE_VERSION).sections]
    key = _section_key(target_repr)
    return keys.index(key) if key in keys else len(keys)


def attachment_category(code: str) -> str | None:
    for entry in outline_for(OUTLINE_VERSION).sections:
        labels = dict(entry.attachment_categories)
        if code in labels:
            return labels[code]
    return None


def describe_plans() -> None:
    describe(
        Section,
        label=_("Plan text"),
        name=section_name,
        itemised=True,
        order=section_order,
        rich_text=frozenset({"body"}),
        # the part names the section; its body's stored label is the same heading
        label_of=lambda field, stored: gettext("Section text") if field == "body" else None,
    )
    describe(Plan, label=_("Plan"), name=lambda target_repr: "")
    for kind in ALL_KINDS.values():
        describe(kind.model, label=kind.title)
    describe(Figure, label=ALL_KINDS["figures"].title, files=frozenset({"file"}))
    describe(
        Attachment,
        label=ALL_KINDS["attachments"].title,
        value_of=lambda field, value: attachment_category(value) if field == "category" else None,
    )


def close_sessions_on_delete() -> None:
    """A section deleted (with its plan, a draft without versions an admin deletes) while an
    autosave session of it is open: the session's row is closed with the section's last values,
    as the next save would have closed it; the history could not read them from the section any
    more (parks.selectors.audit_current_values)."""

    def closing(sender, instance, **kwargs):
        close_session(instance, instance.audited_values())

    pre_delete.connect(closing, sender=Section, weak=False, dispatch_uid="plans:close-session")
