"""Reads for parks and users, already scoped to the user and with their joins done."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from parks.models import AuditEntry, NationalBody, Park, ParkProfile, Province, User
from parks.roles import Role


def park_list(*, user, q: str = "", province: str = "", active: str = "") -> QuerySet[Park]:
    parks = Park.objects.visible_to(user).select_related("province", "profile")
    if q:
        parks = parks.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(district__icontains=q)
        )
    if province:
        parks = parks.filter(province__code=province)
    if active in {"1", "0"}:
        parks = parks.filter(is_active=active == "1")
    return parks


def province_list(*, user) -> QuerySet[Province]:
    """Provinces that hold at least one park the user may see, with their park counts."""
    visible = Park.objects.visible_to(user)
    return (
        Province.objects.filter(parks__in=visible)
        .annotate(park_count=Count("parks", distinct=True))
        .order_by("code")
    )


def national_bodies() -> QuerySet[NationalBody]:
    """The national reviewing body's names, newest first; the first is the one in force."""
    return NationalBody.objects.filter(valid_from__lte=timezone.localdate())


def province_get(*, pk: int) -> Province:
    return get_object_or_404(Province, pk=pk)


def audit_list(*, user, park: Park) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.visible_to(user).filter(park=park).select_related("target_type")


def user_list(*, user, q: str = "", role: str = "") -> QuerySet[User]:
    users = (
        User.objects.visible_to(user)
        .select_related("park", "province")
        .order_by("role", "park__name", "username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(park__name__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    return users


def user_get(*, user, pk: int) -> User:
    return get_object_or_404(User.objects.visible_to(user), pk=pk)


@dataclass(frozen=True)
class AdminOverview:
    parks_active: int
    parks_inactive: int
    users_by_role: dict[str, int]


def admin_overview() -> AdminOverview:
    parks = Park.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )
    by_role = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")))
    return AdminOverview(
        parks_active=parks["active"],
        parks_inactive=parks["inactive"],
        users_by_role={str(label): by_role.get(value, 0) for value, label in Role.choices},
    )


def park_profile_for_reading(*, park: Park) -> ParkProfile:
    """The park's information as stored, or, before anyone has saved it, the empty form's
    defaults (unsaved: reading never writes)."""
    profile = ParkProfile.objects.select_related("updated_by").filter(park=park).first()
    if profile is None:
        profile = ParkProfile(park=park, city=park.district)
    profile.park = park
    return profile
