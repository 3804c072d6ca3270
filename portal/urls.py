from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from parks.views import PasswordResetRequestView
from portal import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("parks/<int:park_pk>/", views.ParkDetailView.as_view(), name="park-detail"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/reset/", PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "accounts/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's pages of summary snapshots and export jobs were under admin/review/ until
    # their models moved to summaries/ (issue 13): old bookmarks lead to the new place.
    re_path(
        r"^admin/review/(?P<rest>(?:summarysnapshot|exportjob)/.*)$",
        RedirectView.as_view(url="/admin/summaries/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("parks.urls")),
    path("", include("plans.urls")),
    path("", include("indicators.urls")),
    path("", include("notifications.urls")),
    path("", include("documents.urls")),
    path("", include("review.urls")),
    path("", include("reports.urls")),
    path("", include("summaries.urls")),
]

if settings.BENCH:  # bench/load.py's floor: the middleware and nothing else
    urlpatterns.append(path("bench/floor", views.bench_floor))
