from django.contrib import admin

from indicators.models import (
    Accounting,
    CoefficientSet,
    CustomFuel,
    FuelCoefficient,
    GridFactor,
    Indicator,
    PlanIndicator,
    TableData,
    WorkbookImport,
)
from parks.roles import Perm, has_perm


class CatalogueAdmin(admin.ModelAdmin):
    """The national catalogue and the coefficient sets: only a holder of MANAGE_CATALOGUE (the
    national admin) sees or changes them, whatever Django's own staff flags say."""

    def has_module_permission(self, request):
        return has_perm(request.user, Perm.MANAGE_CATALOGUE) and super().has_module_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        return has_perm(request.user, Perm.MANAGE_CATALOGUE) and super().has_view_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return has_perm(request.user, Perm.MANAGE_CATALOGUE) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return has_perm(request.user, Perm.MANAGE_CATALOGUE) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return has_perm(request.user, Perm.MANAGE_CATALOGUE) and super().has_delete_permission(
            request, obj
        )


@admin.register(Indicator)
class IndicatorAdmin(CatalogueAdmin):
    list_display = (
        "code",
        "name",
        "unit",
        "category",
        "direction",
        "required",
        "reference_text",
        "derivation",
        "is_active",
    )
    list_filter = ("required", "category", "direction", "is_active")
    search_fields = ("code", "name", "source")
    list_editable = ("is_active",)


class FrozenOnceUsed:
    """A set that plans already compute with is never edited in place: publish a new version
    (a new set) instead, so figures already computed keep the coefficients they named."""

    def _in_use(self, obj):
        return obj is not None and Accounting.objects.filter(coefficient_set=obj).exists()

    def has_change_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._in_use(obj) and super().has_add_permission(request, obj)


class FuelCoefficientInline(FrozenOnceUsed, admin.TabularInline):
    model = FuelCoefficient
    extra = 0
    fields = (
        "position",
        "code",
        "name",
        "unit",
        "tce_per_unit",
        "ncv_gj_per_unit",
        "carbon_tc_per_tj",
        "oxidation_rate",
        "co2_t_per_unit",
        "source",
        "status",
    )


class GridFactorInline(FrozenOnceUsed, admin.TabularInline):
    """A set in use keeps its factors as they are, but takes a newly published year: figures
    pin the factor of each year when computed (indicators.grid), so a new row changes none of
    them; the plans that used a stand-in for that year are marked and offered a recomputation."""

    model = GridFactor
    extra = 0
    fields = (
        "position",
        "data_year",
        "scope",
        "region",
        "t_co2_per_mwh",
        "issuer",
        "announcement",
        "announced_year",
        "source",
        "status",
    )

    def has_add_permission(self, request, obj=None):
        return super(FrozenOnceUsed, self).has_add_permission(request, obj)


@admin.register(CoefficientSet)
class CoefficientSetAdmin(CatalogueAdmin):
    list_display = ("version", "name", "is_default", "created_at")
    inlines = [FuelCoefficientInline, GridFactorInline]


@admin.register(PlanIndicator)
class PlanIndicatorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "baseline", "revision")
    list_select_related = ("plan__park", "indicator")
    search_fields = ("plan__park__name", "custom_name", "indicator__name")


@admin.register(TableData)
class TableDataAdmin(admin.ModelAdmin):
    list_display = ("plan", "table", "revision", "updated_at", "updated_by")
    list_filter = ("table",)
    list_select_related = ("plan__park", "updated_by")
    readonly_fields = ("values", "revision", "updated_at", "updated_by")


@admin.register(CustomFuel, Accounting, WorkbookImport)
class PlanNumbersAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan")
    list_select_related = ("plan__park",)
