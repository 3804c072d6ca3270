"""Tenancy in one place: the single mapping from a user to what it may see.

`park_filter(user, prefix)`: park staff their own park, provincial reviewers the parks of their
province, national reviewers and admins every park. Park-owned querysets expose it as
`visible_to(user)` (parks.models.ParkScopedQuerySet); views reach park data only through
parks.access.PortalAccessMixin. Outside one's scope an object does not exist (404); inside it, a
missing right is a 403.
"""

from django.db.models import Q

from parks.roles import Level, Perm, effective_role, has_perm, level_of

NOTHING = Q(pk__in=[])


def park_filter(user, prefix: str = "") -> Q:
    """A Q over Park, reached through `prefix` ("" for Park itself, "park__" for owned models)."""
    level = level_of(user)
    if level == Level.NATIONAL:
        return Q()
    if level == Level.PROVINCE:
        return Q(**{f"{prefix}province_id": user.province_id})
    if level == Level.PARK:
        return Q(**{f"{prefix}id": user.park_id})
    return NOTHING


def scope_key(user) -> str:
    """Everything park_filter's answer depends on, for a key under which an answer found through
    it is kept (plans.selectors.plan_get_kept): the user, and the role they act in (a superuser
    without a role acts as a national admin; an inactive account in none), park and province
    that scope them (a user moved, demoted or given another role gets another key)."""
    return f"{user.pk}:{effective_role(user)}:{user.park_id or ''}:{user.province_id or ''}"


def user_filter(user) -> Q:
    """Which user accounts a user may see: admins all, everyone else only their own."""
    if has_perm(user, Perm.MANAGE_USERS):
        return Q()
    if getattr(user, "is_authenticated", False):
        return Q(pk=user.pk)
    return NOTHING
