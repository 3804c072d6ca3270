"""Thin views: parse input, call one selector or service, render or redirect."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.encoding import escape_uri_path
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View

from core.concurrency import ConcurrentEditError, one_snapshot
from core.files import private_file_response
from core.forms import apply_validation_error
from parks import history, login_guard, selectors, services
from parks.access import PortalAccessMixin
from parks.forms import (
    AuditFilterForm,
    ParkFilterForm,
    ParkForm,
    ParkProfileForm,
    ProvinceForm,
    UserFilterForm,
    UserForm,
)
from parks.history_workbook import history_workbook
from parks.models import ParkProfile
from parks.profile import PROFILE_FIELDS, completeness, field_label
from parks.roles import Perm


class ParkListView(PortalAccessMixin, ListView):
    template_name = "parks/park_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = ParkFilterForm(
            self.request.GET or None, provinces=selectors.province_list(user=self.request.user)
        )
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.park_list(user=self.request.user, **params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["rows"] = [
            (park, completeness(park.profile) if hasattr(park, "profile") else None)
            for park in context["object_list"]
        ]
        return context


class ParkProfileEditView(PortalAccessMixin, FormView):
    required_perm = Perm.EDIT_PARK_INFO
    template_name = "parks/profile_form.html"
    form_class = ParkProfileForm

    @cached_property
    def profile(self):
        return services.park_profile_get_or_create(park=self.park)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.profile, "park": self.park}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            profile=self.profile, completeness=completeness(self.profile), **kwargs
        )

    def form_valid(self, form):
        try:
            services.park_profile_save(
                park=self.park,
                actor=self.request.user,
                data=form.profile_data,
                expected_revision=form.cleaned_data["revision"],
                seal=form.cleaned_data.get("seal"),
            )
        except ConcurrentEditError as conflict:
            return self.render_conflict(form, conflict.current)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Park information saved at %(time)s.")
            % {"time": formats.time_format(timezone.localtime(), "H:i")},
        )
        return HttpResponseRedirect(self.request.path)

    def form_invalid(self, form):
        """The information is a draft that can be saved at any time: the fields without an error
        (and a seal that passed its checks) are saved, the wrong ones stay as typed under their
        message. Nothing wrong is saved; a stale page saves nothing (render_conflict)."""
        if "revision" in form.errors or form.non_field_errors():
            return super().form_invalid(form)
        valid = {f: v for f, v in form.cleaned_data.items() if f in form.profile_fields}
        seal = form.cleaned_data.get("seal")
        if not valid and seal is None:
            return super().form_invalid(form)
        try:
            profile = services.park_profile_save(
                park=self.park,
                actor=self.request.user,
                data=valid,
                expected_revision=form.cleaned_data["revision"],
                seal=seal,
            )
        except ConcurrentEditError as conflict:
            return self.render_conflict(form, conflict.current)
        except ValidationError as error:
            apply_validation_error(form, error)
            return super().form_invalid(form)
        data = form.data.copy()
        data["revision"] = profile.revision
        form.data = data
        self.__dict__["profile"] = profile
        messages.warning(
            self.request,
            _(
                "The other fields were saved at %(time)s. The %(n)s fields marked below were "
                "not saved: correct them and save again."
            )
            % {
                "time": formats.time_format(timezone.localtime(), "H:i"),
                "n": len(form.errors),
            },
        )
        return super().form_invalid(form)

    def render_conflict(self, form, current: ParkProfile):
        """Refuse the save, keep every character the user typed, show what differs."""
        differences = [
            (field_label(ParkProfile, f), form.cleaned_data.get(f), getattr(current, f))
            for f in PROFILE_FIELDS
            if f != "seal" and (form.cleaned_data.get(f) or "") != (getattr(current, f) or "")
        ]
        data = form.data.copy()
        data["revision"] = current.revision
        form.data = data
        form.add_error(
            None,
            _(
                "%(name)s saved this information at %(time)s, after you opened the page. "
                "Your changes have not been saved. Compare them below; saving again keeps "
                "your version."
            )
            % {
                "name": current.updated_by.display_name if current.updated_by else _("Someone"),
                "time": formats.date_format(timezone.localtime(current.updated_at), "Y-m-d H:i"),
            },
        )
        self.__dict__["profile"] = current
        return self.render_to_response(self.get_context_data(form=form, conflict=differences))


class SealView(PortalAccessMixin, View):
    """Serves the seal image from private storage to those who may see the park."""

    def get(self, request, park_pk):
        profile = services.park_profile_get_or_create(park=self.park)
        ext = profile.seal.name.rsplit(".", 1)[-1]
        return private_file_response(
            profile.seal,
            content_type="image/png" if ext == "png" else "image/jpeg",
            cache_control="private, max-age=300",
        )


class AuditFilterMixin(PortalAccessMixin):
    """The change history, filtered as the GET parameters say (the page and its export)."""

    required_perm = Perm.VIEW_AUDIT

    def filtered_history(self):
        options = selectors.audit_filter_options(user=self.request.user, park=self.park)
        self.filter_form = AuditFilterForm(
            self.request.GET or None,
            people=options.people,
            parts=history.part_choices(options.content_types, options.records),
        )
        return selectors.audit_list(
            user=self.request.user, park=self.park, **self.filter_form.filters
        )


class ParkAuditView(AuditFilterMixin, ListView):
    template_name = "parks/audit_list.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        # the rows and an open session's new values, read from its record, agree
        with one_snapshot():
            return super().get(request, *args, **kwargs).render()

    def get_queryset(self):
        return self.filtered_history()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        page = context["page_obj"]
        current = selectors.audit_current_values(page)
        context.update(
            filter_form=self.filter_form,
            entries=[history.read(entry, current.get(entry.pk)) for entry in page],
            filtered=bool(self.filter_form.filters),
            export_url=reverse("parks:park-audit-export", args=[self.park.pk])
            + (f"?{query.urlencode()}" if query else ""),
        )
        return context


class ParkAuditExportView(AuditFilterMixin, View):
    """The change history (as filtered on the page) as an Excel workbook."""

    def get(self, request, park_pk):
        with one_snapshot():  # as the page
            content = history_workbook(
                park=self.park, entries=self.filtered_history(), filters=self.filter_form.described
            )
        filename = f"{self.park.name}-变更记录-{timezone.localdate():%Y%m%d}.xlsx"
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f"attachment; filename=\"history.xlsx\"; filename*=UTF-8''{escape_uri_path(filename)}"
        )
        return response


class ParkCreateView(PortalAccessMixin, FormView):
    required_perm = Perm.MANAGE_PARKS
    template_name = "parks/park_form.html"
    form_class = ParkForm

    def form_valid(self, form):
        try:
            park = services.park_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Park %(name)s created.") % {"name": park.name})
        return HttpResponseRedirect(reverse("park-detail", args=[park.pk]))


class ParkUpdateView(PortalAccessMixin, FormView):
    required_perm = Perm.MANAGE_PARKS
    template_name = "parks/park_form.html"
    form_class = ParkForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.park}

    def form_valid(self, form):
        try:
            services.park_update(actor=self.request.user, park=self.park, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Park saved."))
        return HttpResponseRedirect(reverse("park-detail", args=[self.park.pk]))


class ProvinceListView(PortalAccessMixin, ListView):
    required_perm = Perm.MANAGE_PARKS
    template_name = "parks/province_list.html"

    def get_queryset(self):
        return selectors.province_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(national_bodies=selectors.national_bodies(), **kwargs)


class ProvinceUpdateView(PortalAccessMixin, FormView):
    required_perm = Perm.MANAGE_PARKS
    template_name = "parks/province_form.html"
    form_class = ProvinceForm

    def get_form_kwargs(self):
        self.province = selectors.province_get(pk=self.kwargs["pk"])
        return {**super().get_form_kwargs(), "instance": self.province}

    def form_valid(self, form):
        services.province_update(
            actor=self.request.user,
            province=self.province,
            reviewing_body=form.cleaned_data["reviewing_body"],
        )
        messages.success(self.request, _("Province saved."))
        return HttpResponseRedirect(reverse("parks:province-list"))


class UserListView(PortalAccessMixin, ListView):
    required_perm = Perm.MANAGE_USERS
    template_name = "parks/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = UserFilterForm(self.request.GET or None)
        params = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.user_list(user=self.request.user, **params)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class UserFormMixin(PortalAccessMixin):
    required_perm = Perm.MANAGE_USERS
    template_name = "parks/user_form.html"
    form_class = UserForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "parks": selectors.park_list(user=self.request.user, active="1"),
        }

    def form_valid(self, form):
        try:
            user = self.save(form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("User %(name)s saved.") % {"name": user.display_name})
        return HttpResponseRedirect(reverse("parks:user-list"))


class UserCreateView(UserFormMixin, FormView):
    def save(self, data):
        user = services.user_create(actor=self.request.user, **data)
        messages.info(
            self.request,
            _("An invitation to set a password was sent to %(email)s.") % {"email": user.email},
        )
        return user


class UserUpdateView(UserFormMixin, FormView):
    def resolve_scope(self, pk, **kwargs):
        self.object = selectors.user_get(user=self.request.user, pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def save(self, data):
        return services.user_update(actor=self.request.user, user=self.object, **data)


class UserInviteView(PortalAccessMixin, View):
    required_perm = Perm.MANAGE_USERS

    def resolve_scope(self, pk, **kwargs):
        self.account = selectors.user_get(user=self.request.user, pk=pk)

    def post(self, request, pk):
        user = self.account
        services.user_invite(user=user)
        messages.info(
            request,
            _("An invitation to set a password was sent to %(email)s.") % {"email": user.email},
        )
        return HttpResponseRedirect(reverse("parks:user-list"))


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's "forgotten password" form, with hourly limits per e-mail address, account and
    client address (parks.login_guard). Over a limit the same "on its way" page shows, whether or
    not the address has an account, and no mail is sent."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        accounts = list(form.get_users(email))
        if not login_guard.password_reset_allowed(
            request=self.request, email=email, accounts=accounts
        ):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
