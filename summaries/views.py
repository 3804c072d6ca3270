"""The national and provincial summaries' pages: the dashboard, named snapshots and the Excel
exports (background jobs). Thin: the numbers are in summaries.dashboard and summaries.figures,
the exports' work, scoping and queries in summaries.exports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core import fragments
from core.files import private_file_response
from indicators.charts import chart_image
from parks import selectors as park_selectors
from parks.access import PortalAccessMixin
from parks.roles import Perm, has_perm
from plans.selectors import cycle_current, cycle_list
from plans.status import State
from review.views import VersionMixin
from summaries import (
    actuals,
    chart_files,
    charts,
    dashboard,
    exports,
    figures,
    selectors,
    services,
)
from summaries.extends import ACTUALS, DASHBOARD
from summaries.figures import DEFAULT_STATES, Scope
from summaries.forms import ActualsFilterForm, DashboardFilterForm, SnapshotForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportForm(forms.Form):
    cycle = forms.ChoiceField(label=gettext_lazy("Reporting cycle"))
    provinces = forms.MultipleChoiceField(
        label=gettext_lazy("Provinces"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=gettext_lazy("None chosen: every province you may see."),
    )
    states = forms.MultipleChoiceField(
        label=gettext_lazy("States"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Approved plans unless you choose otherwise; never drafts."),
    )
    snapshot = forms.ChoiceField(
        label=gettext_lazy("Snapshot"),
        required=False,
        help_text=gettext_lazy(
            "A named snapshot fixes the versions (its states; the states above are ignored)."
        ),
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [(c.code, c.name) for c in choices["cycles"]]
        self.fields["cycle"].initial = choices["current_cycle"]
        self.fields["provinces"].choices = [(p.code, p.name) for p in choices["provinces"]]
        self.fields["states"].choices = choices["states"]
        self.fields["states"].initial = list(DEFAULT_STATES)
        self.fields["snapshot"].choices = [
            ("", gettext_lazy("None: the latest submitted version of each plan"))
        ] + [(str(s.pk), f"{s.name}（{s.created_at:%Y-%m-%d}）") for s in choices["snapshots"]]

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(
            cycle=data["cycle"],
            provinces=tuple(data["provinces"]),
            states=tuple(data["states"]) or DEFAULT_STATES,
            snapshot=int(data["snapshot"]) if data["snapshot"] else None,
        )


def jobs_context(user) -> dict:
    jobs = exports.export_jobs(user=user)
    return {"jobs": jobs, "jobs_pending": any(job.is_pending for job in jobs)}


class ExportListView(PortalAccessMixin, TemplateView):
    """The export form and the user's exports with where each stands."""

    template_name = "summaries/exports.html"
    required_perm = Perm.EXPORT_SUMMARIES

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", ExportForm(choices=exports.export_choices(user=self.request.user))
        )
        return super().get_context_data(**jobs_context(self.request.user), **kwargs)

    def post(self, request):
        form = ExportForm(request.POST, choices=exports.export_choices(user=request.user))
        if form.is_valid():
            try:
                exports.export_request(user=request.user, scope=form.scope())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The export is being made; it appears below when it is ready.")
                )
                return HttpResponseRedirect(reverse("summaries:exports") + "#export-jobs")
        return self.render_to_response(self.get_context_data(form=form))


class ExportJobsView(PortalAccessMixin, TemplateView):
    """The user's exports (the page polls this fragment while one is being made)."""

    template_name = "summaries/_export_jobs.html"
    required_perm = Perm.EXPORT_SUMMARIES

    def get_context_data(self, **kwargs):
        return super().get_context_data(**jobs_context(self.request.user), **kwargs)


class ExportDownloadView(PortalAccessMixin, View):
    """The workbook, for the user who asked for it only (anyone else: 404)."""

    required_perm = Perm.EXPORT_SUMMARIES

    def resolve_scope(self, pk, **kwargs):
        self.job = exports.export_job_get(user=self.request.user, pk=pk)

    def get(self, request, pk):
        if self.job.state != self.job.State.DONE:
            raise Http404
        return private_file_response(
            self.job.file,
            content_type=XLSX,
            as_attachment=True,
            filename=exports.export_filename(self.job),
        )


AS_OF_SLOT = "<!--as-of-->"
SNAPSHOT_FORM_SLOT = "<!--snapshot-form-->"


