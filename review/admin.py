from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from review.models import (
    Comment,
    PdfDocument,
    StatusChange,
    Version,
)


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "submitted_by", "submitted_at", "content_hash")
    list_select_related = ("plan__park", "plan__cycle", "submitted_by")
    search_fields = ("plan__park__name", "content_hash")
    exclude = ("snapshot",)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("plan", "action", "source", "target", "actor_name", "acting_body", "at")
    list_filter = ("action", "target")
    list_select_related = ("plan__park", "plan__cycle")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("version", "anchor_label", "author_name", "published", "is_resolved")
    list_select_related = ("version__plan__park", "version__plan__cycle")


@admin.register(PdfDocument)
class PdfDocumentAdmin(ReadOnlyAdmin):
    list_display = ("plan", "version", "kind", "state", "pages", "render_ms", "finished_at")
    list_filter = ("state", "kind")
    list_select_related = ("plan__park", "plan__cycle", "version")
    search_fields = ("plan__park__name",)
    actions = ["render_again"]

    @admin.action(description=_("Render the selected PDFs again"))
    def render_again(self, request, queryset):
        from review.pdfs import pdf_request

        for pdf in queryset.select_related("plan", "version"):
            pdf_request(
                plan=pdf.plan, kind=pdf.kind, version=pdf.version, actor=request.user, force=True
            )
        messages.success(request, _("%(n)s PDFs queued for rendering.") % {"n": queryset.count()})

    def has_change_permission(self, request, obj=None):
        # the action needs it; the form itself shows nothing editable
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
