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
        from parks.roles import Level, level_of

        transitions = selectors.available_transitions(self.plan, self.request.user)
        submit = level_of(self.request.user) == Level.PARK and self.plan.is_editable
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
    """A submitted version exactly as it was frozen, with comments anchored to its parts."""

    template_name = "review/version.html"

    def resolve_scope(self, plan_pk, number, **kwargs):
        super().resolve_scope(plan_pk)
        self.version = selectors.version_get(user=self.request.user, plan=self.plan, number=number)

    def get_context_data(self, **kwargs):
        from parks.roles import Perm, has_perm

        return super().get_context_data(
            version=self.version,
            doc=selectors.version_view(self.version),
            threads=selectors.comments_by_anchor(user=self.request.user, version=self.version),
            can_comment=has_perm(self.request.user, Perm.REVIEW_PROVINCE)
            or has_perm(self.request.user, Perm.REVIEW_NATIONAL),
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


class VersionMixin(PlanAccessMixin):
    def resolve_scope(self, plan_pk, number, **kwargs):
        super().resolve_scope(plan_pk)
        self.version = selectors.version_get(user=self.request.user, plan=self.plan, number=number)


class CommentPostView(VersionMixin, View):
    def post(self, request, plan_pk, number):
        parent = None
        if request.POST.get("parent", "").isdigit():
            parent = selectors.comment_get(
                user=request.user, version=self.version, pk=int(request.POST["parent"])
            )
        try:
            comment = services.comment_post(
                version=self.version,
                actor=request.user,
                body=request.POST.get("body", ""),
                anchor=request.POST.get("anchor", "plan")[:80],
                anchor_label=request.POST.get("anchor_label", "")[:200],
                parent=parent,
            )
        except services.ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("review:version", args=[plan_pk, number]))
        return HttpResponseRedirect(
            reverse("review:version", args=[plan_pk, number]) + f"#c-{comment.pk}"
        )


class CommentResolveView(VersionMixin, View):
    def post(self, request, plan_pk, number, pk):
        comment = selectors.comment_get(user=request.user, version=self.version, pk=pk)
        try:
            services.comment_resolve(
                comment=comment, actor=request.user, resolved=request.POST.get("resolved") != "0"
            )
        except services.ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("review:version", args=[plan_pk, number]) + f"#c-{pk}")


class VersionFileView(VersionMixin, View):
    """A figure or supporting file exactly as the version refers to it."""

    def get(self, request, plan_pk, number, kind, item):
        from django.core.files.storage import storages
        from django.http import FileResponse

        entries = {"figures": "figures", "attachments": "attachments"}
        if kind not in entries:
            raise Http404
        entry = next((e for e in self.version.snapshot.get(kind, []) if e["id"] == item), None)
        if entry is None or not entry.get("file"):
            raise Http404
        storage = storages["private"]
        if not storage.exists(entry["file"]):
            raise Http404
        if kind == "attachments":
            return FileResponse(
                storage.open(entry["file"], "rb"), as_attachment=True, filename=entry["filename"]
            )
        ext = entry["file"].rsplit(".", 1)[-1]
        return FileResponse(
            storage.open(entry["file"], "rb"),
            content_type="image/png" if ext == "png" else "image/jpeg",
        )


class NotificationListView(PortalAccessMixin, TemplateView):
    template_name = "review/notifications.html"

    def get_context_data(self, **kwargs):
        from review.models import Notification

        return super().get_context_data(
            notifications=selectors.notifications_for(self.request.user),
            kinds=Notification.Kind.choices,
            muted=selectors.muted_email_kinds(self.request.user),
            **kwargs,
        )

    def post(self, request):
        if "mark_read" in request.POST:
            services.notifications_mark_read(user=request.user)
        else:
            services.email_preference_save(
                user=request.user,
                muted=[
                    k
                    for k in request.POST.getlist("kind_known")
                    if k not in request.POST.getlist("email")
                ],
            )
            messages.success(request, _("E-mail settings saved."))
        return HttpResponseRedirect(reverse("review:notifications"))


def cell_label(table: str, row: str, *snapshots) -> str:
    """'Table title · row label' of a data table cell, fuel names taken from the snapshots."""
    from indicators.tables import TABLES

    definition = TABLES.get(table)
    if definition is None:
        return f"{table} · {row}"
    names = {r.key: r.label for r in definition.rows}
    for snapshot in snapshots:
        names.update(
            {line["key"]: line["name"] for line in snapshot.get("energy", {}).get("lines", [])}
        )
    return f"{definition.title} · {names.get(row, row)}"


class VersionDiffView(VersionMixin, TemplateView):
    """What changed from one version to another; by default since the version reviewed last."""

    template_name = "review/diff.html"

    def get_context_data(self, **kwargs):
        from plans.outline import outline_for
        from review.diff import version_diff

        try:
            base_number = int(self.request.GET.get("base", self.version.number - 1))
        except ValueError:
            raise Http404 from None
        base = selectors.version_get(user=self.request.user, plan=self.plan, number=base_number)
        outline = outline_for(self.version.outline_version)
        diff = version_diff(base.snapshot, self.version.snapshot)
        return super().get_context_data(
            version=self.version,
            base=base,
            diff=diff,
            cells=[
                (cell_label(table, row, base.snapshot, self.version.snapshot), year, a, b)
                for table, row, year, a, b in diff.cells
            ],
            headings={e.key: e.heading for e, _depth in outline.walk()},
            threads=selectors.comments_by_anchor(user=self.request.user, version=base),
            versions=selectors.versions(self.plan),
            **kwargs,
        )
