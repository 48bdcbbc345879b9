"""URLs for the statement builder and the public link."""

from django.urls import path

from . import views

app_name = "statements"

urlpatterns = [
    path("statements/", views.statement_list, name="list"),
    path("statements/new/", views.statement_new, name="new"),
    path("statements/<int:statement_id>/", views.statement_detail, name="detail"),
    path("statements/<int:statement_id>/delete/", views.statement_delete, name="delete"),
    path(
        "statements/<int:statement_id>/sections/<slug:section>/",
        views.section_edit,
        name="section",
    ),
    path(
        "statements/<int:statement_id>/commitments/",
        views.commitment_list,
        name="commitments",
    ),
    path(
        "statements/<int:statement_id>/commitments/new/",
        views.commitment_new,
        name="commitment_new",
    ),
    path(
        "statements/<int:statement_id>/commitments/<int:commitment_id>/",
        views.commitment_edit,
        name="commitment",
    ),
    path(
        "statements/<int:statement_id>/commitments/<int:commitment_id>/delete/",
        views.commitment_delete,
        name="commitment_delete",
    ),
    path("statements/<int:statement_id>/preview/", views.preview, name="preview"),
    path(
        "statements/<int:statement_id>/download.<str:file_format>",
        views.draft_download,
        name="draft_download",
    ),
    path("statements/<int:statement_id>/publish/", views.publish, name="publish"),
    path("statements/<int:statement_id>/history/", views.history, name="history"),
    path(
        "statements/<int:statement_id>/versions/<int:number>/",
        views.version_detail,
        name="version",
    ),
    path(
        "statements/<int:statement_id>/versions/<int:number>/download.<str:file_format>",
        views.version_download,
        name="version_download",
    ),
    path("statements/<int:statement_id>/sharing/", views.sharing, name="sharing"),
    path("public/statements/<str:token>/", views.public_statement, name="public"),
    path(
        "public/statements/<str:token>/download.<str:file_format>",
        views.public_download,
        name="public_download",
    ),
]
