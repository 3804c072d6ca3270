from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("plans/<int:plan_pk>/reports/", views.PlanReportsView.as_view(), name="list"),
    path("plans/<int:plan_pk>/reports/start/", views.ReportStartView.as_view(), name="start"),
    path("reports/due/", views.DueReportsView.as_view(), name="due"),
]
