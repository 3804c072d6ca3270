"""The plan editor: thin views over plans.selectors and plans.services.

plan.py the plan's pages and PlanAccessMixin; sections.py the section editor; rows.py the
structured tables; files.py figures and supporting files.
"""

from plans.views.files import (
    AttachmentAddView,
    AttachmentDownloadView,
    FigureAddView,
    FigureImageView,
)
from plans.views.plan import PlanAccessMixin, PlanDetailView, PlanEntryView
from plans.views.rows import (
    RowCreateView,
    RowDeleteView,
    RowEditView,
    RowListView,
    RowMoveView,
    file_table_context,
    table_context,
)
from plans.views.sections import (
    RoadmapSaveView,
    SectionAutosaveView,
    SectionEditView,
    SectionPresenceView,
)

__all__ = [
    "AttachmentAddView",
    "AttachmentDownloadView",
    "FigureAddView",
    "FigureImageView",
    "PlanAccessMixin",
    "PlanDetailView",
    "PlanEntryView",
    "RoadmapSaveView",
    "RowCreateView",
    "RowDeleteView",
    "RowEditView",
    "RowListView",
    "RowMoveView",
    "SectionAutosaveView",
    "SectionEditView",
    "SectionPresenceView",
    "file_table_context",
    "table_context",
]
