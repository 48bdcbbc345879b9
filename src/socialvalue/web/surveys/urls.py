"""URLs for wellbeing surveys: the staff pages and the public answering link."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.survey_list, name="list"),
    path("surveys/new/", views.survey_new, name="new"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="detail"),
    path("surveys/<int:survey_id>/results.csv", views.results_csv, name="results_csv"),
    path("surveys/<int:survey_id>/responses/new/", views.response_new, name="response_new"),
    path("surveys/<int:survey_id>/import/", views.response_import, name="import"),
    path("surveys/<int:survey_id>/evidence/", views.to_evidence, name="evidence"),
    path("surveys/<int:survey_id>/open/", views.survey_open, name="open"),
    path("s/<str:token>/", views.answer, name="answer"),
    path("s/<str:token>/easy-read/", views.answer, {"easy_read": True}, name="answer_easy"),
    path("s/<str:token>/thanks/", views.answered, name="answered"),
]
