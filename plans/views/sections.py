"""Writing the sections: the editor, its autosave and the roadmap's carbon-peak year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.concurrency import ConcurrentEditError
from core.forms import apply_validation_error, submitted_fields
from core.text import plain_text
from core.textdiff import diff_html
from parks.roles import Perm
from plans import selectors, services
from plans.forms import (
    RoadmapForm,
    SectionForm,
)
from plans.models import Plan
from plans.outline import ROADMAP_KEY, Kind
from plans.presence import PRESENCE_BEAT, presence_beat
from plans.richtext import sanitize_html
from plans.rows import FILE_KINDS, kinds_for_section
from plans.views.plan import PlanAccessMixin, _time, _who
from plans.views.rows import file_table_context, table_context


class SectionEditView(PlanAccessMixin, TemplateView):
    required_perm = Perm.EDIT_PLAN
    template_name = "plans/section_edit.html"

    def get(self, request, *args, **kwargs):
        if not self.plan.is_editable:
            messages.info(
                request,
                _("The %(what)s is %(state)s: it can be read but not changed.")
                % {"what": self.plan.noun, "state": self.plan.get_status_display()},
            )
            return HttpResponseRedirect(reverse("documents:preview", args=[self.plan.pk]))
        return super().get(request, *args, **kwargs)

    def resolve_scope(self, plan_pk, key, **kwargs):
        super().resolve_scope(plan_pk)
        self.entry, self.section = selectors.section_get(plan=self.plan, key=key)

    def get_context_data(self, form=None, conflict=None, **kwargs):
        entry = self.entry
        previous, following = selectors.outline_neighbours(self.plan, entry.key)
        kinds = {str(k) for k in entry.kinds}
        form = form or SectionForm(
            initial={
                "body": self.section.body,
                "revision": self.section.revision,
                "is_done": self.section.is_done,
            }
        )
        context = {
            "entry": entry,
            "section": self.section,
            "kinds": kinds,
            "form": form,
            "conflict": conflict,
            "status": selectors.plan_outline_status(self.plan),
            "previous": previous,
            "next": following,
            "editor_messages": {
                "saving": _("Saving…"),
                "saved": _("Saved at %(time)s"),
                "unsaved": _("Unsaved changes"),
                "failed": _(
                    "Not saved: the connection failed. Your text is still here; "
                    "it will be saved when the connection is back."
                ),
            },
            # each table in its own partial (the generic one, or its kind's: a report's actuals
            # against their targets), as the row views render it after an edit
            "row_tables": [
                render_to_string(
                    kind.template,
                    table_context(self.plan, kind, user=self.request.user),
                    request=self.request,
                )
                for kind in kinds_for_section(entry.key)
            ],
        }
        if Kind.FIGURES in entry.kinds:
            context["figures"] = file_table_context(self.plan, FILE_KINDS["figures"], entry.key)
        if Kind.ATTACHMENTS in entry.kinds:
            context["attachments"] = file_table_context(
                self.plan, FILE_KINDS["attachments"], entry.key
            )
        if Kind.ROADMAP in entry.kinds:
            context["roadmap_form"] = RoadmapForm(
                initial={
                    "carbon_peak_year": self.plan.carbon_peak_year,
                    "revision": self.plan.roadmap_revision,
                }
            )
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SectionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.section_save(
                plan=self.plan,
                key=self.entry.key,
                body=form.cleaned_data["body"],
                is_done=form.cleaned_data["is_done"],
                expected_revision=form.cleaned_data["revision"],
                actor=request.user,
            )
        except ConcurrentEditError as conflict:
            return self.render_conflict(form, conflict.current)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Saved at %(time)s.") % {"time": _time(timezone.now())})
        return HttpResponseRedirect(request.path)

    def render_conflict(self, form, current):
        """Keep the user's text in the editor, show the stored text and the differences beside
        it, save nothing."""
        data = form.data.copy()
        data["revision"] = current.revision
        form = SectionForm(data)
        form.is_valid()
        self.section = current
        return self.render_to_response(
            self.get_context_data(
                form=form,
                conflict=current,
                conflict_diff=_differences(data.get("body", ""), current.body),
            )
        )


def _differences(mine: str, theirs: str) -> str:
    """The two texts' differences as HTML (core.textdiff), on their plain text."""
    return diff_html(plain_text(sanitize_html(mine)), plain_text(theirs), context=40)


