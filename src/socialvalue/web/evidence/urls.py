"""URLs for evidence."""

from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("evidence/", views.evidence_list, name="list"),
    path("evidence/record/", views.evidence_record, name="record"),
    path("evidence/export.<str:file_format>", views.evidence_export, name="export"),
    path("evidence/import/", views.evidence_import, name="import"),
    path("evidence/import/confirm/", views.evidence_import_confirm, name="import_confirm"),
    path("evidence/import/template.csv", views.evidence_import_template, name="import_template"),
    path("evidence/<int:evidence_id>/", views.evidence_detail, name="detail"),
    path("evidence/<int:evidence_id>/edit/", views.evidence_edit, name="edit"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="delete"),
    path(
        "evidence/<int:evidence_id>/verification/",
        views.evidence_verification,
        name="verification",
    ),
    path("evidence/<int:evidence_id>/files/", views.evidence_attach, name="attach"),
    path("evidence/<int:evidence_id>/messages/", views.evidence_messages, name="messages"),
    path("evidence/<int:evidence_id>/files/<int:file_id>/", views.evidence_file, name="file"),
    path(
        "evidence/<int:evidence_id>/files/<int:file_id>/remove/",
        views.evidence_file_remove,
        name="remove_file",
    ),
]
