"""Routes of commissioning and what an outsider gets from each (see tests/web/test_outsiders.py).

Alice's organisation is made a council with a draft procurement (not yet a public notice) and a
published one with a bid: Charlie's provider may read a published notice, but never a draft, a
bid that is not its own, the scores, the evaluation or the award.
"""

from tests.routes import Route


def _draft(w) -> int:
    from tests.web.commissioning.factories import procurement

    return procurement(w.alice_org).id


def _published(w) -> int:
    from tests.web.commissioning.factories import procurement, three_bids

    p = procurement(w.alice_org, state="published")
    three_bids(p)
    return p.id


def _decided(w) -> int:
    """An evaluated procurement awarded to its top-ranked bid, in standstill."""
    from socialvalue.web.commissioning import services
    from socialvalue.web.tenancy import Actor
    from tests.web.commissioning.factories import procurement, three_bids

    p = procurement(w.alice_org, state="evaluating")
    three_bids(p)
    found = services.recommendation(p)
    services.award(procurement=p, actor=Actor.for_user(w.admin), bid=found.recommended)
    return p.id


def _decided_bid(w) -> int:
    from socialvalue.web.commissioning.models import Bid

    return Bid.objects.get(procurement_id=_decided(w), bidder_name="Carewell").id


def _bid(w) -> int:
    from socialvalue.web.commissioning.models import Bid

    return Bid.objects.get(procurement_id=_published(w), bidder_name="Carewell").id


def _outcome(w) -> tuple[int, int]:
    from socialvalue.web.commissioning.models import RequestedOutcome

    outcome = RequestedOutcome.objects.filter(procurement__state="draft").first()
    if outcome is None:
        outcome = RequestedOutcome.objects.get(procurement_id=_draft(w))
    return outcome.procurement_id, outcome.id


def _criterion(w) -> tuple[int, int]:
    from socialvalue.web.commissioning.models import QualityCriterion

    criterion = QualityCriterion.objects.filter(procurement__state="draft").first()
    if criterion is None:
        criterion = QualityCriterion.objects.filter(procurement_id=_draft(w)).first()
    return criterion.procurement_id, criterion.id


def _private_question(w) -> tuple[int, int]:
    """A question Alice's council answered privately to another provider than Charlie's."""
    from socialvalue.web.commissioning.models import ProcurementQuestion
    from tests.factories import OrganisationFactory

    asker = OrganisationFactory(name="Askwell")
    procurement_id = _published(w)
    question = ProcurementQuestion.objects.create(
        procurement_id=procurement_id,
        asked_by_organisation=asker,
        question="What is the current price?",
        answer="Commercially sensitive.",
        state="answered",
        visibility="private",
    )
    return procurement_id, question.id


def _priority(w) -> int:
    from tests.web.commissioning.factories import charter

    return charter(w.alice_org).priorities.get().id


def _commitment(w) -> tuple[int, int]:
    from socialvalue.web.commissioning.models import BidCommitment

    c = BidCommitment.objects.filter(bid_id=_bid(w)).first()
    return c.bid_id, c.id


