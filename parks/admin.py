from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parks.audit import audit_unlock
from parks.models import AuditEntry, NationalBody, Park, ParkProfile, Province, User


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "reviewing_body")
    search_fields = ("code", "name", "reviewing_body")


@admin.register(NationalBody)
class NationalBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "province", "district", "approved_year", "is_active")
    list_filter = ("is_active", "province")
    search_fields = ("name", "short_name", "district")
    list_select_related = ("province",)


@admin.register(ParkProfile)
class ParkProfileAdmin(admin.ModelAdmin):
    list_display = ("park", "dept_name", "contact_name", "updated_at", "revision")
    search_fields = ("park__name", "dept_name", "contact_name")
    list_select_related = ("park",)
    readonly_fields = ("revision", "updated_at", "updated_by")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "role", "park", "province", "is_active")
    list_filter = ("role", "is_active", "province")
    search_fields = ("username", "full_name", "email", "park__name")
    list_select_related = ("park", "province")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Portal role"), {"fields": ("full_name", "phone", "role", "park", "province")}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    # an open session's stored new values are its first (its record holds the latest): the
    # change history page reads them as they are
    list_display = ("at", "actor_name", "action", "target_type", "target_repr", "park", "is_open")
    list_filter = ("action", "target_type", "is_open")
    search_fields = ("actor_name", "target_repr", "park__name")
    list_select_related = ("park", "target_type")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


# django-axes registers its own; this one audits the unlocking and names it.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed logins per username and address (parks.login_guard). Deleting a row, or the
    "unlock" action, lifts its lockout at once; the audit trail records who did."""

    actions = ["unlock", "delete_selected"]

    @admin.action(description=_("Unlock the selected logins"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = len(queryset)
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext("%(count)d login unlocked.", "%(count)d logins unlocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_unlock(actor=request.user, attempts=[obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        audit_unlock(actor=request.user, attempts=list(queryset))
        super().delete_queryset(request, queryset)
