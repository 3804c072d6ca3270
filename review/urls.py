from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("review/", views.QueueView.as_view(), name="queue"),
    path("plans/<int:plan_pk>/review/", views.ReviewPanelView.as_view(), name="panel"),
    path("plans/<int:plan_pk>/review/assign/", views.AssignView.as_view(), name="assign"),
    path(
        "plans/<int:plan_pk>/review/threads/", views.PartThreadsView.as_view(), name="part-threads"
    ),
    path(
        "plans/<int:plan_pk>/review/<slug:action>/",
        views.TransitionView.as_view(),
        name="transition",
    ),
    path("plans/<int:plan_pk>/versions/<int:number>/", views.VersionView.as_view(), name="version"),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/comments/",
        views.CommentPostView.as_view(),
        name="comment-post",
    ),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/comments/<int:pk>/resolve/",
        views.CommentResolveView.as_view(),
        name="comment-resolve",
    ),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/files/<slug:kind>/<int:item>/",
        views.VersionFileView.as_view(),
        name="version-file",
    ),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/changes/",
        views.VersionDiffView.as_view(),
        name="version-diff",
    ),
    path(
        "plans/<int:plan_pk>/versions/<int:number>/year-on-year/",
        views.YearOnYearView.as_view(),
        name="version-year-on-year",
    ),
    path("plans/<int:plan_pk>/pdfs/", views.PdfListView.as_view(), name="pdfs"),
    path("plans/<int:plan_pk>/pdfs/request/", views.PdfRequestView.as_view(), name="pdf-request"),
    path("plans/<int:plan_pk>/pdfs/<int:pk>/", views.PdfDownloadView.as_view(), name="pdf"),
    path("verify/", views.VerifyView.as_view(), name="verify-form"),
    path("verify/<str:content_hash>/", views.VerifyView.as_view(), name="verify"),
]
