"""URLs for early engagement: the pipeline, engagements, the public consultation link and
providers' proposals."""

from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/new/", views.pipeline_edit, name="pipeline_new"),
    path("pipeline/<int:item_id>/", views.pipeline_item, name="pipeline_item"),
    path("pipeline/<int:item_id>/edit/", views.pipeline_edit, name="pipeline_edit"),
    path("pipeline/<int:item_id>/<str:action>/", views.pipeline_action, name="pipeline_action"),
    path("councils/<slug:slug>/pipeline/", views.public_pipeline, name="public_pipeline"),
    path("engagements/", views.engagement_list, name="list"),
    path("engagements/new/", views.engagement_new, name="new"),
    path("engagements/<int:engagement_id>/", views.engagement_detail, name="detail"),
    path("engagements/<int:engagement_id>/edit/", views.engagement_edit, name="edit"),
    path("engagements/<int:engagement_id>/questions/new/", views.question_new, name="question_new"),
    path("engagements/<int:engagement_id>/events/new/", views.event_new, name="event_new"),
    path("engagements/<int:engagement_id>/state/", views.engagement_state, name="state"),
    path("engagements/<int:engagement_id>/respond/", views.respond, name="respond"),
    path(
        "engagements/<int:engagement_id>/events/<int:event_id>/register/",
        views.event_register,
        name="register",
    ),
    path("engagements/<int:engagement_id>/results/", views.results, name="results"),
    path("engagements/<int:engagement_id>/results.csv", views.results_csv, name="results_csv"),
    path("engagements/<int:engagement_id>/summary/", views.summary, name="summary"),
    path("engagements/<int:engagement_id>/carry/", views.carry, name="carry"),
    path(
        "engagements/<int:engagement_id>/responses/<int:response_id>/outcome/",
        views.link_outcome,
        name="link_outcome",
    ),
    path("c/<str:token>/", views.answer, name="answer"),
    path("c/<str:token>/easy-read/", views.answer, {"easy_read": True}, name="answer_easy"),
    path("c/<str:token>/thanks/", views.answered, name="answered"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/decide/", views.proposal_decide, name="proposal_decide"),
]
