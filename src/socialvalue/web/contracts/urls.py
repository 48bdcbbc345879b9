"""URLs for contracts, their commitments and returns, and the commissioner's portfolio."""

from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/new/", views.contract_new, name="new"),
    path("contracts/<int:contract_id>/", views.contract_detail, name="detail"),
    path(
        "contracts/<int:contract_id>/commitments/new/",
        views.commitment_new,
        name="commitment_new",
    ),
    path(
        "contracts/<int:contract_id>/commitments/<int:commitment_id>/remove/",
        views.commitment_remove,
        name="commitment_remove",
    ),
    path("returns/<int:return_id>/", views.return_detail, name="return"),
    path("returns/<int:return_id>/report/", views.return_report, name="return_report"),
    path("returns/<int:return_id>/check/", views.return_check, name="return_check"),
    path("returns/<int:return_id>/verify/", views.return_verify, name="return_verify"),
    path("returns/<int:return_id>/files/<int:file_id>/", views.return_file, name="return_file"),
    path(
        "returns/<int:return_id>/lines/<int:line_id>/",
        views.return_line,
        name="return_line",
    ),
    path(
        "returns/<int:return_id>/lines/<int:line_id>/resubmit/",
        views.return_line_resubmit,
        name="return_line_resubmit",
    ),
    path("portfolio/", views.portfolio_summary, name="portfolio"),
    path("portfolio/lines/", views.portfolio_lines, name="portfolio_lines"),
    path(
        "portfolio/download.<str:file_format>",
        views.portfolio_download,
        name="portfolio_download",
    ),
]
