"""Submission and review pages: thin views over review.selectors and review.services."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from parks import selectors as park_selectors
from parks.access import PortalAccessMixin
from plans.views import PlanAccessMixin
from review import selectors, services
from review.forms import QueueFilterForm, TransitionForm
from review.workflow import State, find


class ReviewPanelView(PlanAccessMixin, TemplateView):
    """The plan's state, what the user may do next, the checklist, versions and timeline."""

    template_name = "review/panel.html"

    def get_context_data(self, **kwargs):
        transitions = selectors.available_transitions(self.plan, self.request.user)
        submit = any(t.action == "submit" for t in transitions)
        return super().get_context_data(
            transitions=transitions,
            checklist=selectors.submission_checklist(self.plan) if submit else None,
            timeline=selectors.timeline(self.plan),
            versions=selectors.versions(self.plan),
            form=TransitionForm(),
            days_left=(self.plan.cycle.deadline - timezone.localdate()).days,
            days_overdue=(timezone.localdate() - self.plan.cycle.deadline).days,
            **kwargs,
        )


class TransitionView(PlanAccessMixin, View):
    def post(self, request, plan_pk, action):
        form = TransitionForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        try:
            services.transition_apply(
                plan=self.plan,
                action=action,
                actor=request.user,
                reason=data.get("reason", ""),
                note=data.get("note", ""),
                comment=data.get("comment", ""),
            )
        except services.TransitionRefused as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            transition = find(self.plan.status, action)
            messages.success(
                request,
                _("Done: %(action)s.") % {"action": transition.label if transition else action},
            )
        return HttpResponseRedirect(reverse("review:panel", args=[self.plan.pk]))


class VersionView(PlanAccessMixin, TemplateView):
    """A submitted version exactly as it was frozen."""

    template_name = "review/version.html"

    def resolve_scope(self, plan_pk, number, **kwargs):
        super().resolve_scope(plan_pk)
        self.version = selectors.version_get(user=self.request.user, plan=self.plan, number=number)

    def get_context_data(self, **kwargs):
        from plans.outline import outline_for

        outline = outline_for(self.version.outline_version)
        return super().get_context_data(
            version=self.version,
            snapshot=self.version.snapshot,
            entries=[(e, d) for e, d in outline.walk()],
            **kwargs,
        )


class QueueView(PortalAccessMixin, ListView):
    template_name = "review/queue.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        from parks.roles import Level, level_of

        if level_of(request.user) == Level.PARK:
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        states = [(s, label) for s, label in State.choices if s != State.DRAFT]
        self.filter_form = QueueFilterForm(
            self.request.GET or None,
            states=states,
            provinces=park_selectors.province_list(user=self.request.user),
        )
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        plans, self.counts = selectors.review_queue(user=self.request.user, **params)
        return plans

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        context["rows"] = [(p, (p.cycle.deadline - today).days) for p in context["object_list"]]
        context["counts"] = [(State(s).label, s, n) for s, n in self.counts.items()]
        return context
