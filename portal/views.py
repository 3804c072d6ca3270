from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView

from parks import selectors
from parks import selectors as park_selectors
from parks.access import PortalAccessMixin
from parks.profile import completeness
from parks.roles import Level, Perm, has_perm, level_of
from plans import selectors as plan_selectors
from reports import selectors as report_selectors


class HomeView(LoginRequiredMixin, TemplateView):
    """Each role's home: park staff their park, reviewers their queue, admins an overview."""

    template_name = "portal/home.html"

    def get(self, request, *args, **kwargs):
        level = level_of(request.user)
        if level == Level.PARK:
            return HttpResponseRedirect(reverse("park-detail", args=[request.user.park_id]))
        if level != Level.NONE and not has_perm(request.user, Perm.MANAGE_USERS):
            return HttpResponseRedirect(reverse("review:queue"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if has_perm(self.request.user, Perm.MANAGE_USERS):
            context["overview"] = selectors.admin_overview()
        return context


class ParkDetailView(PortalAccessMixin, TemplateView):
    """A park's home: its information, its current plan's progress and, once the plan is
    approved, the reports it owes (due dates, states, days left or late)."""

    template_name = "parks/park_detail.html"

    def get_context_data(self, **kwargs):
        profile = park_selectors.park_profile_for_reading(park=self.park)
        plan = plan_selectors.current_plan_for_park(user=self.request.user, park=self.park)
        return super().get_context_data(
            profile=profile,
            completeness=completeness(profile),
            plan=plan,
            plan_status=plan_selectors.plan_outline_status(plan) if plan else None,
            notices=plan_selectors.plan_notices(plan),
            report_lines=(
                report_selectors.report_lines(user=self.request.user, plan=plan) if plan else []
            ),
            **kwargs,
        )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bench_floor(request):
    """bench/load.py's floor (only with settings.BENCH): a response that reads nothing."""
    return HttpResponse("ok", content_type="text/plain")
