"""URLs for measures, value sets and importing a set."""

from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("measures/", views.measure_list, name="list"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("value-sets/", views.value_set_list, name="value_sets"),
    path("value-sets/import/", views.value_set_import, name="import"),
    path("value-sets/import/confirm/", views.value_set_import_confirm, name="import_confirm"),
    path("value-sets/<int:value_set_id>/", views.value_set_detail, name="value_set"),
    path(
        "value-sets/<int:value_set_id>/download.<str:file_format>",
        views.value_set_download,
        name="download",
    ),
]
