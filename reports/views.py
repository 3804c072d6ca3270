"""The reports that follow an approved plan up: what is owed and due, and starting one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from parks import selectors as park_selectors
from parks.access import PortalAccessMixin
from parks.roles import Level, Perm, has_perm, level_of
from plans.models import Plan
from plans.views.plan import PlanAccessMixin
from reports import selectors, services
from reports.forms import DueFilterForm


class FollowedPlanMixin(PlanAccessMixin):
    """The plan whose reports these are: a report has none of its own (404)."""

    def resolve_scope(self, plan_pk, **kwargs):
        super().resolve_scope(plan_pk, **kwargs)
        if self.plan.is_report:
            raise Http404


class PlanReportsView(FollowedPlanMixin, TemplateView):
    template_name = "reports/plan_reports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lines=selectors.report_lines(user=self.request.user, plan=self.plan),
            can_start=has_perm(self.request.user, Perm.EDIT_PLAN),
            **kwargs,
        )


class ReportStartView(FollowedPlanMixin, View):
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
        if report.carried_from_year:
            messages.success(
                request,
                _(
                    "The report is started, filled in from the approved plan and the approved "
                    "%(year)s report."
                )
                % {"year": report.carried_from_year},
            )
        else:
            messages.success(request, _("The report is started, filled in from the approved plan."))
        return HttpResponseRedirect(reverse("plans:plan-detail", args=[report.pk]))


class DueReportsView(PortalAccessMixin, TemplateView):
    """The reports owed by the approved plans of the parks a reviewer or an admin may see:
    when each is due, where it stands, which are late."""

    template_name = "reports/due.html"
    paginate_by = 100

    def get(self, request, *args, **kwargs):
        if level_of(request.user) not in (Level.PROVINCE, Level.NATIONAL):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        national = level_of(user) == Level.NATIONAL
        owed = selectors.due_reports(user=user, today=today)
        form = DueFilterForm(
            self.request.GET or None,
            reports=owed.reports,
            provinces=park_selectors.province_list(user=user) if national else None,
        )
        params = form.cleaned_data if form.is_valid() else {}
        # the counts over the report and province chosen, whatever the state
        counted = owed.filtered(
            report=params.get("report", ""), province=params.get("province", "")
        )
        due = counted.filtered(state=params.get("state", ""), overdue=params.get("overdue", False))
        page = Paginator(due.lines, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter_form=form,
            counts=counted.counts,
            lines=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            today=today,
            **kwargs,
        )