class DashboardView(PortalAccessMixin, TemplateView):
    """National dashboard (admins, national reviewers) or provincial (a provincial reviewer's
    province only): the scope comes from the filter form, the numbers from figures.dashboard."""

    template_name = "summaries/dashboard.html"
    required_perm = Perm.EXPORT_SUMMARIES

    def get_context_data(self, **kwargs):
        """The content from the shared cache, rendered anew after any write to what it shows
        (core.fragments; the models are connected in summaries.extends); the time of a live
        reading and the admin's snapshot form (its CSRF token) are filled in per request."""
        user = self.request.user
        body = self.cached_part(DASHBOARD, self.render_body)
        now = formats.date_format(timezone.localtime(), "Y-m-d H:i")
        form = ""
        if has_perm(user, Perm.MANAGE_PARKS):
            form = render_to_string(
                "summaries/_snapshot_form.html",
                {"snapshot_form": SnapshotForm()},
                request=self.request,
            )
        body = body.replace(AS_OF_SLOT, now, 1).replace(SNAPSHOT_FORM_SLOT, form, 1)
        return super().get_context_data(body=mark_safe(body), **kwargs)

    def render_body(self) -> str:
        user = self.request.user
        current = cycle_current()
        form = DashboardFilterForm(
            self.request.GET or None,
            initial={"cycle": current.code, "states": list(figures.DEFAULT_STATES)},
            cycles=cycle_list(),
            provinces=park_selectors.province_list(user=user),
            states=[(s, State(s).label) for s in figures.SUMMARY_STATES],
            snapshots=selectors.summary_snapshots(),
        )
        if form.is_bound:
            form.is_valid()  # the fields that are valid count; an invalid one falls back
        data = getattr(form, "cleaned_data", {})
        scope = figures.Scope(
            cycle=data.get("cycle") or current.code,
            provinces=(data["province"],) if data.get("province") else (),
            states=tuple(data.get("states") or figures.DEFAULT_STATES),
            snapshot=int(data["snapshot"]) if data.get("snapshot") else None,
        )
        board = dashboard.dashboard(user=user, scope=scope)

        def image(svg: str) -> str:
            return chart_image(svg, chart_files.chart_url(svg, user))

        context = {
            "form": form,
            "board": board,
            "progress_img": image(charts.progress_chart(board.provinces)),
            "totals_img": image(charts.totals_chart(board.totals, figures.HISTORY_YEARS)),
            "investment_img": image(charts.investment_chart(board.totals, board.provinces)),
            "distributions": [
                (i, image(charts.distribution_chart(i))) for i in board.required_indicators
            ],
            "years": figures.HISTORY_YEARS,
            "as_of_slot": mark_safe(AS_OF_SLOT),
            "snapshot_form_slot": mark_safe(SNAPSHOT_FORM_SLOT),
        }
        return render_to_string("summaries/_dashboard_body.html", context, request=self.request)


class ChartView(PortalAccessMixin, View):
    """A dashboard's chart, by the address its page gave this reader (summaries.chart_files):
    another reader's address, or one no longer kept, does not exist for them."""

    required_perm = Perm.EXPORT_SUMMARIES

    def resolve_scope(self, token, **kwargs):
        if not chart_files.is_readers(token, self.request.user):
            raise Http404
        self.svg = chart_files.chart_svg(token)
        if self.svg is None:
            # dropped before the page that links it: the next reading draws the charts anew
            fragments.bump(DASHBOARD)
            raise Http404

    def get(self, request, token):
        response = HttpResponse(self.svg, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = f"private, max-age={chart_files.CHART_SECONDS}, immutable"
        return response


class ActualsView(PortalAccessMixin, TemplateView):
    """The reports' actuals, nationally and by province (a provincial reviewer: their own
    province), for a data year: the final year's scoreboard against the national goals, each
    year's figures, attainment per indicator, who has not reported (summaries.actuals)."""

    template_name = "summaries/actuals.html"
    required_perm = Perm.EXPORT_SUMMARIES

    def get_context_data(self, **kwargs):
        """The content from the shared cache, rendered anew after any write to what it shows
        (core.fragments; the models are connected in summaries.extends)."""
        body = self.cached_part(ACTUALS, self.render_body)
        return super().get_context_data(body=mark_safe(body), **kwargs)

    def render_body(self) -> str:
        user = self.request.user
        current = cycle_current()
        form = ActualsFilterForm(
            self.request.GET or None,
            years=current.plan_years,
            provinces=park_selectors.province_list(user=user),
            snapshots=selectors.summary_snapshots(),
        )
        if form.is_bound:
            form.is_valid()  # the fields that are valid count; an invalid one falls back
        data = getattr(form, "cleaned_data", {})
        scope = figures.Scope(
            cycle=current.code,
            provinces=(data["province"],) if data.get("province") else (),
            snapshot=int(data["snapshot"]) if data.get("snapshot") else None,
        )
        year = int(data["year"]) if data.get("year") else None
        board = actuals.actuals_board(user=user, scope=scope, year=year)
        context = {"form": form, "board": board}
        return render_to_string("summaries/_actuals_body.html", context, request=self.request)


class SnapshotCreateView(PortalAccessMixin, View):
    required_perm = Perm.MANAGE_PARKS

    def post(self, request):
        form = SnapshotForm(request.POST)
        if form.is_valid():
            try:
                snapshot = services.summary_snapshot_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                    cycle=cycle_current(),
                )
            except services.ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Snapshot “%(name)s” frozen: %(n)s approved plans.")
                    % {
                        "name": snapshot.name,
                        "n": selectors.snapshot_plan_count(snapshot=snapshot),
                    },
                )
                return HttpResponseRedirect(
                    reverse("summaries:dashboard")
                    + f"?snapshot={snapshot.pk}&cycle={snapshot.cycle.code}"
                )
        else:
            messages.error(request, _("Give the snapshot a name."))
        return HttpResponseRedirect(reverse("summaries:dashboard"))


class PeersView(VersionMixin, TemplateView):
    """The version page's "among the other parks" table, as a fragment the page loads: where
    the park's baseline and 2025 target stand nationally and in its province (percentiles)."""

    template_name = "summaries/_peers.html"

    def get_context_data(self, **kwargs):
        peers = dashboard.peer_view(version=self.version, user=self.request.user)
        return super().get_context_data(
            peers=peers,
            peers_withheld=any(row["withheld"] for row in peers),
            peer_minimum=dashboard.PEER_MINIMUM,
            **kwargs,
        )
