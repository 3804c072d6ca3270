"""The one view mixin through which every page reaches park data (the scoping it applies is
parks.scoping's). Outside one's scope an object does not exist (404); inside it, a missing right
is a 403."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

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

    def get_context_data(self, **kwargs):
        kwargs.setdefault("park", self.park)
        return super().get_context_data(**kwargs)
