"""URLs for reports: the list, a report's form, a run with its progress, and its downloads."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/runs/<int:run_id>/", views.run_detail, name="run"),
    path("reports/runs/<int:run_id>/progress/", views.run_progress, name="progress"),
    path(
        "reports/runs/<int:run_id>/download.<str:file_format>", views.run_download, name="download"
    ),
    path("reports/<slug:name>/", views.report_form, name="report"),
]
