"""URLs for the business plan: objectives and activities."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("plan/", views.objective_list, name="objectives"),
    path("plan/objectives/new/", views.objective_new, name="objective_new"),
    path("plan/objectives/<int:objective_id>/", views.objective_detail, name="objective"),
    path("plan/objectives/<int:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "plan/objectives/<int:objective_id>/delete/",
        views.objective_delete,
        name="objective_delete",
    ),
    path("plan/activities/", views.activity_list, name="activities"),
    path("plan/activities/new/", views.activity_new, name="activity_new"),
    path(
        "plan/activities/download.<str:file_format>",
        views.activity_download,
        name="activity_download",
    ),
    path("plan/activities/<int:activity_id>/", views.activity_detail, name="activity"),
    path("plan/activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "plan/activities/<int:activity_id>/delete/", views.activity_delete, name="activity_delete"
    ),
]
