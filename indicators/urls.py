from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path(
        "plans/<int:plan_pk>/indicators/", views.IndicatorListView.as_view(), name="indicator-list"
    ),
    path(
        "plans/<int:plan_pk>/indicators/add/",
        views.IndicatorAddView.as_view(),
        name="indicator-add",
    ),
    path(
        "plans/<int:plan_pk>/indicators/<int:pk>/chart.svg",
        views.IndicatorChartView.as_view(),
        name="indicator-chart",
    ),
    # GET the grid; POST saves every table changed (and the grid factor) at once
    path("plans/<int:plan_pk>/data/", views.DataTablesView.as_view(), name="data"),
    path(
        "plans/<int:plan_pk>/data/grid-recompute/",
        views.GridRecomputeView.as_view(),
        name="grid-recompute",
    ),
    path(
        "plans/<int:plan_pk>/data/workbook.xlsx",
        views.WorkbookDownloadView.as_view(),
        name="workbook",
    ),
    path("plans/<int:plan_pk>/data/import/", views.WorkbookUploadView.as_view(), name="import"),
    path(
        "plans/<int:plan_pk>/data/import/<int:pk>/",
        views.WorkbookImportReviewView.as_view(),
        name="import-review",
    ),
]
