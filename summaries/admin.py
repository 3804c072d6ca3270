from django.contrib import admin

from core.admin import ReadOnlyAdmin
from summaries.models import ExportJob, SummarySnapshot


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = (
        "requested_by",
        "cycle",
        "state",
        "progress",
        "parks",
        "created_at",
        "expires_at",
    )
    list_filter = ("state",)
    list_select_related = ("requested_by",)


@admin.register(SummarySnapshot)
class SummarySnapshotAdmin(ReadOnlyAdmin):
    list_display = ("name", "cycle", "created_by", "created_at")
    list_select_related = ("cycle", "created_by")
