"""Routes of SROI analyses and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route


def _alice_analysis_id(w) -> int:
    from tests.web.analyses.factories import analysis_for

    return analysis_for(w.alice_org).pk


def _page(suffix: str, method: str = "get", body: dict | None = None) -> Route:
    return Route(
        f"sroi/<int:analysis_id>/{suffix}",
        method,
        url=lambda w: f"/sroi/{_alice_analysis_id(w)}/{suffix}",
        body=body,
    )


def _api(suffix: str = "", method: str = "get", body: dict | None = None) -> Route:
    return Route(
        "api/v1/sroi-analyses/<analysis_id>" + suffix,
        method,
        url=lambda w: f"/api/v1/sroi-analyses/{_alice_analysis_id(w)}{suffix}",
        api=True,
        body=body,
    )


ROUTES: list[Route] = [
    # Routes that name one of Alice's analyses: Charlie gets 404.
    _page(""),
    _page("map/"),
    _page("map/stakeholders/", "post", {"stakeholders-TOTAL_FORMS": "0"}),
    _page("map/inputs/", "post", {"inputs-TOTAL_FORMS": "0"}),
    _page("map/outcomes/", "post", {"outcomes-TOTAL_FORMS": "0"}),
    _page("outcomes/new/"),
    _page("outcomes/new/", "post", {"description": "Mine now"}),
    Route(
        "sroi/<int:analysis_id>/outcomes/<int:index>/",
        url=lambda w: f"/sroi/{_alice_analysis_id(w)}/outcomes/0/",
    ),
    Route(
        "sroi/<int:analysis_id>/outcomes/<int:index>/",
        "post",
        url=lambda w: f"/sroi/{_alice_analysis_id(w)}/outcomes/0/",
        body={"remove": "1"},
    ),
    _page("settings/"),
    _page("settings/", "post", {"name": "Mine now"}),
    _page("evaluate/", "post"),
    _page("compare/"),
    Route(
        "sroi/<int:analysis_id>/downloads/<str:filename>",
        url=lambda w: f"/sroi/{_alice_analysis_id(w)}/downloads/impact-map.yaml",
    ),
    _page("delete/"),
    _page("delete/", "post"),
    _api(),
    _api("", "patch", {"name": "Mine now"}),
    _api("", "delete"),
    _api("/result"),
    _api("/evaluation", "post"),
    # Routes scoped to the caller's own organisation.
    Route("sroi/"),
    Route("sroi/new/"),
    Route("sroi/upload/"),
    Route("api/v1/sroi-analyses"),
]
