from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("plans/<int:plan_pk>/preview/", views.PlanPreviewView.as_view(), name="preview"),
]
