from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("parks/<int:park_pk>/plan/", views.PlanEntryView.as_view(), name="plan-entry"),
    path("plans/<int:plan_pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path(
        "plans/<int:plan_pk>/sections/<str:key>/",
        views.SectionEditView.as_view(),
        name="section-edit",
    ),
    path(
        "plans/<int:plan_pk>/sections/<str:key>/autosave/",
        views.SectionAutosaveView.as_view(),
        name="section-autosave",
    ),
    path(
        "plans/<int:plan_pk>/sections/<str:key>/presence/",
        views.SectionPresenceView.as_view(),
        name="section-presence",
    ),
    path(
        "plans/<int:plan_pk>/sections/<str:key>/figures/",
        views.FigureAddView.as_view(),
        name="figure-add",
    ),
    path(
        "plans/<int:plan_pk>/sections/<str:key>/attachments/",
        views.AttachmentAddView.as_view(),
        name="attachment-add",
    ),
    path("plans/<int:plan_pk>/roadmap/", views.RoadmapSaveView.as_view(), name="roadmap-save"),
    path("plans/<int:plan_pk>/rows/<slug:slug>/", views.RowListView.as_view(), name="row-list"),
    path(
        "plans/<int:plan_pk>/rows/<slug:slug>/new/",
        views.RowCreateView.as_view(),
        name="row-create",
    ),
    path(
        "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/edit/",
        views.RowEditView.as_view(),
        name="row-edit",
    ),
    path(
        "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/delete/",
        views.RowDeleteView.as_view(),
        name="row-delete",
    ),
    path(
        "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/move/",
        views.RowMoveView.as_view(),
        name="row-move",
    ),
    path(
        "plans/<int:plan_pk>/figures/<int:pk>/image/",
        views.FigureImageView.as_view(),
        name="figure-image",
    ),
    path(
        "plans/<int:plan_pk>/attachments/<int:pk>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
