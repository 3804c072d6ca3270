"""Submission and review pages: thin views over review.selectors and review.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from core.files import private_file_response
from core.forms import apply_validation_error
from parks import selectors as park_selectors
from parks.access import PortalAccessMixin
from parks.roles import Level, Perm, has_perm, level_of
from plans.selectors import cycle_list
from plans.status import State
from plans.views import PlanAccessMixin
from review import selectors, services, version_page
from review.diff import as_previous_year, version_diff
from review.extends import QUEUE
from review.forms import AssignForm, QueueFilterForm, TransitionForm
from review.models import PdfDocument
from review.pdfs import pdf_request
from review.revision import part_threads, sent_only, version_threads
from review.workflow import find


class ReviewPanelView(PlanAccessMixin, TemplateView):
    """The plan's state, what the user may do next, the checklist, versions and timeline."""

    template_name = "review/panel.html"

    def get_context_data(self, **kwargs):
        transitions = selectors.available_transitions(self.plan, self.request.user)
        submit = level_of(self.request.user) == Level.PARK and self.plan.is_editable
        reviewers = selectors.assignable_reviewers(self.plan)
        can_assign = selectors.can_assign(self.plan, self.request.user)
        return super().get_context_data(
            transitions=transitions,
            can_submit=any(t.action == "submit" for t in transitions),
            assign_form=AssignForm(
                reviewers=reviewers, initial={"reviewer": self.plan.assigned_to_id}
            )
            if can_assign
            else None,
            checklist=selectors.submission_checklist(self.plan) if submit else None,
            notices=selectors.submission_notices(self.plan) if submit else [],
            timeline=selectors.timeline(self.plan),
            versions=selectors.versions(self.plan),
            **pdf_context(self.plan, self.request.user),
            days_left=(self.plan.deadline - timezone.localdate()).days,
            days_overdue=(timezone.localdate() - self.plan.deadline).days,
            **kwargs,
        )


class TransitionView(PlanAccessMixin, TemplateView):
    """A decision, confirmed: GET shows what is sent (the version, its warnings with their
    justifications, the open comments) and the row's fields (reasons, opinion, declaration);
    POST applies it, or shows the form again with each refusal next to its field."""

    template_name = "review/decide.html"

    def resolve_scope(self, plan_pk, action, **kwargs):
        super().resolve_scope(plan_pk)
        transitions = selectors.available_transitions(self.plan, self.request.user)
        self.transition = next((t for t in transitions if t.action == action), None)

    def _not_now(self, action):
        """The decision is not the user's to take now: a role that never takes it gets a 403;
        one whose plan has moved on meanwhile is sent back to the panel, told why."""
        if not selectors.may_ever_take(self.request.user, action):
            raise PermissionDenied
        if find(self.plan.status, action) is None:
            message = services.not_now_message(self.plan)
        else:
            message = _("Your role cannot do this at this stage.")
        messages.error(self.request, message)
        return HttpResponseRedirect(reverse("review:panel", args=[self.plan.pk]))

    def get(self, request, plan_pk, action):
        if self.transition is None:
            return self._not_now(action)
        return super().get(request, plan_pk=plan_pk, action=action)

    @cached_property
    def decision(self):
        return selectors.decision_summary(self.plan, self.transition)

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            TransitionForm(
                transition=self.transition, open_comments=bool(self.decision.open_comments)
            ),
        )
        return super().get_context_data(
            transition=self.transition, decision=self.decision, **kwargs
        )

    def post(self, request, plan_pk, action):
        if self.transition is None:
            return self._not_now(action)
        form = TransitionForm(
            request.POST,
            transition=self.transition,
            open_comments=bool(self.decision.open_comments),
        )
        form.is_valid()
        data = form.cleaned_data
        try:
            services.transition_apply(
                plan=self.plan,
                action=action,
                actor=request.user,
                reasons=data.get("reasons", []),
                note=data.get("note", ""),
                comment=data.get("comment", ""),
                opinion=data.get("opinion", ""),
                declared=data.get("declared", False),
                acknowledged=data.get("acknowledged", False),
            )
        except services.TransitionRefused as refused:
            apply_validation_error(form, refused)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Done: %(action)s.") % {"action": self.transition.label})
        return HttpResponseRedirect(reverse("review:panel", args=[self.plan.pk]))


