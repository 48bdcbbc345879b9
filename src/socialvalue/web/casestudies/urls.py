"""URLs for case studies and the good-practice library."""

from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("case-studies/", views.library, name="library"),
    path("case-studies/new/", views.case_study_new, name="new"),
    path("case-studies/<int:case_study_id>/", views.case_study_detail, name="detail"),
    path("case-studies/<int:case_study_id>/edit/", views.case_study_edit, name="edit"),
    path(
        "case-studies/<int:case_study_id>/download.<str:file_format>",
        views.case_study_download,
        name="download",
    ),
    path("case-studies/<int:case_study_id>/delete/", views.case_study_delete, name="delete"),
    path("case-studies/<int:case_study_id>/sharing/", views.case_study_sharing, name="sharing"),
    path("case-studies/<int:case_study_id>/files/", views.case_study_attach, name="attach"),
    path(
        "case-studies/<int:case_study_id>/files/<int:file_id>/",
        views.case_study_file,
        name="file",
    ),
    path(
        "case-studies/<int:case_study_id>/files/<int:file_id>/remove/",
        views.case_study_file_remove,
        name="remove_file",
    ),
]
