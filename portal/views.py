from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView

from parks import selectors
from parks.roles import Level, Perm, has_perm, level_of


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's home: park staff their park, reviewers their parks, admins an overview."""

    template_name = "portal/home.html"

    def get(self, request, *args, **kwargs):
        level = level_of(request.user)
        if level == Level.PARK:
            return HttpResponseRedirect(reverse("parks:park-detail", args=[request.user.park_id]))
        if level != Level.NONE and not has_perm(request.user, Perm.MANAGE_USERS):
            return HttpResponseRedirect(reverse("parks:park-list"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if has_perm(self.request.user, Perm.MANAGE_USERS):
            context["overview"] = selectors.admin_overview()
        return context


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
