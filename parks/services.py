"""Writes for parks, users and the park information (template part 一).

Invariants:
- Every write goes through a function here, runs in one transaction and records an audit row.
- The park information is saved with a revision check: `filter(pk, revision=n).update(..., n+1)`.
  Zero rows means someone else saved first; ConcurrentEditError carries their version and nothing
  is overwritten.
- A user's role fixes its level: park roles need a park, provincial reviewers a province, national
  roles neither (also a database constraint).
- Side effects (invitation e-mails) are queued with transaction.on_commit.
"""

import csv
import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import ConcurrentEditError, revision_update
from parks.audit import audit_record, audited_create, field_changes
from parks.models import AuditEntry, NationalBody, Park, ParkProfile, Province, User
from parks.profile import field_label
from parks.roles import ROLE_LEVEL, Level, Role
from parks.tasks import send_invitation
from parks.validators import validate_seal_image

DATA_DIR = Path(__file__).resolve().parent / "data"


# --- park information -------------------------------------------------------------------------


def park_profile_get_or_create(*, park: Park) -> ParkProfile:
    profile, _created = ParkProfile.objects.select_related("updated_by").get_or_create(
        park=park, defaults={"city": park.district}
    )
    profile.park = park
    return profile


@transaction.atomic
def park_profile_save(
    *, park: Park, actor: User, data: dict, expected_revision: int, seal=None
) -> ParkProfile:
    profile = park_profile_get_or_create(park=park)
    if profile.revision != expected_revision:
        raise ConcurrentEditError(profile)
    before = {f: getattr(profile, f) for f in data}
    before["seal"] = profile.seal.name or ""
    for field, value in data.items():
        setattr(profile, field, value)
    storage = profile.seal.storage
    new_seal = None
    if seal is not None:
        try:
            ext = validate_seal_image(seal)
        except ValidationError as error:
            raise ValidationError({"seal": error.messages}) from None
        new_seal = storage.save(f"seals/{park.pk}/seal.{ext}", seal)
        # Earlier seal files are kept: the audit trail names them.
        profile.seal.name = new_seal
    profile.full_clean(exclude=["park"])

    values = {f: getattr(profile, f) for f in data}
    if new_seal:
        values["seal"] = new_seal
    now = timezone.now()
    updated = revision_update(
        ParkProfile.objects,
        pk=profile.pk,
        revision=expected_revision,
        **values,
        updated_at=now,
        updated_by=actor,
    )
    if not updated:
        if new_seal:
            storage.delete(new_seal)
        raise ConcurrentEditError(ParkProfile.objects.get(pk=profile.pk))
    labels = {f: field_label(ParkProfile, f) for f in values}
    changes = field_changes(before, values, labels)
    if changes:
        audit_record(
            actor=actor, park=park, target=profile, action=AuditEntry.Action.UPDATE, changes=changes
        )
    return park_profile_get_or_create(park=park)


# --- parks and provinces (admins) -------------------------------------------------------------

PARK_FIELDS = ("name", "short_name", "province", "district", "approved_year", "is_active")


def _model_labels(model, fields):
    return {f: str(model._meta.get_field(f).verbose_name) for f in fields}


@transaction.atomic
def park_create(*, actor: User, **values) -> Park:
    park = Park(**{f: values[f] for f in PARK_FIELDS if f in values})
    park.full_clean()
    park.save()
    ParkProfile.objects.create(park=park, city=park.district)
    # audited once the park has its id (the audit row names it)
    audit_record(
        actor=actor,
        park=park,
        target=park,
        action=AuditEntry.Action.CREATE,
        changes=field_changes(
            {}, {f: getattr(park, f) for f in PARK_FIELDS}, _model_labels(Park, PARK_FIELDS)
        ),
    )
    return park


@transaction.atomic
def park_update(*, actor: User, park: Park, **values) -> Park:
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = {f: getattr(park, f) for f in values}
    for field, value in values.items():
        setattr(park, field, value)
    park.full_clean()
    park.save(update_fields=[*values, "updated_at"])
    changes = field_changes(before, values, _model_labels(Park, values))
    if changes:
        audit_record(
            actor=actor, park=park, target=park, action=AuditEntry.Action.UPDATE, changes=changes
        )
    return park