class QueueView(PortalAccessMixin, ListView):
    template_name = "review/queue.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        """The queue's content from the shared cache, rendered anew after any write to what it
        shows (core.fragments; the models are connected in review.extends): a reading costs
        the session, the user and two cache reads instead of its nine queries and the rows."""
        if level_of(request.user) == Level.PARK:
            raise Http404
        body = self.cached_part(QUEUE, self.render_body)
        return TemplateResponse(request, self.template_name, {"body": mark_safe(body)})

    def render_body(self) -> str:
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        return render_to_string("review/_queue_body.html", context, request=self.request)

    def get_queryset(self):
        states = [(s, label) for s, label in State.choices if s != State.DRAFT]
        self.filter_form = QueueFilterForm(
            self.request.GET or None,
            states=states,
            provinces=park_selectors.province_list(user=self.request.user),
            cycles=cycle_list(),
            reviewers=selectors.queue_reviewers(self.request.user),
        )
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        plans, self.counts = selectors.review_queue(user=self.request.user, **params)
        return plans

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        context["rows"] = [(p, (p.deadline - today).days) for p in context["object_list"]]
        context["counts"] = [(State(s).label, s, n) for s, n in self.counts.items()]
        return context


class AssignView(PlanAccessMixin, View):
    def post(self, request, plan_pk):
        form = AssignForm(request.POST, reviewers=selectors.assignable_reviewers(self.plan))
        if not form.is_valid():
            messages.error(request, _("Choose a reviewer from the list."))
        else:
            try:
                plan = services.plan_assign(
                    plan=self.plan, actor=request.user, reviewer=form.cleaned_data["reviewer"]
                )
            except services.ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Assigned to %(name)s.") % {"name": plan.assigned_to.display_name}
                    if plan.assigned_to
                    else _("Nobody is assigned now."),
                )
        return HttpResponseRedirect(reverse("review:panel", args=[self.plan.pk]))


class VersionMixin(PlanAccessMixin):
    def resolve_scope(self, plan_pk, number, **kwargs):
        super().resolve_scope(plan_pk)
        self.version = selectors.version_get(user=self.request.user, plan=self.plan, number=number)


class VersionView(VersionMixin, TemplateView):
    """A submitted version exactly as it was frozen, in the preview's layout, with comment
    threads on every part a comment can be anchored to. What depends on the version alone (the
    document, the summary) comes from the shared cache (review.version_page): the snapshot is
    read only to make them."""

    template_name = "review/version.html"

    def resolve_scope(self, plan_pk, number, **kwargs):
        # the plan and the version in one query, both scoped as plan_get and version_get are
        self.version = selectors.version_and_plan_get_kept(
            user=self.request.user, plan_pk=plan_pk, number=number
        )
        self.plan = self.version.plan
        # the plan's state as it is now: the page's notices (a returned plan says so) and
        # can_edit follow it (PlanAccessMixin), the kept plan has it as it was
        self.plan.refresh_from_db(fields=["status"])
        self.park = self.plan.park

    def get(self, request, *args, **kwargs):
        self.readings = selectors.readings_up_to(user=request.user, version=self.version)
        response = super().get(request, *args, **kwargs)
        # after the page is made, so "since the last version you read" still means the one before
        if self.version.number not in self.readings:
            services.version_read(version=self.version, user=request.user)
        return response

    def get_context_data(self, **kwargs):
        # the plan came through plan_get, scoped to what the user may see
        user = self.request.user
        can_comment, can_answer = selectors.comment_rights(self.plan, user, visible=True)
        plan_thread, document = version_page.reader_parts(
            self.version,
            request=self.request,
            audience=(sent_only(user), can_comment, can_answer),
            document=lambda: version_page.document_html(
                self.version, lambda: selectors.version_document(self.version)
            ),
            context=lambda: {
                "threads": version_threads(user=user, version=self.version),
                "can_comment": can_comment,
                "can_answer": can_answer,
                "plan": self.plan,
                "version": self.version,
            },
        )
        return super().get_context_data(
            compare_base=selectors.comparison_base(
                user=user, version=self.version, readings=self.readings
            ),
            previous_year=selectors.previous_year_version(user=user, plan=self.plan)
            if self.plan.kind == self.plan.Kind.ANNUAL
            else None,
            summary_html=version_page.summary_html(
                self.version, lambda: selectors.version_summary(self.version)
            ),
            plan=self.plan,
            version=self.version,
            submitter=park_selectors.user_display_name(self.version.submitted_by_id),
            plan_thread=plan_thread,
            document=document,
            **kwargs,
        )


class PartThreadsView(PlanAccessMixin, TemplateView):
    """The comment threads on a part of the plan, as a panel beside its editor (the section
    editor, the indicators, the data tables, the park information): the park reads and answers
    them where the text is; a reviewer resolves them there too."""

    template_name = "review/_part_threads.html"

    def get_context_data(self, **kwargs):
        parts = {p for p in self.request.GET.get("parts", "").split(",") if p}
        back = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()}):
            back = ""
        return super().get_context_data(
            threads=part_threads(user=self.request.user, plan=self.plan, parts=parts),
            can_answer=selectors.can_answer(self.plan, self.request.user),
            back=back,
            **kwargs,
        )


def _back_or(request, fallback: str) -> str:
    """Where a comment form came from (`next`, a path of this site), else `fallback`."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return fallback


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
                parent=parent,
            )
        except services.ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(
                _back_or(request, reverse("review:version", args=[plan_pk, number]))
            )
        page = _back_or(request, reverse("review:version", args=[plan_pk, number]))
        return HttpResponseRedirect(f"{page.split('#')[0]}#c-{comment.parent_id or comment.pk}")


