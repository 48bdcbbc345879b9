"""Routes of early engagement and what an outsider gets from each (see tests/web/test_outsiders.py).

Alice's organisation is made a council with three priorities. Charlie's provider may read an
open engagement and a published pipeline item, but never a draft, the answers or results of
any engagement, the public link of a draft, or a proposal between others.
"""

from tests.routes import Route


def _council(w):
    from tests.web.engagements.factories import place

    return place(w.alice_org)


def _actor(w):
    from socialvalue.web.tenancy import Actor

    return Actor.for_user(w.admin)


def _draft(w):
    """A draft consultation of Alice's council."""
    from socialvalue.web.engagements import services
    from socialvalue.web.engagements.models import Engagement
    from tests.web.engagements.factories import later

    _council(w)
    return services.create_engagement(
        actor=_actor(w),
        organisation=w.alice_org,
        kind=Engagement.Kind.PRIORITIES,
        title="Draft consultation",
        purpose="Not yet published.",
        closes_on=later(),
    )


def _draft_id(w) -> int:
    return _draft(w).id


def _draft_token(w) -> str:
    return _draft(w).public_token


def _open_market(w):
    """An open market engagement with Brook Care's answer (Charlie may read the engagement but
    not its answers or results)."""
    from socialvalue.web.engagements import services
    from socialvalue.web.tenancy import Actor
    from tests.web.engagements.factories import market_engagement

    p = _council(w)
    p.council_editor = w.admin
    engagement = market_engagement(p)
    question = engagement.questions.get(kind="text")
    response = services.record_response(
        engagement=engagement,
        actor=Actor.for_user(p.provider_editor),
        answer=services.Answer(answers={question.pk: "Local jobs"}),
    )
    return engagement, response


def _open_market_ids(w) -> tuple[int, int]:
    engagement, response = _open_market(w)
    return engagement.id, response.id


def _draft_event_ids(w) -> tuple[int, int]:
    from socialvalue.web.engagements import services
    from socialvalue.web.engagements.models import Engagement
    from tests.web.engagements.factories import later

    _council(w)
    engagement = services.create_engagement(
        actor=_actor(w),
        organisation=w.alice_org,
        kind=Engagement.Kind.MARKET,
        title="Draft market engagement",
        purpose="Not yet published.",
        closes_on=later(),
        questions=[services.QuestionSpec("What could you offer?")],
        events=[_event_spec()],
    )
    return engagement.id, engagement.events.get().id


def _event_spec():
    import datetime as dt

    from django.utils import timezone

    from socialvalue.web.engagements import services

    return services.EventSpec(
        title="Briefing",
        starts_at=timezone.now() + dt.timedelta(days=5),
        mode="online",
        link="https://meet.example/x",
    )


def _draft_item_id(w) -> int:
    from socialvalue.web.engagements import services

    _council(w)
    return services.save_pipeline_item(
        actor=_actor(w), organisation=w.alice_org, title="Draft pipeline item"
    ).id


def _proposal_id(w) -> int:
    """A proposal from another provider to Alice's council: Charlie is neither."""
    from socialvalue.web.engagements import services
    from socialvalue.web.tenancy import Actor

    p = _council(w)
    return services.send_proposal(
        actor=Actor.for_user(p.provider_editor),
        organisation=p.provider,
        council=w.alice_org,
        title="Befriending",
        priorities="Less loneliness.",
        reason="Many live alone.",
    ).id