ROUTES: list[Route] = [
    Route("charter/"),
    Route("charter/edit/"),
    Route("charter/history/"),
    Route("charter/priorities/new/"),
    Route(
        "charter/priorities/<int:priority_id>/",
        url=lambda w: f"/charter/priorities/{_priority(w)}/",
    ),
    Route("procurements/"),
    Route("procurements/new/"),
    Route("procurements/import/"),
    Route("procurements/<int:procurement_id>/", url=lambda w: f"/procurements/{_draft(w)}/"),
    Route(
        "procurements/<int:procurement_id>/edit/", url=lambda w: f"/procurements/{_draft(w)}/edit/"
    ),
    Route(
        "procurements/<int:procurement_id>/criteria/new/",
        url=lambda w: f"/procurements/{_draft(w)}/criteria/new/",
    ),
    Route(
        "procurements/<int:procurement_id>/criteria/<int:criterion_id>/",
        url=lambda w: f"/procurements/{_criterion(w)[0]}/criteria/{_criterion(w)[1]}/",
    ),
    Route(
        "procurements/<int:procurement_id>/criteria/<int:criterion_id>/",
        "post",
        url=lambda w: f"/procurements/{_criterion(w)[0]}/criteria/{_criterion(w)[1]}/",
        body={"name": "Taken over", "weight": "1"},
    ),
    Route(
        "procurements/<int:procurement_id>/outcomes/new/",
        url=lambda w: f"/procurements/{_draft(w)}/outcomes/new/",
    ),
    Route(
        "procurements/<int:procurement_id>/outcomes/<int:outcome_id>/valuation/",
        url=lambda w: f"/procurements/{_outcome(w)[0]}/outcomes/{_outcome(w)[1]}/valuation/",
    ),
    Route(
        "procurements/<int:procurement_id>/<str:part>/<int:part_id>/remove/",
        "post",
        url=lambda w: f"/procurements/{_draft(w)}/outcomes/1/remove/",
    ),
    Route(
        "procurements/<int:procurement_id>/publish/",
        "post",
        url=lambda w: f"/procurements/{_draft(w)}/publish/",
    ),
    Route(
        "procurements/<int:procurement_id>/state/",
        "post",
        url=lambda w: f"/procurements/{_published(w)}/state/",
        body={"state": "cancelled"},
    ),
    Route(
        "procurements/<int:procurement_id>/export.<str:file_format>",
        url=lambda w: f"/procurements/{_published(w)}/export.yaml",
    ),
    Route(
        "procurements/<int:procurement_id>/bids/new/",
        url=lambda w: f"/procurements/{_draft(w)}/bids/new/",
    ),
    Route(
        "procurements/<int:procurement_id>/evaluation/",
        url=lambda w: f"/procurements/{_published(w)}/evaluation/",
    ),
    Route(
        "procurements/<int:procurement_id>/award/",
        url=lambda w: f"/procurements/{_published(w)}/award/",
    ),
    Route(
        "procurements/<int:procurement_id>/award/withdraw/",
        url=lambda w: f"/procurements/{_decided(w)}/award/withdraw/",
    ),
    Route(
        "procurements/<int:procurement_id>/enter-contract/",
        url=lambda w: f"/procurements/{_decided(w)}/enter-contract/",
    ),
    Route(
        "bids/<int:bid_id>/assessment-summary/",
        url=lambda w: f"/bids/{_decided_bid(w)}/assessment-summary/",
    ),
    Route(
        "bids/<int:bid_id>/assessment-summary.<str:file_format>",
        url=lambda w: f"/bids/{_decided_bid(w)}/assessment-summary.csv",
    ),
    Route(
        "procurements/<int:procurement_id>/questions/",
        "post",
        url=lambda w: f"/procurements/{_draft(w)}/questions/",
        body={"question": "Mine now?"},
    ),
    Route(
        "procurements/<int:procurement_id>/questions/<int:question_id>/answer/",
        "post",
        url=lambda w: "/procurements/{}/questions/{}/answer/".format(*_private_question(w)),
        body={"answer": "Mine now", "visibility": "published"},
    ),
    Route("bids/<int:bid_id>/", url=lambda w: f"/bids/{_bid(w)}/"),
    Route("bids/<int:bid_id>/edit/", url=lambda w: f"/bids/{_bid(w)}/edit/"),
    Route("bids/<int:bid_id>/commitments/new/", url=lambda w: f"/bids/{_bid(w)}/commitments/new/"),
    Route(
        "bids/<int:bid_id>/commitments/<int:commitment_id>/remove/",
        "post",
        url=lambda w: "/bids/{}/commitments/{}/remove/".format(*_commitment(w)),
    ),
    Route("bids/<int:bid_id>/submit/", "post", url=lambda w: f"/bids/{_bid(w)}/submit/"),
    Route("bids/<int:bid_id>/scores/", url=lambda w: f"/bids/{_bid(w)}/scores/"),
    Route("bids/<int:bid_id>/moderate/", url=lambda w: f"/bids/{_bid(w)}/moderate/"),
    Route("api/v1/charter"),
    Route("api/v1/procurements"),
    Route(
        "api/v1/procurements/<procurement_id>",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>",
        "patch",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}",
        api=True,
        body={"title": "Mine now"},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/publish",
        "post",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/publish",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/outcomes/<outcome_id>/valuation",
        "put",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/outcomes/outcome-1/valuation",
        api=True,
        body={"valuation": "qualitative"},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/tender",
        url=lambda w: f"/api/v1/procurements/{_published(w)}/tender",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/bids",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/bids",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/bids",
        "post",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/bids",
        api=True,
        body={"price": 1000},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/evaluation",
        url=lambda w: f"/api/v1/procurements/{_published(w)}/evaluation",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/award",
        "post",
        url=lambda w: f"/api/v1/procurements/{_published(w)}/award",
        api=True,
        body={"bid_id": 1, "reason": "Best value"},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/award",
        url=lambda w: f"/api/v1/procurements/{_decided(w)}/award",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/award/withdraw",
        "post",
        url=lambda w: f"/api/v1/procurements/{_decided(w)}/award/withdraw",
        api=True,
        body={"reason": "Mine now"},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/enter-contract",
        "post",
        url=lambda w: f"/api/v1/procurements/{_decided(w)}/enter-contract",
        api=True,
        body={"start_date": "2027-04-01"},
    ),
    *[
        Route(
            f"api/v1/procurements/<procurement_id>/{action}",
            "post",
            url=lambda w, action=action: f"/api/v1/procurements/{_published(w)}/{action}",
            api=True,
            body={},
        )
        for action in ("close", "reopen", "cancel", "restore")
    ],
    Route(
        "api/v1/procurements/<procurement_id>/questions",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/questions",
        api=True,
    ),
    Route(
        "api/v1/procurements/<procurement_id>/questions",
        "post",
        url=lambda w: f"/api/v1/procurements/{_draft(w)}/questions",
        api=True,
        body={"question": "Mine now?"},
    ),
    Route(
        "api/v1/procurements/<procurement_id>/questions/<question_id>/answer",
        "post",
        url=lambda w: "/api/v1/procurements/{}/questions/{}/answer".format(*_private_question(w)),
        api=True,
        body={"answer": "Mine now", "publish": True},
    ),
    Route(
        "api/v1/bids/<bid_id>/assessment-summary",
        url=lambda w: f"/api/v1/bids/{_decided_bid(w)}/assessment-summary",
        api=True,
    ),
]
