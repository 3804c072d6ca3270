from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("review/", views.QueueView.as_view(), name="queue"),
    path("plans/<int:plan_pk>/review/", views.ReviewPanelView.as_view(), name="panel"),
    path(
        "plans/<int:plan_pk>/review/<slug:action>/",
        views.TransitionView.as_view(),
        name="transition",
    ),
    path("plans/<int:plan_pk>/versions/<int:number>/", views.VersionView.as_view(), name="version"),
]
