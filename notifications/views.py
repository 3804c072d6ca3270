from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from notifications import selectors, services
from notifications.models import Notification
from parks.access import PortalAccessMixin


class NotificationListView(PortalAccessMixin, TemplateView):
    template_name = "notifications/notifications.html"

    def get_context_data(self, **kwargs):
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
        return HttpResponseRedirect(reverse("notifications:list"))