class CommentResolveView(VersionMixin, View):
    def post(self, request, plan_pk, number, pk):
        comment = selectors.comment_get(user=request.user, version=self.version, pk=pk)
        try:
            services.comment_resolve(
                comment=comment, actor=request.user, resolved=request.POST.get("resolved") != "0"
            )
        except services.ValidationError as error:
            messages.error(request, " ".join(error.messages))
        page = _back_or(request, reverse("review:version", args=[plan_pk, number]))
        return HttpResponseRedirect(f"{page.split('#')[0]}#c-{pk}")


class VersionFileView(VersionMixin, View):
    """A figure or supporting file exactly as the version refers to it."""

    def get(self, request, plan_pk, number, kind, item):
        frozen = self.version.frozen
        if kind == "seals":
            entry = frozen.park.seal
        elif kind == "figures":
            entry = frozen.figure(item)
        elif kind == "attachments":
            entry = frozen.attachment(item)
        else:
            raise Http404
        if entry is None or not entry.file:
            raise Http404
        if kind == "attachments":
            return private_file_response(entry.file, as_attachment=True, filename=entry.filename)
        ext = entry.file.rsplit(".", 1)[-1].lower()
        return private_file_response(
            entry.file,
            content_type="image/png" if ext == "png" else "image/jpeg",
            cache_control="private, max-age=3600",  # a version's files never change
        )


class VersionDiffView(VersionMixin, TemplateView):
    """What changed from one version to another; by default since the version reviewed last."""

    template_name = "review/diff.html"

    def get_context_data(self, **kwargs):
        default = selectors.comparison_base(user=self.request.user, version=self.version)
        try:
            base_number = int(self.request.GET.get("base", default or 0))
        except ValueError:
            raise Http404 from None
        base = selectors.version_get(user=self.request.user, plan=self.plan, number=base_number)
        return super().get_context_data(
            version=self.version,
            base=base,
            diff=version_diff(base.frozen, self.version.frozen),
            threads=version_threads(user=self.request.user, version=self.version),
            versions=selectors.versions(self.plan),
            **kwargs,
        )


