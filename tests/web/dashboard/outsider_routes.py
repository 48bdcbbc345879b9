"""Routes of dashboard and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route

ROUTES: list[Route] = [
    Route(
        "api/v1/dashboard",
        url=lambda w: f"/api/v1/dashboard?organisation_id={w.alice_org.id}",
        api=True,
    ),
]