@transaction.atomic
def province_update(*, actor: User, province: Province, reviewing_body: str) -> Province:
    province = Province.objects.select_for_update().get(pk=province.pk)
    before = {"reviewing_body": province.reviewing_body}
    province.reviewing_body = reviewing_body
    province.full_clean()
    province.save(update_fields=["reviewing_body"])
    changes = field_changes(
        before, {"reviewing_body": reviewing_body}, _model_labels(Province, ["reviewing_body"])
    )
    if changes:
        audit_record(
            actor=actor,
            park=None,
            target=province,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return province


# --- users ------------------------------------------------------------------------------------

USER_FIELDS = ("username", "full_name", "email", "phone", "role", "park", "province", "is_active")


def _clean_membership(role: str, park: Park | None, province: Province | None) -> dict:
    """Keep only the membership the role's level allows; complain about a missing one.
    National admins also get Django admin (is_staff, is_superuser); nobody else does."""
    level = ROLE_LEVEL.get(role, Level.NONE)
    admin = {"is_staff": role == Role.NATIONAL_ADMIN, "is_superuser": role == Role.NATIONAL_ADMIN}
    if level == Level.PARK:
        if park is None:
            raise ValidationError({"park": _("A park role needs a park.")})
        return {"park": park, "province": None, **admin}
    if level == Level.PROVINCE:
        if province is None:
            raise ValidationError({"province": _("A provincial reviewer needs a province.")})
        return {"park": None, "province": province, **admin}
    return {"park": None, "province": None, **admin}


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str,
    role: str,
    park: Park | None = None,
    province: Province | None = None,
    phone: str = "",
    password: str | None = None,
    invite: bool = True,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        role=role,
        **_clean_membership(role, park, province),
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    audited_create(user, actor=actor, park=user.park, labels=_model_labels(User, USER_FIELDS))
    if invite and email:
        transaction.on_commit(lambda: send_invitation.delay(user.pk), robust=True)
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **values) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    role = values.get("role", user.role)
    values.update(
        _clean_membership(
            role, values.get("park", user.park), values.get("province", user.province)
        )
    )
    before = {f: getattr(user, f) for f in values}
    for field, value in values.items():
        setattr(user, field, value)
    user.full_clean()
    user.save(update_fields=list(values))
    changes = field_changes(before, values, _model_labels(User, values))
    if changes:
        audit_record(
            actor=actor,
            park=user.park,
            target=user,
            action=AuditEntry.Action.UPDATE,
            changes=changes,
        )
    return user


def user_invite(*, user: User) -> None:
    transaction.on_commit(lambda: send_invitation.delay(user.pk), robust=True)


# --- reference data ---------------------------------------------------------------------------

# The reviewing departments' names as of 2024; admins edit them in the portal.
_MUNICIPAL_BODIES = {
    "110000": "北京市科学技术委员会",
    "120000": "天津市科学技术局",
    "310000": "上海市科学技术委员会",
    "500000": "重庆市科学技术局",
    "660000": "新疆生产建设兵团科学技术局",
}
# Policy 国科发火〔2021〕28号 was issued by the Ministry of Science and Technology; the Torch
# Center moved to the Ministry of Industry and Information Technology in November 2023.
NATIONAL_BODIES = (
    (datetime.date(2021, 1, 1), "科学技术部火炬高技术产业开发中心"),
    (datetime.date(2023, 11, 1), "工业和信息化部火炬高技术产业开发中心"),
)


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load provinces, parks and the national body. Safe to run again: it adds what is missing
    and never overwrites what admins have edited (renamed parks are found by their seed key)."""
    created = {"provinces": 0, "parks": 0, "national_bodies": 0}
    provinces = {}
    for row in _read_csv(data_dir / "provinces.csv"):
        province, was_created = Province.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "reviewing_body": _MUNICIPAL_BODIES.get(row["code"], f"{row['name']}科学技术厅"),
            },
        )
        provinces[province.code] = province
        created["provinces"] += was_created
    for row in _read_csv(data_dir / "parks.csv"):
        if Park.objects.filter(seed_key=row["name"]).exists():
            continue
        # A park an admin already created under this name is adopted, not duplicated.
        adopted = Park.objects.filter(name=row["name"], seed_key__isnull=True).update(
            seed_key=row["name"]
        )
        if adopted:
            continue
        park = Park.objects.create(
            seed_key=row["name"],
            name=row["name"],
            province=provinces[row["province_code"]],
            district=row["district"],
        )
        ParkProfile.objects.create(park=park, city=park.district)
        created["parks"] += 1
    for valid_from, name in NATIONAL_BODIES:
        _body, was_created = NationalBody.objects.get_or_create(
            valid_from=valid_from, defaults={"name": name}
        )
        created["national_bodies"] += was_created
    return created
