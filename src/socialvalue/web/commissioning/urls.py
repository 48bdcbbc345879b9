"""URLs for the charter, procurements, bids, the evaluation and the award."""

from django.urls import path

from . import views

app_name = "commissioning"

urlpatterns = [
    path("charter/", views.charter, name="charter"),
    path("charter/edit/", views.charter_edit, name="charter_edit"),
    path("charter/history/", views.charter_history, name="charter_history"),
    path("charter/priorities/new/", views.priority_edit, name="priority_new"),
    path("charter/priorities/<int:priority_id>/", views.priority_edit, name="priority"),
    path("procurements/", views.procurement_list, name="procurements"),
    path("procurements/new/", views.procurement_new, name="procurement_new"),
    path("procurements/import/", views.procurement_import, name="procurement_import"),
    path("procurements/<int:procurement_id>/", views.procurement_detail, name="procurement"),
    path(
        "procurements/<int:procurement_id>/edit/", views.procurement_edit, name="procurement_edit"
    ),
    path(
        "procurements/<int:procurement_id>/criteria/new/", views.criterion_new, name="criterion_new"
    ),
    path(
        "procurements/<int:procurement_id>/criteria/<int:criterion_id>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path("procurements/<int:procurement_id>/outcomes/new/", views.outcome_new, name="outcome_new"),
    path(
        "procurements/<int:procurement_id>/outcomes/<int:outcome_id>/valuation/",
        views.outcome_valuation,
        name="outcome_valuation",
    ),
    path(
        "procurements/<int:procurement_id>/<str:part>/<int:part_id>/remove/",
        views.part_remove,
        name="part_remove",
    ),
    path(
        "procurements/<int:procurement_id>/questions/",
        views.question_ask,
        name="question_ask",
    ),
    path(
        "procurements/<int:procurement_id>/questions/<int:question_id>/answer/",
        views.question_answer,
        name="question_answer",
    ),
    path("procurements/<int:procurement_id>/publish/", views.procurement_publish, name="publish"),
    path("procurements/<int:procurement_id>/state/", views.procurement_state, name="state"),
    path(
        "procurements/<int:procurement_id>/export.<str:file_format>",
        views.procurement_export,
        name="export",
    ),
    path("procurements/<int:procurement_id>/bids/new/", views.bid_new, name="bid_new"),
    path(
        "procurements/<int:procurement_id>/evaluation/",
        views.procurement_evaluation,
        name="evaluation",
    ),
    path("procurements/<int:procurement_id>/award/", views.procurement_award, name="award"),
    path(
        "procurements/<int:procurement_id>/award/withdraw/",
        views.award_withdraw,
        name="award_withdraw",
    ),
    path(
        "procurements/<int:procurement_id>/enter-contract/",
        views.enter_contract,
        name="enter_contract",
    ),
    path(
        "bids/<int:bid_id>/assessment-summary/",
        views.assessment_summary,
        name="assessment_summary",
    ),
    path(
        "bids/<int:bid_id>/assessment-summary.<str:file_format>",
        views.assessment_summary_download,
        name="assessment_summary_download",
    ),
    path("bids/<int:bid_id>/", views.bid_detail, name="bid"),
    path("bids/<int:bid_id>/edit/", views.bid_edit, name="bid_edit"),
    path("bids/<int:bid_id>/commitments/new/", views.commitment_new, name="commitment_new"),
    path(
        "bids/<int:bid_id>/commitments/<int:commitment_id>/remove/",
        views.commitment_remove,
        name="commitment_remove",
    ),
    path("bids/<int:bid_id>/submit/", views.bid_submit, name="bid_submit"),
    path("bids/<int:bid_id>/scores/", views.bid_scores, name="bid_scores"),
    path("bids/<int:bid_id>/moderate/", views.bid_moderate, name="bid_moderate"),
]