class YearOnYearView(VersionMixin, TemplateView):
    """An annual report's version against the previous year's approved report: what moved in
    the actuals, the tasks and projects (matched by the plan's row each carries), the text and
    the data tables (last year's figures against this year's)."""

    template_name = "review/year_on_year.html"

    def get_context_data(self, **kwargs):
        previous = selectors.previous_year_version(user=self.request.user, plan=self.plan)
        if previous is None:
            raise Http404
        return super().get_context_data(
            version=self.version,
            previous=previous,
            diff=version_diff(
                as_previous_year(previous.frozen, self.version.frozen), self.version.frozen
            ),
            threads={},
            **kwargs,
        )


class VerifyView(TemplateView):
    """Public (no login): confirms park, version, state and content hash of a submitted
    version, for whoever holds its PDF; never shows the plan's content."""

    template_name = "review/verify.html"

    def get_context_data(self, content_hash: str = "", **kwargs):
        content_hash = content_hash or self.request.GET.get("hash", "")
        return super().get_context_data(
            content_hash=content_hash.strip(),
            matches=selectors.verification_for(content_hash) if content_hash else None,
            **kwargs,
        )


class PdfListView(PlanAccessMixin, TemplateView):
    """The plan's PDFs and where each stands; the panel polls it while one is being made."""

    template_name = "review/_pdfs.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**pdf_context(self.plan, self.request.user), **kwargs)


def pdf_context(plan, user) -> dict:

    pdfs = selectors.plan_pdfs(plan)
    return {
        "pdfs": pdfs,
        "pdfs_pending": any(p.is_pending for p in pdfs),
        "can_rerun": has_perm(user, Perm.RERUN_JOBS),
        "can_preview_pdf": has_perm(user, Perm.EDIT_PLAN) and plan.is_editable,
    }


class PdfDownloadView(PlanAccessMixin, View):
    def resolve_scope(self, plan_pk, pk, **kwargs):
        super().resolve_scope(plan_pk)
        self.pdf = selectors.pdf_get(user=self.request.user, plan=self.plan, pk=pk)

    def get(self, request, plan_pk, pk):
        if self.pdf.is_pending:
            raise Http404
        names = {"park": self.plan.park.name, "title": self.plan.title}
        if self.pdf.version_id:
            name = _("%(park)s-%(title)s-version %(n)s.pdf") % {
                **names,
                "n": self.pdf.version.number,
            }
        else:
            name = _("%(park)s-%(title)s-draft.pdf") % names
        return private_file_response(
            self.pdf.file, content_type="application/pdf", as_attachment=True, filename=name
        )


class PdfRequestView(PlanAccessMixin, View):
    """Park staff ask for a PDF preview of the draft; an admin renders a version's PDF again."""

    def post(self, request, plan_pk):
        back = reverse("review:panel", args=[self.plan.pk])
        if request.POST.get("pdf", "").isdigit():
            if not has_perm(request.user, Perm.RERUN_JOBS):
                raise PermissionDenied
            pdf = selectors.pdf_get(user=request.user, plan=self.plan, pk=int(request.POST["pdf"]))
            pdf_request(
                plan=self.plan, kind=pdf.kind, version=pdf.version, actor=request.user, force=True
            )
            messages.success(request, _("The PDF is being rendered again."))
            return HttpResponseRedirect(back)
        if not (has_perm(request.user, Perm.EDIT_PLAN) and self.plan.is_editable):
            raise PermissionDenied
        pdf_request(plan=self.plan, kind=PdfDocument.Kind.DRAFT, actor=request.user)
        messages.success(
            request, _("The draft PDF is being made; it appears below when it is ready.")
        )
        return HttpResponseRedirect(back + "#pdfs")
