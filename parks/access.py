"""The one view mixin through which every page reaches park data (the scoping it applies is
parks.scoping's). Outside one's scope an object does not exist (404); inside it, a missing right
is a 403."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from core import fragments
from parks.models import Park
from parks.roles import Perm, has_perm


class PortalAccessMixin(LoginRequiredMixin):
    """The one view mixin through which every page reaches park data.

    - `park_kwarg` in the URL: `self.park` is the park, looked up among the parks the user may see
      (404 otherwise) before any right is checked, so outsiders learn nothing.
    - `required_perm`: checked after the scope; a missing right answers 403.
    - `resolve_scope(**kwargs)`: a view whose URL names another scoped object (a user account,
      later a section or a file) looks it up here, also before any right is checked.
    - `get_queryset()` for single-object views: `model.objects.visible_to(user)`.
    - `cached_part(kind, render)`: a part of the page kept in the shared cache (core.fragments)
      as this reader sees it.
    """

    required_perm: Perm | None = None
    park_kwarg = "park_pk"
    park = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.park_kwarg in kwargs:
            self.park = get_object_or_404(
                Park.objects.visible_to(request.user).select_related("province"),
                pk=kwargs[self.park_kwarg],
            )
        self.resolve_scope(**kwargs)
        if self.required_perm and not has_perm(request.user, self.required_perm):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def resolve_scope(self, **kwargs) -> None:
        """Look up the URL's other objects among those the user may see (404 otherwise)."""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def cached_part(self, kind: str, render) -> str:
        """The page's part of `kind` from the shared cache, else `render()` stored there
        (core.fragments.cached): named, besides its generation, by the reader and what scopes
        them (role, province), the language, the day (days left, overdue, reports owed), the
        query string and the templates' digest."""
        user = self.request.user
        parts = (
            user.pk,
            user.role,
            user.province_id,
            get_language(),
            timezone.localdate(),
            sorted(self.request.GET.lists()),
            fragments.templates_digest(),
        )
        return fragments.cached(kind, parts, render)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("park", self.park)
        return super().get_context_data(**kwargs)
