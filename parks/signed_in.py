"""The signed-in user of a request, read through the shared cache.

Django's authentication middleware reads the session's user from the database on every request
(and its park and province, for the menus, in queries of their own): a round trip of every page
and every autosave (bench/README.md). Here the user, with the park and province it belongs to,
is kept in the shared cache after Django has loaded and verified it (`auth.get_user`: the
backend, an active account, the session's password hash), for five minutes at most, and is
taken from there by the next requests of the same session hash:

- the entry is the user's, with the session hash it was verified for: a session of another
  password (a changed password, or a database restored with the id given to someone else) finds
  no match and Django verifies it anew;
- every save or delete of the user (but a login's, which writes only `last_login`), of its park
  or of its province (and every change of its
  groups or permissions) drops the user's entry at once and again after the commit, as
  core.fragments renews a generation, so the next request reads the change (a deactivated account
  is signed out at once);
- only where the cache is shared by every process (`CACHE_SHARED`, on with Redis): a
  local-memory cache would keep a user in one process after another process changed it.

A write through `QuerySet.update` sends no signal: it shows within five minutes."""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.functional import SimpleLazyObject

from core import cache as shared_cache
from parks.models import Park, Province, User

CACHED_SECONDS = 300


def _key(user_id) -> str:
    return f"parks:signed-in:{user_id}"


def name_key(user_id) -> str:
    """The key of a user's name as pages show it (parks.selectors.user_display_name), forgotten
    with the signed-in entry."""
    return f"parks:display-name:{user_id}"


def signed_in_user(request):
    """The request's user, as `django.contrib.auth.get_user` gives it."""
    if not settings.CACHE_SHARED:
        return auth.get_user(request)
    user_id = request.session.get(SESSION_KEY)
    session_hash = request.session.get(HASH_SESSION_KEY)
    if user_id is None or not session_hash:
        return auth.get_user(request)
    kept = cache.get(_key(user_id))
    if isinstance(kept, tuple) and kept[0] == session_hash:
        return kept[1]
    user = auth.get_user(request)
    # stored only under a key that holds nothing (core.cache: not over what a write forgot, nor
    # over another session hash's entry)
    if (
        kept is None
        and user.is_authenticated
        and request.session.get(HASH_SESSION_KEY) == session_hash
    ):
        # the park and the province the menus show, read now and kept with the user
        if user.park_id:
            user.park.province  # noqa: B018  loads them into the kept object
        if user.province_id:
            user.province  # noqa: B018
        cache.add(_key(user_id), (session_hash, user), CACHED_SECONDS)
    return user


class SignedInUserMiddleware(AuthenticationMiddleware):
    """django.contrib.auth's middleware, the user read through signed_in_user."""

    def process_request(self, request):
        super().process_request(request)

        def get_user():
            if not hasattr(request, "_cached_user"):
                request._cached_user = signed_in_user(request)
            return request._cached_user

        request.user = SimpleLazyObject(get_user)


def forget(*user_ids) -> None:
    """Drop the users' kept entries (core.cache.forget: at once and after the commit)."""
    shared_cache.forget(*(key(pk) for pk in user_ids for key in (_key, name_key)))


def connect() -> None:
    """Forget a user whenever it, its park or its province changes (parks.apps)."""

    def user_changed(sender, instance, created=False, update_fields=None, **kwargs):
        if created or (update_fields and set(update_fields) <= {"last_login"}):
            return  # a new account has nothing kept; a login changes nothing a page shows
        forget(instance.pk)

    def park_changed(sender, instance, **kwargs):
        forget(*User.objects.filter(park=instance).values_list("pk", flat=True))

    def province_changed(sender, instance, **kwargs):
        forget(
            *User.objects.filter(Q(province=instance) | Q(park__province=instance)).values_list(
                "pk", flat=True
            )
        )

    def m2m(sender, instance, **kwargs):
        if isinstance(instance, User):
            forget(instance.pk)

    for model, handler in (
        (User, user_changed),
        (Park, park_changed),
        (Province, province_changed),
    ):
        for signal in (post_save, post_delete):
            signal.connect(handler, sender=model, weak=False, dispatch_uid=f"signed-in:{model}")
    for field in User._meta.many_to_many:
        m2m_changed.connect(
            m2m, sender=field.remote_field.through, weak=False, dispatch_uid=f"signed-in:{field}"
        )
