"""The reports that follow an approved plan up: what is owed and due, and starting one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from parks.roles import Perm, has_perm
from plans.models import Plan
from plans.views.plan import PlanAccessMixin
from reports import selectors, services


class PlanReportsView(PlanAccessMixin, TemplateView):
    template_name = "reports/plan_reports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lines=selectors.report_lines(user=self.request.user, plan=self.plan),
            can_start=has_perm(self.request.user, Perm.EDIT_PLAN),
            **kwargs,
        )


class ReportStartView(PlanAccessMixin, View):
    required_perm = Perm.EDIT_PLAN

    def post(self, request, plan_pk):
        kind = request.POST.get("kind", "")
        year = request.POST.get("data_year", "")
        if kind not in (Plan.Kind.ANNUAL, Plan.Kind.FINAL) or (
            kind == Plan.Kind.ANNUAL and not year.isdigit()
        ):
            messages.error(request, _("Choose a report to start."))
            return HttpResponseRedirect(reverse("reports:list", args=[self.plan.pk]))
        try:
            report = services.report_start(
                plan=self.plan,
                kind=kind,
                data_year=int(year) if kind == Plan.Kind.ANNUAL else None,
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("reports:list", args=[self.plan.pk]))
        messages.success(request, _("The report is started, filled in from the approved plan."))
        return HttpResponseRedirect(reverse("plans:plan-detail", args=[report.pk]))
