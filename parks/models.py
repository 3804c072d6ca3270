"""The tenant (Park), the reviewing units (Province, NationalBody), users and part 一 of the plan
(ParkProfile). Cross-row rules live in services.py; who may see what lives in access.py."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parks.roles import NATIONAL_ROLES, PARK_ROLES, Role
from parks.scoping import park_filter, user_filter
from parks.validators import (
    validate_landline,
    validate_mobile,
    validate_not_future,
    validate_postcode,
)


def private_storage():
    return storages["private"]


class ParkScopedQuerySet(models.QuerySet):
    """Base for every park-owned model's queryset: `visible_to(user)` is the only tenancy filter.

    `park_path` is the lookup from the model to its Park ("park", "plan__park", ...).
    """

    park_path = "park"

    def visible_to(self, user):
        return self.filter(park_filter(user, f"{self.park_path}__"))


class Province(models.Model):
    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    reviewing_body = models.CharField(
        _("reviewing body"),
        max_length=100,
        help_text=_("The provincial department that reviews the parks' plans."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class NationalBody(models.Model):
    """The national reviewing body, by the date its name took effect (it changed in Nov 2023)."""

    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), unique=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("national reviewing body")
        verbose_name_plural = _("national reviewing bodies")

    def __str__(self):
        return self.name


class ParkQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(park_filter(user, ""))


class Park(models.Model):
    name = models.CharField(_("official name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="parks", verbose_name=_("province")
    )
    district = models.CharField(_("city (district)"), max_length=50, blank=True)
    approved_year = models.PositiveSmallIntegerField(
        _("year approved as a national zone"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1988), MaxValueValidator(2100)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The name in the reference list the park was loaded from; lets the loader run again after an
    # admin renamed the park without creating it a second time.
    seed_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self):
        return self.name


class PortalUserManager(UserManager):
    def visible_to(self, user):
        return self.filter(user_filter(user))


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    park = models.ForeignKey(
        Park,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("park"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("province"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_matches_level",
                condition=(
                    # sorted: a frozenset's order changes between processes, and the
                    # migration must not.
                    Q(role__in=sorted(PARK_ROLES), park__isnull=False, province__isnull=True)
                    | Q(role=Role.PROVINCE_REVIEWER, park__isnull=True, province__isnull=False)
                    | Q(
                        role__in=[*sorted(NATIONAL_ROLES), ""],
                        park__isnull=True,
                        province__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username


def seal_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"seals/{instance.park_id}/{uuid.uuid4().hex}.{ext}"


class ParkProfileQuerySet(ParkScopedQuerySet):
    park_path = "park"


class ParkProfile(models.Model):
    """Template part 一 (园区基本信息). A draft may be incomplete; completeness is computed.

    Fixed-format fields (postcode, phones) are wider than their format: the format validator
    alone decides, so a value that is too long gets the format's message, not a length message.
    """

    park = models.OneToOneField(
        Park, on_delete=models.CASCADE, related_name="profile", verbose_name=_("park")
    )
    seal = models.FileField(
        _("official seal"), upload_to=seal_upload_to, storage=private_storage, blank=True
    )
    city = models.CharField(_("City (district)"), max_length=50, blank=True)
    address = models.CharField(_("Mailing address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postcode"), max_length=20, blank=True, validators=[validate_postcode]
    )
    founded_on = models.DateField(
        _("Founding date"), null=True, blank=True, validators=[validate_not_future]
    )

    head_name = models.CharField(_("Full name"), max_length=50, blank=True)
    head_title = models.CharField(_("Position"), max_length=100, blank=True)
    head_landline = models.CharField(
        _("Landline"), max_length=30, blank=True, validators=[validate_landline]
    )
    head_mobile = models.CharField(
        _("Mobile"), max_length=20, blank=True, validators=[validate_mobile]
    )
    head_email = models.EmailField(_("E-mail"), blank=True)
    head_fax = models.CharField(_("Fax"), max_length=30, blank=True, validators=[validate_landline])

    dept_name = models.CharField(_("Department name"), max_length=100, blank=True)
    dept_head_name = models.CharField(_("Department head"), max_length=50, blank=True)
    dept_head_landline = models.CharField(
        _("Landline"), max_length=30, blank=True, validators=[validate_landline]
    )
    dept_head_mobile = models.CharField(
        _("Mobile"), max_length=20, blank=True, validators=[validate_mobile]
    )
    dept_head_email = models.EmailField(_("E-mail"), blank=True)
    dept_head_fax = models.CharField(
        _("Fax"), max_length=30, blank=True, validators=[validate_landline]
    )

    contact_name = models.CharField(_("Department contact person"), max_length=50, blank=True)
    contact_landline = models.CharField(
        _("Landline"), max_length=30, blank=True, validators=[validate_landline]
    )
    contact_mobile = models.CharField(
        _("Mobile"), max_length=20, blank=True, validators=[validate_mobile]
    )
    contact_email = models.EmailField(_("E-mail"), blank=True)
    contact_fax = models.CharField(
        _("Fax"), max_length=30, blank=True, validators=[validate_landline]
    )

    filled_on = models.DateField(
        _("Filling date"), null=True, blank=True, validators=[validate_not_future]
    )

    revision = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ParkProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("park information")
        verbose_name_plural = _("park information")

    def __str__(self):
        return str(self.park)


class AuditEntryQuerySet(ParkScopedQuerySet):
    park_path = "park"


class AuditEntry(models.Model):
    """Who changed what, when, with old and new values. Written by services, never by signals."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        # parks.login_guard: a failed login; one that reached the limit or came while locked;
        # a lockout lifted by an admin
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOCKED_OUT = "locked_out", _("Login failed, locked")
        UNLOCKED = "unlocked", _("Login unlocked")

    park = models.ForeignKey(
        Park, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200)
    # {"field": {"label": "...", "old": ..., "new": ...}}
    changes = models.JSONField(default=dict, blank=True)
    # An autosave session still going on (parks.audit): its "new" values are the record's
    # current ones until the record's next row closes it.
    is_open = models.BooleanField(
        _("editing session open"),
        default=False,
        db_default=False,  # rows written by processes that predate the column
        help_text=_("Autosaves still extend this row; its new values are the record's now."),
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
