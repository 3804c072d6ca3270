from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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
    list_display = ("at", "actor_name", "action", "target_type", "target_repr", "park")
    list_filter = ("action", "target_type")
    search_fields = ("actor_name", "target_repr", "park__name")
    list_select_related = ("park", "target_type")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
