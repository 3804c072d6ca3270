"""The plan's structured tables (第四章 4.1-4.3, 第五章), declared once.

Each RowKind names its model, the outline entry it belongs to and the columns shown in the editor
and the preview; the generic row views, services and the document walk this registry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plans.models import (
    Attachment,
    Figure,
    GroupMember,
    KeyProject,
    KeyTask,
    Milestone,
    ProjectProgress,
    TaskProgress,
)
from plans.outline import (
    LEADING_GROUP_KEY,
    PROJECT_PROGRESS_KEY,
    PROJECTS_KEY,
    ROADMAP_KEY,
    TASK_PROGRESS_KEY,
    TASKS_KEY,
)


@dataclass(frozen=True)
class RowKind:
    slug: str
    model: type
    section_key: str
    title: str
    fields: tuple[str, ...]  # editable fields, in column order
    # rows are ordered within a scope (e.g. leading group vs special office)
    scope_field: str | None = None
    # the columns of the editor's table; the edit form and the preview show every field
    list_fields: tuple[str, ...] = ()
    # another app's table: its partial, its row form and extra context for the partial
    template: str = "plans/_rows.html"
    form_class: type | None = None
    extra_context: Callable | None = None
    select_related: tuple[str, ...] = ()
    # called inside the delete transaction: may refuse (ValidationError) or clean up
    before_delete: Callable | None = None
    # extra keyword arguments for the row form, from (plan, row)
    form_kwargs: Callable | None = None
    # False: rows are added elsewhere (a dedicated form), not by the generic row-create view
    creatable: bool = True
    # fields frozen with the row but never edited (a report row's origin in the plan)
    kept_fields: tuple[str, ...] = ()

    @property
    def frozen_fields(self) -> tuple[str, ...]:
        return self.fields + self.kept_fields

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def field(self, name: str):
        """The model field of one of the kind's columns: its verbose name is the column's label
        wherever the rows are shown (editor, preview, exports)."""
        return self.model._meta.get_field(name)


def _keep_carried(row):
    """A task or project of the approved plan stays in its reports: it is cancelled or adjusted
    with a reason, not removed. Rows added during implementation can be removed."""
    if row.carried_from is not None:
        raise ValidationError(
            _(
                "A task or project of the approved plan cannot be removed from the report: "
                "set its status to cancelled or adjusted and give the reason."
            )
        )


ROW_KINDS: dict[str, RowKind] = {
    kind.slug: kind
    for kind in (
        RowKind(
            "tasks",
            KeyTask,
            TASKS_KEY,
            _("Key tasks"),
            ("name", "group", "content", "yearly", "department", "leader"),
            list_fields=("name", "group", "department", "leader"),
        ),
        RowKind(
            "milestones",
            Milestone,
            ROADMAP_KEY,
            _("Roadmap milestones"),
            ("year", "target", "measures"),
            list_fields=("year", "target", "measures"),
        ),
        RowKind(
            "projects",
            KeyProject,
            PROJECTS_KEY,
            _("Key projects"),
            (
                "name",
                "group",
                "necessity",
                "implementer",
                "content",
                "start_year",
                "end_year",
                "investment",
                "government_funds",
                "energy_saved_tce",
                "co2_reduced_t",
                "other_benefits",
                "status",
            ),
            list_fields=("name", "implementer", "start_year", "end_year", "investment", "status"),
        ),
        RowKind(
            "members",
            GroupMember,
            LEADING_GROUP_KEY,
            _("Leading group and special office"),
            ("body", "name", "post", "group_role"),
            scope_field="body",
            list_fields=("body", "name", "post", "group_role"),
        ),
        RowKind(
            "task_progress",
            TaskProgress,
            TASK_PROGRESS_KEY,
            _("Key task progress"),
            ("name", "group", "milestone", "department", "status", "note", "reason"),
            list_fields=("name", "milestone", "department", "status", "reason"),
            before_delete=_keep_carried,
            kept_fields=("carried_from",),
        ),
        RowKind(
            "project_progress",
            ProjectProgress,
            PROJECT_PROGRESS_KEY,
            _("Key project progress"),
            (
                "name",
                "implementer",
                "planned_start_year",
                "planned_end_year",
                "planned_investment",
                "status",
                "actual_start",
                "actual_finish",
                "invested",
                "invested_government",
                "is_added",
                "note",
                "reason",
            ),
            list_fields=(
                "name",
                "planned_end_year",
                "status",
                "actual_finish",
                "planned_investment",
                "invested",
                "reason",
            ),
            before_delete=_keep_carried,
            kept_fields=("carried_from",),
        ),
    )
}


# Files are rows too once uploaded (caption or description edited, reordered, removed); they are
# created only through plans.services.figure_add / attachment_add, which check the file.
FILE_KINDS: dict[str, RowKind] = {
    "figures": RowKind(
        "figures", Figure, "", _("Figures"), ("caption",), scope_field="section_key"
    ),
    "attachments": RowKind(
        "attachments",
        Attachment,
        "",
        _("Supporting files"),
        ("description",),
        scope_field="section_key",
    ),
}
ALL_KINDS: dict[str, RowKind] = {**ROW_KINDS, **FILE_KINDS}


# Tables of other apps (indicators: the park's own fuels, the plan's indicators) are edited with
# the same row views and services; they register themselves in their AppConfig.ready().
EXTRA_KINDS: dict[str, RowKind] = {}


def register(kind: RowKind, *, in_sections: bool = False) -> None:
    """`in_sections`: the kind's rows stand in their section like the plan's own tables (the
    editor, the document, the snapshot, comment anchors walk ROW_KINDS)."""
    EXTRA_KINDS[kind.slug] = kind
    ALL_KINDS[kind.slug] = kind
    if in_sections:
        ROW_KINDS[kind.slug] = kind


# What apps above plans/ add to a section's item count (its state: 未填写 / 填写中 / 已完成):
# each a function plan -> {section key: items}. indicators/ registers its own at start-up, so the
# draft's outline counts indicators and data tables without importing them.
SECTION_COUNTERS: list = []


def register_section_counter(counter) -> None:
    if counter not in SECTION_COUNTERS:
        SECTION_COUNTERS.append(counter)


# What the review above plans/ tells the draft: each a function plan -> {section key: comments
# the park still has to answer}; such a section is 待修改 in the outline and does not count as
# complete. review/ registers its own at start-up.
REVISION_COUNTERS: list = []

# Notices shown on top of the plan's pages (its outline, the section editor, the park's home):
# each a function plan -> list of plans.selectors.PlanNotice.
PLAN_NOTICES: list = []


def register_revision_counter(counter) -> None:
    if counter not in REVISION_COUNTERS:
        REVISION_COUNTERS.append(counter)


def register_plan_notices(provider) -> None:
    if provider not in PLAN_NOTICES:
        PLAN_NOTICES.append(provider)


def kinds_in(outline) -> dict[str, RowKind]:
    """The row kinds whose section the outline has: a plan's tables, or a report's."""
    return {slug: kind for slug, kind in ROW_KINDS.items() if kind.section_key in outline.by_key}


def kinds_for_section(key: str) -> list[RowKind]:
    return [kind for kind in ROW_KINDS.values() if kind.section_key == key]