ROUTES: list[Route] = [
    # Pages naming Alice's draft or her engagements' answers and results: Charlie gets 404.
    Route("engagements/<int:engagement_id>/", url=lambda w: f"/engagements/{_draft_id(w)}/"),
    Route(
        "engagements/<int:engagement_id>/edit/", url=lambda w: f"/engagements/{_draft_id(w)}/edit/"
    ),
    Route(
        "engagements/<int:engagement_id>/edit/",
        "post",
        url=lambda w: f"/engagements/{_draft_id(w)}/edit/",
        body={"title": "Mine now", "purpose": "x", "closes_on": "2099-01-01"},
    ),
    Route(
        "engagements/<int:engagement_id>/questions/new/",
        url=lambda w: f"/engagements/{_draft_event_ids(w)[0]}/questions/new/",
    ),
    Route(
        "engagements/<int:engagement_id>/questions/new/",
        "post",
        url=lambda w: f"/engagements/{_draft_event_ids(w)[0]}/questions/new/",
        body={"text": "Mine?", "kind": "text"},
    ),
    Route(
        "engagements/<int:engagement_id>/events/new/",
        url=lambda w: f"/engagements/{_draft_event_ids(w)[0]}/events/new/",
    ),
    Route(
        "engagements/<int:engagement_id>/events/new/",
        "post",
        url=lambda w: f"/engagements/{_draft_event_ids(w)[0]}/events/new/",
        body={"title": "Mine", "mode": "online", "link": "https://x.example"},
    ),
    Route(
        "engagements/<int:engagement_id>/state/",
        "post",
        url=lambda w: f"/engagements/{_draft_id(w)}/state/",
        body={"action": "open"},
    ),
    Route(
        "engagements/<int:engagement_id>/respond/",
        url=lambda w: f"/engagements/{_draft_id(w)}/respond/",
    ),
    Route(
        "engagements/<int:engagement_id>/respond/",
        "post",
        url=lambda w: f"/engagements/{_draft_id(w)}/respond/",
        body={"comment": "Let me in"},
    ),
    Route(
        "engagements/<int:engagement_id>/events/<int:event_id>/register/",
        "post",
        url=lambda w: "/engagements/{}/events/{}/register/".format(*_draft_event_ids(w)),
        body={"attendees": "1"},
    ),
    Route(
        "engagements/<int:engagement_id>/results/",
        url=lambda w: f"/engagements/{_open_market_ids(w)[0]}/results/",
    ),
    Route(
        "engagements/<int:engagement_id>/results.csv",
        url=lambda w: f"/engagements/{_open_market_ids(w)[0]}/results.csv",
    ),
    Route(
        "engagements/<int:engagement_id>/summary/",
        url=lambda w: f"/engagements/{_open_market_ids(w)[0]}/summary/",
    ),
    Route(
        "engagements/<int:engagement_id>/summary/",
        "post",
        url=lambda w: f"/engagements/{_open_market_ids(w)[0]}/summary/",
        body={"heard": "x", "did": "y"},
    ),
    Route(
        "engagements/<int:engagement_id>/carry/",
        "post",
        url=lambda w: f"/engagements/{_open_market_ids(w)[0]}/carry/",
    ),
    Route(
        "engagements/<int:engagement_id>/responses/<int:response_id>/outcome/",
        url=lambda w: "/engagements/{}/responses/{}/outcome/".format(*_open_market_ids(w)),
    ),
    Route(
        "engagements/<int:engagement_id>/responses/<int:response_id>/outcome/",
        "post",
        url=lambda w: "/engagements/{}/responses/{}/outcome/".format(*_open_market_ids(w)),
        body={"title": "Mine"},
    ),
    # A draft consultation's public link shows nothing.
    Route("c/<str:token>/", url=lambda w: f"/c/{_draft_token(w)}/"),
    Route("c/<str:token>/", "post", url=lambda w: f"/c/{_draft_token(w)}/", body={"comment": "x"}),
    Route("c/<str:token>/easy-read/", url=lambda w: f"/c/{_draft_token(w)}/easy-read/"),
    Route("c/<str:token>/thanks/", url=lambda w: f"/c/{_draft_token(w)}/thanks/"),
    # Alice's draft pipeline item.
    Route("pipeline/<int:item_id>/", url=lambda w: f"/pipeline/{_draft_item_id(w)}/"),
    Route("pipeline/<int:item_id>/edit/", url=lambda w: f"/pipeline/{_draft_item_id(w)}/edit/"),
    Route(
        "pipeline/<int:item_id>/edit/",
        "post",
        url=lambda w: f"/pipeline/{_draft_item_id(w)}/edit/",
        body={"title": "Mine now"},
    ),
    Route(
        "pipeline/<int:item_id>/<str:action>/",
        "post",
        url=lambda w: f"/pipeline/{_draft_item_id(w)}/publish/",
    ),
    # A provider (not a council) has no public pipeline page.
    Route(
        "councils/<slug:slug>/pipeline/", url=lambda w: f"/councils/{w.other_org.slug}/pipeline/"
    ),
    # A proposal between another provider and Alice's council.
    Route("proposals/<int:proposal_id>/", url=lambda w: f"/proposals/{_proposal_id(w)}/"),
    Route(
        "proposals/<int:proposal_id>/decide/",
        "post",
        url=lambda w: f"/proposals/{_proposal_id(w)}/decide/",
        body={"decision": "accepted"},
    ),
    # Lists and forms of the caller's own organisation: nothing of Alice's is named.
    Route("pipeline/"),
    Route("pipeline/new/"),
    Route("engagements/"),
    Route("engagements/new/"),
    Route("proposals/"),
    Route("proposals/new/"),
]

# The API's routes, listed beside the pages'.
from tests.web.engagements.api_outsider_routes import API_ROUTES  # noqa: E402

ROUTES += API_ROUTES
