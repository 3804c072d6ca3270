"""Roles and what each may do: the one place that defines them.

A user holds exactly one role, and the role fixes the level the user belongs to: one park, one
province, or the national level. Views ask `has_perm(user, Perm.X)`; nothing else compares roles.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARK_EDITOR = "park_editor", _("Park editor")
    PARK_MANAGER = "park_manager", _("Park manager")
    PROVINCE_REVIEWER = "province_reviewer", _("Provincial reviewer")
    NATIONAL_REVIEWER = "national_reviewer", _("National reviewer")
    NATIONAL_ADMIN = "national_admin", _("National administrator")


class Level(models.TextChoices):
    NONE = "none", _("No access")
    PARK = "park", _("Park")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


class Perm(StrEnum):
    EDIT_PARK_INFO = "edit_park_info"
    EDIT_PLAN = "edit_plan"
    SUBMIT_PLAN = "submit_plan"
    REVIEW_PROVINCE = "review_province"
    REVIEW_NATIONAL = "review_national"
    VIEW_AUDIT = "view_audit"
    MANAGE_PARKS = "manage_parks"
    MANAGE_USERS = "manage_users"
    MANAGE_CATALOGUE = "manage_catalogue"
    EXPORT_SUMMARIES = "export_summaries"
    RERUN_JOBS = "rerun_jobs"  # render a PDF again, re-run a failed background job


PARK_ROLES = frozenset({Role.PARK_EDITOR, Role.PARK_MANAGER})
NATIONAL_ROLES = frozenset({Role.NATIONAL_REVIEWER, Role.NATIONAL_ADMIN})

ROLE_LEVEL: dict[str, Level] = {
    Role.PARK_EDITOR: Level.PARK,
    Role.PARK_MANAGER: Level.PARK,
    Role.PROVINCE_REVIEWER: Level.PROVINCE,
    Role.NATIONAL_REVIEWER: Level.NATIONAL,
    Role.NATIONAL_ADMIN: Level.NATIONAL,
}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.PARK_EDITOR: frozenset({Perm.EDIT_PARK_INFO, Perm.EDIT_PLAN}),
    Role.PARK_MANAGER: frozenset(
        {Perm.EDIT_PARK_INFO, Perm.EDIT_PLAN, Perm.SUBMIT_PLAN, Perm.VIEW_AUDIT}
    ),
    Role.PROVINCE_REVIEWER: frozenset({Perm.REVIEW_PROVINCE, Perm.EXPORT_SUMMARIES}),
    Role.NATIONAL_REVIEWER: frozenset({Perm.REVIEW_NATIONAL, Perm.EXPORT_SUMMARIES}),
    Role.NATIONAL_ADMIN: frozenset(
        {
            Perm.VIEW_AUDIT,
            Perm.MANAGE_PARKS,
            Perm.MANAGE_USERS,
            Perm.MANAGE_CATALOGUE,
            Perm.EXPORT_SUMMARIES,
            Perm.RERUN_JOBS,
        }
    ),
}


def effective_role(user) -> str:
    """The role a user acts in; a Django superuser without a role acts as a national admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ""
    if user.role:
        return user.role
    return Role.NATIONAL_ADMIN if user.is_superuser else ""


def level_of(user) -> Level:
    return ROLE_LEVEL.get(effective_role(user), Level.NONE)


def has_perm(user, perm: Perm) -> bool:
    return perm in ROLE_PERMS.get(effective_role(user), frozenset())


def perms_of(user) -> frozenset[Perm]:
    return ROLE_PERMS.get(effective_role(user), frozenset())
