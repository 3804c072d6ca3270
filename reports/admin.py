from django.contrib import admin

from reports.models import ReportDeadline


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    list_display = ("cycle", "kind", "data_year", "due_date")
    list_filter = ("cycle", "kind")
