"""The plan's pages: the way in, the plan page, the preview; PlanAccessMixin scopes every plan
view to the plans the user may see."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from parks.access import PortalAccessMixin
from parks.roles import Perm, has_perm
from plans import selectors, services


def _time(value) -> str:
    return formats.date_format(timezone.localtime(value), "H:i") if value else ""


def _who(user) -> str:
    return user.display_name if user else _("Someone")


class PlanEntryView(PortalAccessMixin, View):
    """The park's plan for the current cycle; park staff start it on their first visit."""

    def get(self, request, park_pk):
        cycle = selectors.cycle_current()
        plan = (
            selectors.plan_list_for_park(user=request.user, park=self.park)
            .filter(cycle=cycle)
            .first()
        )
        if plan is None:
            if not has_perm(request.user, Perm.EDIT_PLAN):
                messages.info(request, _("This park has not started its plan yet."))
                return HttpResponseRedirect(reverse("park-detail", args=[self.park.pk]))
            plan = services.plan_get_or_create(park=self.park, cycle=cycle)
        return HttpResponseRedirect(reverse("plans:plan-detail", args=[plan.pk]))


class PlanAccessMixin(PortalAccessMixin):
    """Resolves the plan in the URL among the plans the user may see (404 otherwise). A view of
    one part of the outline names it (`outline_key`): a plan whose outline lacks it (a report
    has no indicators page of the plan's kind, a plan no actuals) answers 404."""

    outline_key: str | None = None

    def resolve_scope(self, plan_pk, **kwargs):
        self.plan = selectors.plan_get(user=self.request.user, pk=plan_pk)
        self.park = self.plan.park
        if self.outline_key and self.outline_key not in selectors.plan_outline(self.plan).by_key:
            raise Http404

    @property
    def can_edit(self) -> bool:
        """May change the draft now: the right to edit, and a draft the workflow leaves open."""
        return has_perm(self.request.user, Perm.EDIT_PLAN) and self.plan.is_editable

    def get_context_data(self, **kwargs):
        kwargs.setdefault("plan", self.plan)
        kwargs.setdefault("can_edit", self.can_edit)
        kwargs.setdefault("notices", selectors.plan_notices(self.plan))
        return super().get_context_data(**kwargs)


class PlanDetailView(PlanAccessMixin, TemplateView):
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=selectors.plan_outline_status(self.plan), **kwargs)
