"""Reads for parks and users, already scoped to the user and with their joins done."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from core.cache import kept
from parks.audit import plain
from parks.history import kind_of
from parks.models import AuditEntry, NationalBody, Park, ParkProfile, Province, User
from parks.roles import Role
from parks.signed_in import name_key


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


NAME_SECONDS = 300


def user_display_name(user_id) -> str:
    """A user's name as pages show it (User.display_name; "" for none), kept in the shared cache
    until the user is saved (parks.signed_in forgets it): the review page names the version's
    submitter as they are called now, without a query every time it is opened."""
    if user_id is None:
        return ""

    def read():
        user = User.objects.only("full_name", "username").filter(pk=user_id).first()
        return user.display_name if user else ""

    return kept(name_key(user_id), NAME_SECONDS, read, forgotten_on_write=True)


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


# The person filter's value for changes made by the system (no person: a task, the demo data).
SYSTEM = "system"


def audit_list(
    *,
    user,
    park: Park,
    person: str = "",
    part: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """The park's change history, newest first, filtered: by who (`person`: a user's id or
    SYSTEM), by part (`part`: a content type's id, or "<content type>:<record id>"), by days
    (`since` and `until`, inclusive, in the portal's time zone)."""
    entries = AuditEntry.objects.visible_to(user).filter(park=park).select_related("target_type")
    if person == SYSTEM:
        entries = entries.filter(actor__isnull=True)
    elif person:
        entries = entries.filter(actor_id=person)
    if part:
        type_id, _colon, target_id = part.partition(":")
        entries = entries.filter(target_type_id=type_id)
        if target_id:
            entries = entries.filter(target_id=target_id)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def audit_current_values(entries) -> dict[int, dict]:
    """For the open autosave sessions among `entries` (audit rows, or a query of them), the
    new values parks.history shows: their records' current values, {entry id: {field: value}}.
    One query a kind of record, none when no session is open; a record gone since shows the
    session's values as stored."""
    if isinstance(entries, QuerySet):
        entries = entries.filter(is_open=True).select_related("target_type")
    sessions = [entry for entry in entries if entry.is_open]
    by_type: dict[ContentType, list[AuditEntry]] = {}
    for entry in sessions:
        by_type.setdefault(entry.target_type, []).append(entry)
    current = {}
    for content_type, opened in by_type.items():
        model = content_type.model_class()
        if model is None:
            continue
        fields = {name for entry in opened for name in entry.changes}
        fields &= {f.name for f in model._meta.concrete_fields if not f.is_relation}
        if not fields:
            continue
        records = {
            str(values.pop("pk")): values
            for values in model._base_manager.filter(
                pk__in=[entry.target_id for entry in opened]
            ).values("pk", *fields)
        }
        for entry in opened:
            if entry.target_id in records:
                current[entry.pk] = {
                    name: plain(value)
                    for name, value in records[entry.target_id].items()
                    if name in entry.changes
                }
    return current


@dataclass(frozen=True)
class AuditFilterOptions:
    people: list[tuple[str, str]]  # (person filter value, name)
    content_types: list[ContentType]  # the kinds of record the history holds
    records: list[tuple[ContentType, str, str]]  # (type, record id, repr) of itemised kinds


def audit_filter_options(*, user, park: Park) -> AuditFilterOptions:
    """Who changed something in the park and what was changed, for the history's filters (each
    record of the kinds parks.history lists one by one: sections, tables). Three queries
    whatever the history holds."""
    entries = AuditEntry.objects.visible_to(user).filter(park=park).order_by()
    names: dict[str, str] = {}
    for actor_id, name in entries.values_list("actor_id", "actor_name").distinct():
        names[str(actor_id) if actor_id else SYSTEM] = name
    people = sorted(
        ((value, name or value) for value, name in names.items() if value != SYSTEM),
        key=lambda pair: pair[1],
    )
    if SYSTEM in names:
        people.append((SYSTEM, gettext("System")))
    type_ids = entries.values_list("target_type_id", flat=True).distinct()
    content_types = [ContentType.objects.get_for_id(pk) for pk in type_ids]
    listed = [ct.pk for ct in content_types if kind_of(ct).itemised]
    records = (
        entries.filter(target_type_id__in=listed)
        .values_list("target_type_id", "target_id")
        .annotate(repr=Max("target_repr"))
    )
    return AuditFilterOptions(
        people=people,
        content_types=content_types,
        records=[(ContentType.objects.get_for_id(t), pk, r) for t, pk, r in records],
    )


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
