from django.urls import path

from summaries import views

app_name = "summaries"

urlpatterns = [
    path("summaries/", views.DashboardView.as_view(), name="dashboard"),
    path("summaries/actuals/", views.ActualsView.as_view(), name="actuals"),
    path("summaries/charts/<str:token>.svg", views.ChartView.as_view(), name="chart"),
    path("summaries/snapshots/", views.SnapshotCreateView.as_view(), name="snapshot-create"),
    path(
        "summaries/peers/plans/<int:plan_pk>/versions/<int:number>/",
        views.PeersView.as_view(),
        name="peers",
    ),
    path("exports/", views.ExportListView.as_view(), name="exports"),
    path("exports/jobs/", views.ExportJobsView.as_view(), name="export-jobs"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
