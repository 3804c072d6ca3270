from django.urls import path

from parks import views

app_name = "parks"

urlpatterns = [
    path("parks/", views.ParkListView.as_view(), name="park-list"),
    path("parks/new/", views.ParkCreateView.as_view(), name="park-create"),
    path("parks/<int:park_pk>/settings/", views.ParkUpdateView.as_view(), name="park-update"),
    path("parks/<int:park_pk>/info/", views.ParkProfileEditView.as_view(), name="profile-edit"),
    path("parks/<int:park_pk>/info/seal/", views.SealView.as_view(), name="seal"),
    path("parks/<int:park_pk>/audit/", views.ParkAuditView.as_view(), name="park-audit"),
    path(
        "parks/<int:park_pk>/audit/history.xlsx",
        views.ParkAuditExportView.as_view(),
        name="park-audit-export",
    ),
    path("provinces/", views.ProvinceListView.as_view(), name="province-list"),
    path("provinces/<int:pk>/edit/", views.ProvinceUpdateView.as_view(), name="province-update"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-update"),
    path("users/<int:pk>/invite/", views.UserInviteView.as_view(), name="user-invite"),
]
