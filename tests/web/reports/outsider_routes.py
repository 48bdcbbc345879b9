"""Routes of reports and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route


def _alice_run_id(w) -> int:
    from tests.web.reports.factories import finished_run

    return finished_run(w.alice_org, w.admin).pk


ROUTES: list[Route] = [
    # Routes that name one of Alice's runs: Charlie gets 404.
    Route("reports/runs/<int:run_id>/", url=lambda w: f"/reports/runs/{_alice_run_id(w)}/"),
    Route(
        "reports/runs/<int:run_id>/progress/",
        url=lambda w: f"/reports/runs/{_alice_run_id(w)}/progress/",
    ),
    Route(
        "reports/runs/<int:run_id>/download.<str:file_format>",
        url=lambda w: f"/reports/runs/{_alice_run_id(w)}/download.pdf",
    ),
    Route(
        "api/v1/reports/runs/<run_id>",
        url=lambda w: f"/api/v1/reports/runs/{_alice_run_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/reports/runs/<run_id>/download/<file_format>",
        url=lambda w: f"/api/v1/reports/runs/{_alice_run_id(w)}/download/pdf",
        api=True,
    ),
    # Scoped to the caller's own organisation. Naming Alice's analysis as a parameter of these is
    # tested in tests/web/reports: the form refuses the choice, the API answers 404.
    Route("reports/"),
    Route("reports/<slug:name>/"),
    Route("api/v1/reports/<name>/runs", "post"),
    Route("api/v1/reports"),
    Route("api/v1/reports/runs"),
]
