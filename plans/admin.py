from django.contrib import admin

from plans.models import (
    Attachment,
    Cycle,
    Figure,
    GroupMember,
    KeyProject,
    KeyTask,
    Milestone,
    Plan,
    Section,
)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "base_year", "deadline", "outline_version", "is_current")


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("key", "word_count", "is_done", "revision", "updated_at", "updated_by")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("park", "cycle", "outline_version", "updated_at")
    list_filter = ("cycle", "park__province")
    search_fields = ("park__name",)
    list_select_related = ("park", "cycle")
    inlines = [SectionInline]


@admin.register(KeyTask, Milestone, KeyProject, GroupMember)
class RowAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "position", "revision")
    list_select_related = ("plan__park",)
    search_fields = ("plan__park__name",)


@admin.register(Figure, Attachment)
class FileRowAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "section_key", "position")
    list_select_related = ("plan__park",)
    search_fields = ("plan__park__name",)
