"""URLs for SROI analyses."""

from django.urls import path

from . import views

app_name = "analyses"

urlpatterns = [
    path("sroi/", views.analysis_list, name="list"),
    path("sroi/new/", views.analysis_create, name="create"),
    path("sroi/upload/", views.analysis_upload, name="upload"),
    path("sroi/<int:analysis_id>/", views.analysis_detail, name="detail"),
    path("sroi/<int:analysis_id>/map/", views.analysis_map, name="map"),
    path("sroi/<int:analysis_id>/map/stakeholders/", views.stakeholders_save, name="stakeholders"),
    path("sroi/<int:analysis_id>/map/inputs/", views.inputs_save, name="inputs"),
    path("sroi/<int:analysis_id>/map/outcomes/", views.outcomes_save, name="outcomes"),
    path("sroi/<int:analysis_id>/outcomes/new/", views.outcome_edit, name="outcome_add"),
    path("sroi/<int:analysis_id>/outcomes/<int:index>/", views.outcome_edit, name="outcome"),
    path("sroi/<int:analysis_id>/settings/", views.analysis_settings, name="settings"),
    path("sroi/<int:analysis_id>/evaluate/", views.analysis_evaluate, name="evaluate"),
    path("sroi/<int:analysis_id>/compare/", views.analysis_compare, name="compare"),
    path(
        "sroi/<int:analysis_id>/downloads/<str:filename>",
        views.analysis_download,
        name="download",
    ),
    path("sroi/<int:analysis_id>/delete/", views.analysis_delete, name="delete"),
]
