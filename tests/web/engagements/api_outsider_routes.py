"""API routes of early engagement and what an outsider gets from each (listed with the pages'
routes in `outsider_routes.py`, see tests/web/test_outsiders.py).

Charlie's provider may read an open engagement and its own answers, but gets 404 for Alice's
draft engagement and draft pipeline item, for anything done to them, for another provider's
answer, for the results of any engagement of hers and for a proposal between others.
"""

from tests.routes import Route


def _objects():
    # The pages' list builds Alice's council and its objects; imported when a route is built.
    from tests.web.engagements import outsider_routes

    return outsider_routes


def _draft(w) -> str:
    return f"/api/v1/engagements/{_objects()._draft_id(w)}"


def _draft_market(w) -> str:
    engagement_id, event_id = _objects()._draft_event_ids(w)
    return f"/api/v1/engagements/{engagement_id}/events/{event_id}"


def _open_market(w) -> tuple[int, int]:
    return _objects()._open_market_ids(w)


def _item(w) -> str:
    return f"/api/v1/pipeline/{_objects()._draft_item_id(w)}"


def _proposal(w) -> str:
    return f"/api/v1/proposals/{_objects()._proposal_id(w)}"


EVENT = {
    "title": "Mine",
    "starts_at": "2099-01-01T10:00:00Z",
    "mode": "online",
    "link": "https://meet.example/x",
}

API_ROUTES: list[Route] = [
    Route("api/v1/engagements/<engagement_id>", url=_draft, api=True),
    Route(
        "api/v1/engagements/<engagement_id>", "patch", url=_draft, api=True, body={"title": "Mine"}
    ),
    Route(
        "api/v1/engagements/<engagement_id>/open",
        "post",
        url=lambda w: f"{_draft(w)}/open",
        api=True,
    ),
    Route(
        "api/v1/engagements/<engagement_id>/close",
        "post",
        url=lambda w: f"{_draft(w)}/close",
        api=True,
    ),
    Route(
        "api/v1/engagements/<engagement_id>/carry",
        "post",
        url=lambda w: f"{_draft(w)}/carry",
        api=True,
    ),
    Route(
        "api/v1/engagements/<engagement_id>/summary",
        "post",
        url=lambda w: f"{_draft(w)}/summary",
        api=True,
        body={"heard": "x", "did": "y"},
    ),
    Route(
        "api/v1/engagements/<engagement_id>/questions",
        "post",
        url=lambda w: f"{_draft(w)}/questions",
        api=True,
        body={"text": "Mine?"},
    ),
    Route(
        "api/v1/engagements/<engagement_id>/events",
        "post",
        url=lambda w: f"{_draft(w)}/events",
        api=True,
        body=EVENT,
    ),
    Route(
        "api/v1/engagements/<engagement_id>/events/<event_id>/registrations",
        "post",
        url=lambda w: f"{_draft_market(w)}/registrations",
        api=True,
        body={"attendees": 1},
    ),
    Route(
        "api/v1/engagements/<engagement_id>/responses",
        url=lambda w: f"{_draft(w)}/responses",
        api=True,
    ),
    Route(
        "api/v1/engagements/<engagement_id>/responses",
        "post",
        url=lambda w: f"{_draft(w)}/responses",
        api=True,
        body={"comment": "Let me in"},
    ),
    # An open engagement Charlie can read: another provider's answer and the results stay hidden.
    Route(
        "api/v1/engagements/<engagement_id>/responses/<response_id>/outcome",
        "post",
        url=lambda w: "/api/v1/engagements/{}/responses/{}/outcome".format(*_open_market(w)),
        api=True,
        body={"procurement_id": 1, "title": "Mine"},
    ),
    Route(
        "api/v1/engagements/<engagement_id>/results",
        url=lambda w: f"/api/v1/engagements/{_open_market(w)[0]}/results",
        api=True,
    ),
    Route("api/v1/pipeline/<item_id>", url=_item, api=True),
    Route("api/v1/pipeline/<item_id>", "patch", url=_item, api=True, body={"title": "Mine"}),
    Route(
        "api/v1/pipeline/<item_id>/publish", "post", url=lambda w: f"{_item(w)}/publish", api=True
    ),
    Route(
        "api/v1/pipeline/<item_id>/withdraw", "post", url=lambda w: f"{_item(w)}/withdraw", api=True
    ),
    Route(
        "api/v1/pipeline/<item_id>/procurement",
        "post",
        url=lambda w: f"{_item(w)}/procurement",
        api=True,
    ),
    Route("api/v1/proposals/<proposal_id>", url=_proposal, api=True),
    Route(
        "api/v1/proposals/<proposal_id>/decision",
        "post",
        url=lambda w: f"{_proposal(w)}/decision",
        api=True,
        body={"decision": "accepted"},
    ),
    # Lists of what the caller may see, and creating in the caller's own organisation.
    Route("api/v1/engagements"),
    Route("api/v1/pipeline"),
    Route("api/v1/proposals"),
]
