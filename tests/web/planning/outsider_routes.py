"""Routes of planning and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route


def _objective(w) -> int:
    from tests.web.planning.factories import ObjectiveFactory

    return ObjectiveFactory(organisation=w.alice_org).pk


def _activity(w) -> int:
    from tests.web.planning.factories import planned_activity

    return planned_activity(w.alice_org).pk


ROUTES: list[Route] = [
    Route("plan/"),
    Route("plan/objectives/new/"),
    Route("plan/activities/"),
    Route("plan/activities/new/"),
    Route("plan/activities/download.<str:file_format>"),
    Route(
        "plan/objectives/<int:objective_id>/", url=lambda w: f"/plan/objectives/{_objective(w)}/"
    ),
    Route(
        "plan/objectives/<int:objective_id>/edit/",
        "post",
        url=lambda w: f"/plan/objectives/{_objective(w)}/edit/",
        body={"title": "Mine now", "position": "1"},
    ),
    Route(
        "plan/objectives/<int:objective_id>/delete/",
        "post",
        url=lambda w: f"/plan/objectives/{_objective(w)}/delete/",
    ),
    Route("plan/activities/<int:activity_id>/", url=lambda w: f"/plan/activities/{_activity(w)}/"),
    Route(
        "plan/activities/<int:activity_id>/edit/",
        "post",
        url=lambda w: f"/plan/activities/{_activity(w)}/edit/",
        body={"name": "Mine now"},
    ),
    Route(
        "plan/activities/<int:activity_id>/delete/",
        "post",
        url=lambda w: f"/plan/activities/{_activity(w)}/delete/",
    ),
    Route("api/v1/objectives"),
    Route("api/v1/activities"),
    Route(
        "api/v1/objectives",
        "post",
        url=lambda w: "/api/v1/objectives",
        api=True,
        body={"organisation_id": "ALICE_ORG", "title": "Mine now"},
    ),
    Route(
        "api/v1/activities",
        "post",
        url=lambda w: "/api/v1/activities",
        api=True,
        body={"organisation_id": "ALICE_ORG", "name": "Mine now"},
    ),
    Route(
        "api/v1/objectives/<objective_id>",
        url=lambda w: f"/api/v1/objectives/{_objective(w)}",
        api=True,
    ),
    Route(
        "api/v1/objectives/<objective_id>",
        "patch",
        url=lambda w: f"/api/v1/objectives/{_objective(w)}",
        api=True,
        body={"title": "Mine now"},
    ),
    Route(
        "api/v1/objectives/<objective_id>",
        "delete",
        url=lambda w: f"/api/v1/objectives/{_objective(w)}",
        api=True,
    ),
    Route(
        "api/v1/activities/<activity_id>",
        url=lambda w: f"/api/v1/activities/{_activity(w)}",
        api=True,
    ),
    Route(
        "api/v1/activities/<activity_id>",
        "patch",
        url=lambda w: f"/api/v1/activities/{_activity(w)}",
        api=True,
        body={"name": "Mine now"},
    ),
    Route(
        "api/v1/activities/<activity_id>",
        "delete",
        url=lambda w: f"/api/v1/activities/{_activity(w)}",
        api=True,
    ),
]
