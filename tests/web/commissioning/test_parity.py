"""Every write route of commissioning refuses the same invalid input on the page and in the API,
for the same reason: the rules live once, in the domain functions both call."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.core.valuation import load_deflators
from socialvalue.web.commissioning.models import Bid, Priority, Procurement, RequestedOutcome
from tests.web.commissioning import factories as f
from tests.web.parity import Case, check

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "Day opportunities",
    "weight_price": 40,
    "weight_quality": 45,
    "weight_social_value": 15,
    "price_method": "lowest_over_bid",
    "max_score": 5,
    "social_value_qualitative": 50,
    "social_value_quantitative": 50,
}
RETIRED = "“Old priority” is no longer a charter priority: choose a current one."
SCORE = "The score for Person-centred care must be from 0 to 5."
CHARTER = {"principles": "", "threshold": 0, "minimum_outcomes": 1}


def _page(data: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in data.items()}


DEFLATORS = load_deflators()
OUT_OF_SERIES = (
    f"1850 is outside the GDP deflator series ({DEFLATORS.first_year} to {DEFLATORS.last_year})."
)
LOCAL = {"valuation": "local", "proxy_value": 100, "price_year": 1850, "source": "Local study"}

CASES = [
    Case(
        "a local proxy in a price year the deflators do not cover",
        OUT_OF_SERIES,
        page=("/procurements/{draft}/outcomes/{outcome}/valuation/", _page(LOCAL)),
        api=("put", "/api/v1/procurements/{draft}/outcomes/outcome-1/valuation", LOCAL),
    ),
    Case(
        "publishing a draft that asks for a measure with no proxy, undecided",
        "its measure SV-EMP-03 has no proxy value, so every offer of it would score £0 in the "
        "valued part",
        page=("/procurements/{unvalued}/publish/", {}),
        api=("post", "/api/v1/procurements/{unvalued}/publish", {}),
    ),
    Case(
        "a procurement whose contract ends before it starts",
        "The contract must end after it starts.",
        page=(
            "/procurements/new/",
            _page({**DRAFT, "contract_start": "2027-04-01", "contract_end": "2027-01-01"}),
        ),
        api=(
            "post",
            "/api/v1/procurements",
            {**DRAFT, "contract_start": "2027-04-01", "contract_end": "2027-01-01"},
        ),
    ),
    Case(
        "quality weights of 10/10/10",
        "Price, quality and social value must add up to 100%; they add up to 30%.",
        page=(
            "/procurements/new/",
            _page({**DRAFT, "weight_price": 10, "weight_quality": 10, "weight_social_value": 10}),
        ),
        api=(
            "post",
            "/api/v1/procurements",
            {**DRAFT, "weight_price": 10, "weight_quality": 10, "weight_social_value": 10},
        ),
    ),
    Case(
        "social value shares that do not add up",
        "The two shares of the social value weight must add up to 100%; they add up to 90%.",
        page=("/procurements/new/", _page({**DRAFT, "social_value_quantitative": 40})),
        api=("post", "/api/v1/procurements", {**DRAFT, "social_value_quantitative": 40}),
    ),
    Case(
        "a changed draft whose weights add up to 110",
        "Price, quality and social value must add up to 100%; they add up to 110%.",
        page=("/procurements/{draft}/edit/", _page({**DRAFT, "weight_price": 50})),
        api=("patch", "/api/v1/procurements/{draft}", {"weight_price": 50}),
    ),
    Case(
        "an outcome for a retired priority",
        RETIRED,
        page=(
            "/procurements/{draft}/outcomes/new/",
            {"title": "Jobs", "priority": "{retired}", "measure": ""},
        ),
        api=(
            "patch",
            "/api/v1/procurements/{draft}",
            {"outcomes": [{"title": "Jobs", "priority_id": "{retired}"}]},
        ),
    ),
    Case(
        "a criterion added once the procurement is published",
        "A published procurement's evaluation model cannot change.",
        page=("/procurements/{published}/criteria/new/", {"name": "Staffing", "weight": "5"}),
        api=(
            "patch",
            "/api/v1/procurements/{published}",
            {"criteria": [{"name": "Staffing", "weight": 45}]},
        ),
        api_status=409,
    ),
    Case(
        "a criterion that takes the criteria past the quality weight",
        "more than the quality weight 45",
        page=("/procurements/{draft}/criteria/new/", {"name": "Staffing", "weight": "10"}),
        api=(
            "patch",
            "/api/v1/procurements/{draft}",
            {"criteria": [{"name": "Care", "weight": 30}, {"name": "Staffing", "weight": 30}]},
        ),
    ),
    Case(
        "a criterion changed to a weight past the quality weight",
        "more than the quality weight 45",
        page=(
            "/procurements/{draft}/criteria/{draft_criterion}/",
            {"name": "Person-centred care", "weight": "30"},
        ),
        api=(
            "patch",
            "/api/v1/procurements/{draft}",
            {
                "criteria": [
                    {"id": "q1", "name": "Person-centred care", "weight": 30},
                    {"id": "q2", "name": "Safeguarding", "weight": 20},
                ]
            },
        ),
    ),
    Case(
        "a criterion changed once the procurement is published",
        "A published procurement's evaluation model cannot change.",
        page=(
            "/procurements/{published}/criteria/{criterion}/",
            {"name": "Staffing", "weight": "5"},
        ),
        api=(
            "patch",
            "/api/v1/procurements/{published}",
            {"criteria": [{"name": "Staffing", "weight": 45}]},
        ),
        api_status=409,
    ),
    Case(
        "a criterion removed once the procurement is published",
        "A published procurement's evaluation model cannot change.",
        page=("/procurements/{published}/criteria/{criterion}/remove/", {}),
        api=("patch", "/api/v1/procurements/{published}", {"criteria": []}),
        api_status=409,
    ),
    Case(
        "publishing a procurement that breaks the charter",
        "The tender asks for 0 social value outcomes; the charter requires at least 1.",
        page=("/procurements/{no_outcomes}/publish/", {}),
        api=("post", "/api/v1/procurements/{no_outcomes}/publish", {}),
        api_status=409,
    ),
    Case(
        "a draft whose bidding is closed before it was ever open",
        "Only a procurement open for bids can close; this one is draft.",
        page=("/procurements/{draft}/state/", {"state": "evaluating"}),
        api=("post", "/api/v1/procurements/{draft}/close", {}),
        api_status=409,
    ),
    Case(
        "a procurement restored that was never cancelled",
        "Only a cancelled procurement can be restored; this one is published.",
        page=("/procurements/{published}/state/", {"state": "restore"}),
        api=("post", "/api/v1/procurements/{published}/restore", {}),
        api_status=409,
    ),
    Case(
        "a tender file that does not add up (no API route)",
        "nothing was imported",
        page=("/procurements/import/", {"file": "{bad_tender}"}),
        api=None,
    ),
    Case(
        "a second bid from the same bidder",
        "Carewell already has a bid for this procurement.",
        page=(
            "/procurements/{published}/bids/new/",
            {"bidder_name": "Carewell", "price": "800000", "method_statement": ""},
        ),
        api=(
            "post",
            "/api/v1/procurements/{published}/bids",
            {"bidder_name": "Carewell", "price": 800000},
        ),
        api_status=409,
    ),
    Case(
        "a bid for an awarded procurement",
        "This procurement is not taking bids.",
        page=(
            "/procurements/{awarded}/bids/new/",
            {"bidder_name": "Newco", "price": "800000", "method_statement": ""},
        ),
        api=(
            "post",
            "/api/v1/procurements/{awarded}/bids",
            {"bidder_name": "Newco", "price": 800000},
        ),
        api_status=409,
    ),
    Case(
        "a bid renamed to another bidder's name (no API route)",
        "Homeside already has a bid for this procurement.",
        page=(
            "/bids/{bid}/edit/",
            {"bidder_name": "Homeside", "price": "800000", "method_statement": ""},
        ),
        api=None,
    ),
    Case(
        "a commitment serving a retired priority",
        RETIRED,
        page=(
            "/bids/{bid}/commitments/new/",
            {"measure": "{measure}", "quantity": "2", "priority": "{retired}"},
        ),
        api=(
            "post",
            "/api/v1/procurements/{published}/bids",
            {
                "bidder_name": "Newco",
                "price": 800000,
                "commitments": [
                    {"measure_id": "{measure}", "quantity": 2, "priority_id": "{retired}"}
                ],
            },
        ),
    ),
    Case(
        "removing a commitment the bid does not have (no API route)",
        "",
        page=("/bids/{bid}/commitments/999999/remove/", {}),
        api=None,
        page_status=404,
    ),
    Case(
        "submitting a draft bid once bidding has closed (the API refuses the bid itself)",
        "This procurement is not taking bids.",
        page=("/bids/{draft_bid}/submit/", {}),
        api=(
            "post",
            "/api/v1/procurements/{awarded}/bids",
            {"price": 800000, "submit": True},
        ),
        api_status=409,
        page_status=404,
        page_user="provider",
        api_user="provider",
    ),
    Case(
        "an evaluator's score above the maximum",
        SCORE,
        page=(
            "/bids/{bid}/scores/",
            {"score_q1": "7", "score_q2": "3", "score_social-value": "3"},
        ),
        api=(
            "post",
            "/api/v1/procurements/{published}/bids",
            {"bidder_name": "Scoreco", "price": 800000, "scores": {"q1": 7}},
        ),
    ),
    Case(
        "a moderated score above the maximum",
        SCORE,
        page=(
            "/bids/{bid}/moderate/",
            {"score_q1": "7", "score_q2": "3", "score_social-value": "3"},
        ),
        api=(
            "post",
            "/api/v1/procurements/{published}/bids",
            {"bidder_name": "Scoreco", "price": 800000, "scores": {"q1": 7}},
        ),
    ),
    Case(
        "an award while bidding is still open",
        "Bidding is still open: close bidding before awarding.",
        page=("/procurements/{published}/award/", {"bid": "{bid}", "standstill": "mandatory"}),
        api=("post", "/api/v1/procurements/{published}/award", {"bid_id": "{bid}"}),
        api_status=409,
    ),
    Case(
        "an award of the bid ranked second without a reason",
        "Secondco is ranked 2, not first (Firstco is): give the reason for awarding to it.",
        page=(
            "/procurements/{evaluating}/award/",
            {"bid": "{second}", "standstill": "mandatory", "reason": ""},
        ),
        api=("post", "/api/v1/procurements/{evaluating}/award", {"bid_id": "{second}"}),
    ),
    Case(
        "a voluntary standstill on a contract that is not light-touch",
        "Only a light-touch contract may have a voluntary standstill or none",
        page=None,
        api=(
            "post",
            "/api/v1/procurements/{evaluating}/award",
            {"bid_id": "{first}", "standstill": "none"},
        ),
    ),
    Case(
        "a priority whose evidence link is not a web address",
        "Enter link to the evidence as a full web address, like https://example.org",
        page=(
            "/charter/priorities/new/",
            {"rank": "2", "title": "Homes", "evidence_url": "not a url"},
        ),
        api=(
            "put",
            "/api/v1/charter",
            {
                **CHARTER,
                "minimum_social_value_weight": 10,
                "priorities": [{"title": "Homes", "evidence_url": "not a url"}],
            },
        ),
    ),
    Case(
        "a charter weighting with three decimal places",
        # The page names the field as well: "Minimum social value weight ... must have no more ...".
        "no more than 2 decimal places",
        page=(
            "/charter/edit/",
            _page({**CHARTER, "minimum_social_value_weight": "12.345"}),
        ),
        api=("put", "/api/v1/charter", {**CHARTER, "minimum_social_value_weight": 12.345}),
    ),
    Case(
        "a viewer retiring a priority (no API route)",
        "",
        page=("/charter/priorities/{priority}/", {"retire": "1", "rank": "1", "title": "x"}),
        api=None,
        page_user="viewer",
        page_status=403,
    ),
]


@pytest.fixture
def world(demo_world):
    council = demo_world.alice_org
    charter = f.charter(council, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    retired = Priority.objects.create(
        organisation=council, charter=charter, rank=2, title="Old priority", active=False
    )
    draft = f.procurement(council)
    unvalued = f.procurement(council, outcomes=0)
    RequestedOutcome.objects.create(
        procurement=unvalued, code="staff", title="Staff", measure=f.valued_measure("SV-EMP-03")
    )
    published = f.procurement(council, state="published")
    bid = f.bid(published, "Carewell", 900_000)
    f.bid(published, "Homeside", 950_000)
    evaluating = f.procurement(council, state="evaluating")
    first = f.bid(evaluating, "Firstco", 900_000, (5, 5, 5))
    second = f.bid(evaluating, "Secondco", 950_000, (3, 3, 3))
    awarded = f.procurement(council, state="awarded")
    draft_bid = Bid.objects.create(
        procurement=awarded,
        bidder=demo_world.other_org,
        bidder_name=demo_world.other_org.name,
        price=1000,
    )
    values = {
        "draft": draft.id,
        "published": published.id,
        "awarded": awarded.id,
        "evaluating": evaluating.id,
        "first": first.id,
        "second": second.id,
        "no_outcomes": f.procurement(council, outcomes=0).id,
        "outcome": draft.outcomes.get().id,
        "unvalued": unvalued.id,
        "criterion": published.criteria.first().id,
        "draft_criterion": draft.criteria.get(code="q1").id,
        "retired": retired.id,
        "priority": charter.priorities.get(active=True).id,
        "bid": bid.id,
        "draft_bid": draft_bid.id,
        "measure": f.valued_measure().id,
        "bad_tender": SimpleUploadedFile("bad.yaml", b"title: x\nweights: {price: 70}\n"),
    }
    users = {"admin": demo_world.admin, "viewer": demo_world.viewer}
    users["provider"] = demo_world.outsider
    return users, values


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_page_and_api_refuse_for_the_same_reason(client, world, case):
    users, values = world
    counts = (Procurement.objects.count(), Bid.objects.count())
    check(client, case, users, values)
    assert (Procurement.objects.count(), Bid.objects.count()) == counts