class SectionAutosaveView(SectionEditView):
    """Autosave from the editor's script: JSON in, JSON out; 409 with the stored text on
    a conflict so the page can show both versions."""

    http_method_names = ["post"]

    def resolve_scope(self, plan_pk, key, **kwargs):
        # the plan with its park only, kept between autosaves (the same scoping; its state is
        # checked by the write), and the outline entry only: section_save reads the section
        self.plan = selectors.plan_get_kept(user=self.request.user, pk=plan_pk)
        self.park = self.plan.park
        self.entry = selectors.section_entry(plan=self.plan, key=key)

    def post(self, request, *args, **kwargs):
        data = submitted_fields(request)  # the editor's script sends JSON
        if data is None:
            return JsonResponse(
                {"ok": False, "errors": [_("The autosave could not be read. Save again.")]},
                status=400,
            )
        form = SectionForm(data)
        if not form.is_valid():
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        try:
            section = services.section_save(
                plan=self.plan,
                key=self.entry.key,
                body=form.cleaned_data["body"],
                is_done=form.cleaned_data["is_done"] if "is_done" in data else None,
                expected_revision=form.cleaned_data["revision"],
                actor=request.user,
                autosave=True,
            )
        except ConcurrentEditError as conflict:
            current = conflict.current
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "revision": current.revision,
                    "body": current.body,
                    "diff": _differences(form.cleaned_data["body"], current.body),
                    "message": _(
                        "%(name)s saved this section at %(time)s, after you started. Your text "
                        "has not been saved and is still in the editor. Compare both versions "
                        "below, then keep yours or take theirs."
                    )
                    % {"name": _who(current.updated_by), "time": _time(current.updated_at)},
                },
                status=409,
            )
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages}, status=400)
        except Plan.DoesNotExist:  # deleted since the plan was kept (plan_get_kept)
            raise Http404 from None
        return JsonResponse(
            {
                "ok": True,
                "revision": section.revision,
                "saved_at": _time(section.updated_at),
                "words": section.word_count,
            }
        )


class SectionPresenceView(PlanAccessMixin, View):
    """The editor's heartbeat: JSON with the names of the others who have the section open."""

    required_perm = Perm.EDIT_PLAN

    def post(self, request, plan_pk, key):
        entry, _section = selectors.section_get(plan=self.plan, key=key)
        others = presence_beat(plan=self.plan, section_key=entry.key, user=request.user)
        return JsonResponse({"others": others, "beat": PRESENCE_BEAT})


class RoadmapSaveView(PlanAccessMixin, View):
    required_perm = Perm.EDIT_PLAN
    outline_key = ROADMAP_KEY

    def post(self, request, plan_pk):
        form = RoadmapForm(request.POST)
        section_url = reverse("plans:section-edit", args=[self.plan.pk, ROADMAP_KEY])
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return HttpResponseRedirect(section_url)
        try:
            services.roadmap_save(
                plan=self.plan,
                actor=request.user,
                carbon_peak_year=form.cleaned_data["carbon_peak_year"],
                expected_revision=form.cleaned_data["revision"],
            )
        except ConcurrentEditError as conflict:
            messages.error(
                request,
                _(
                    "Not saved: someone else set the peak year to %(year)s first. Check it and "
                    "save again if yours is right."
                )
                % {"year": conflict.current.carbon_peak_year or "—"},
            )
            return HttpResponseRedirect(section_url)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(section_url)
        messages.success(request, _("Expected carbon peak year saved."))
        return HttpResponseRedirect(section_url)
