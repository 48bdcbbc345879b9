"""The charter, publishing against it, bids and scores, the evaluation and the award."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils.html import escape

from socialvalue.core import scoring
from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import (
    Bid,
    EvaluatorScore,
    ModeratedScore,
    Procurement,
    RequestedOutcome,
)
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.reports.chart_geometry import page_charts, problems
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def council(demo_world):
    f.charter(demo_world.alice_org, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    return demo_world


def test_publishing_is_refused_with_each_breach_of_the_charter(council):
    procurement = f.procurement(council.alice_org, weights=(50, 45, 5), outcomes=0)
    with pytest.raises(services.CharterBreach) as refusal:
        services.publish(procurement=procurement, actor=Actor.for_user(council.admin))
    assert len(refusal.value.breaches) == 2
    assert any("5%" in b and "10%" in b for b in refusal.value.breaches)
    assert "The tender asks for 0 social value outcomes; the charter requires at least 1." in (
        refusal.value.breaches
    )
    procurement.refresh_from_db()
    assert procurement.state == Procurement.State.DRAFT


def test_the_charter_does_not_apply_below_its_threshold(council):
    procurement = f.procurement(council.alice_org, weights=(50, 45, 5), outcomes=0, value=50_000)
    services.publish(procurement=procurement, actor=Actor.for_user(council.admin))
    assert procurement.state == Procurement.State.PUBLISHED


def test_web_publish_shows_the_reason_and_an_added_outcome_lets_it_through(client, council):
    procurement = f.procurement(council.alice_org, outcomes=0)
    client.force_login(council.admin)
    page = client.post(f"/procurements/{procurement.id}/publish/", follow=True)
    assert "breaks the charter" in page.content.decode()
    assert "asks for 0 social value outcomes" in page.content.decode()
    client.post(
        f"/procurements/{procurement.id}/outcomes/new/",
        {"title": "Local jobs", "priority": "", "measure": ""},
    )
    page = client.post(f"/procurements/{procurement.id}/publish/", follow=True)
    assert "Published" in page.content.decode()
    procurement.refresh_from_db()
    assert procurement.state == "published"


def test_api_publish_answers_409_with_the_breach_sentences(client, council):
    procurement = f.procurement(council.alice_org, outcomes=0)
    response = client.post(
        f"/api/v1/procurements/{procurement.id}/publish", **bearer(council.admin)
    )
    assert response.status_code == 409
    body = response.json()
    expected = services.charter_breaches(procurement)
    assert expected and all(sentence in body["detail"] for sentence in expected)
    assert body["breaches"] == expected


def test_evaluation_is_the_cli_result_for_the_exported_tender(client, council, tmp_path):
    procurement = f.procurement(council.alice_org, state="published")
    f.three_bids(procurement)
    client.force_login(council.admin)
    exported = client.get(f"/procurements/{procurement.id}/export.yaml")
    assert exported["Content-Disposition"].startswith("attachment")
    path = tmp_path / "tender.yaml"
    path.write_bytes(exported.content)
    cli = subprocess.run(
        [Path(sys.executable).with_name("socialvalue"), "tender", "evaluate", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    api = client.get(f"/api/v1/procurements/{procurement.id}/evaluation", **bearer(council.admin))
    assert api.status_code == 200
    assert api.json() == json.loads(cli.stdout)
    assert api.json() == services.evaluate(procurement).to_dict()
    page = client.get(f"/procurements/{procurement.id}/evaluation/").content.decode()
    assert f'<span id="winner">{api.json()["winner"]}</span>' in page
    for bid in api.json()["bids"]:
        assert f"{bid['total']:.2f}" in page


def test_the_evaluation_chart_marks_the_current_weight_with_its_legend_off_the_lines(
    client, council
):
    procurement = f.procurement(council.alice_org, state="published", weights=(40, 45, 15))
    f.three_bids(procurement)
    client.force_login(council.admin)
    page = client.get(f"/procurements/{procurement.id}/evaluation/").content.decode()
    (svg,) = page_charts(page)
    assert "Total score of each bid by social value weight" in svg
    assert "Current weight: 15%" in svg
    assert problems(svg) == []


def test_evaluation_names_what_is_still_missing(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    bid = f.bid(procurement, "Carewell", 900_000)
    ModeratedScore.objects.filter(bid=bid, criterion="q2").delete()
    client.force_login(council.admin)
    page = client.get(f"/procurements/{procurement.id}/evaluation/").content.decode()
    assert "Carewell: no moderated score yet for Safeguarding" in page
    api = client.get(f"/api/v1/procurements/{procurement.id}/evaluation", **bearer(council.admin))
    assert api.status_code == 400
    assert "Safeguarding" in api.json()["detail"]


def test_each_evaluators_scores_are_kept_and_the_moderated_one_is_used(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    bid = f.bid(procurement, "Carewell", 900_000)
    ModeratedScore.objects.filter(bid=bid).delete()
    for user, score in ((council.admin, "4"), (council.editor, "2")):
        client.force_login(user)
        response = client.post(
            f"/bids/{bid.id}/scores/",
            {"score_q1": score, "score_q2": score, "score_social-value": score},
        )
        assert response.status_code == 302
    assert EvaluatorScore.objects.filter(bid=bid).count() == 6
    page = client.get(f"/bids/{bid.id}/moderate/").content.decode()
    assert 'value="3' in page  # the median of 4 and 2 is offered as the starting point
    client.post(
        f"/bids/{bid.id}/moderate/", {"score_q1": "3.5", "score_q2": "3", "score_social-value": "3"}
    )
    assert services.tender_data(procurement)["bids"][0]["quality"] == {"q1": 3.5, "q2": 3}


def test_a_score_above_the_maximum_is_shown_next_to_its_field(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    bid = f.bid(procurement, "Carewell", 900_000)
    client.force_login(council.admin)
    page = client.post(
        f"/bids/{bid.id}/scores/", {"score_q1": "7", "score_q2": "3", "score_social-value": "3"}
    )
    assert page.status_code == 200
    assert "govuk-error-message" in page.content.decode()
    assert not EvaluatorScore.objects.filter(bid=bid).exists()


def test_a_provider_bids_for_a_published_procurement_and_only_then_the_council_sees_it(
    client, council
):
    procurement = f.procurement(council.alice_org, state="published")
    provider = council.other_org
    client.force_login(council.outsider)
    assert client.get(f"/procurements/{procurement.id}/").status_code == 200
    response = client.post(
        f"/procurements/{procurement.id}/bids/new/",
        {"price": "800000", "method_statement": "Local jobs."},
    )
    bid = Bid.objects.get(bidder=provider)
    assert response.status_code == 302
    client.post(
        f"/bids/{bid.id}/commitments/new/", {"measure": f.valued_measure().id, "quantity": "2"}
    )
    commitment = bid.commitments.get()
    measure = f.valued_measure()
    assert (commitment.proxy_value, commitment.price_year, commitment.proxy_source) == (
        measure.proxy_value,
        measure.price_year,
        measure.source,
    )
    client.force_login(council.admin)
    assert client.get(f"/bids/{bid.id}/").status_code == 404  # still a draft
    client.force_login(council.outsider)
    client.post(f"/bids/{bid.id}/submit/")
    client.force_login(council.admin)
    page = client.get(f"/bids/{bid.id}/").content.decode()
    assert "Charlie Support" in page and str(measure.proxy_value).split(".")[0] in page


def test_a_tender_file_imports_as_a_draft_and_scores_as_the_file_does(client, council):
    client.force_login(council.admin)
    example = EXAMPLES / "tender-supported-living.yaml"
    with example.open("rb") as upload:
        response = client.post("/procurements/import/", {"file": upload})
    assert response.status_code == 302
    procurement = Procurement.objects.get(organisation=council.alice_org)
    assert procurement.state == "draft"
    expected = scoring.evaluate(scoring.load_tender(example)).to_dict()
    imported = scoring.evaluate(scoring.load_tender(services.tender_data(procurement))).to_dict()
    assert imported["bids"] == expected["bids"] and imported["winner"] == expected["winner"]


def test_a_bad_tender_file_names_each_problem_and_imports_nothing(client, council, tmp_path):
    data = yaml.safe_load((EXAMPLES / "tender-supported-living.yaml").read_text())
    data["weights"]["price"] = 70
    data["bids"][0]["quality"]["q1"] = 9
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    client.force_login(council.admin)
    with path.open("rb") as upload:
        page = client.post("/procurements/import/", {"file": upload}).content.decode()
    assert "nothing was imported" in page
    assert "bids[0].quality.q1" in page
    assert not Procurement.objects.exists()


def test_saving_the_charter_keeps_every_version(client, council):
    client.force_login(council.admin)
    for weight in ("12", "15"):
        client.post(
            "/charter/edit/",
            {
                "principles": "Fair work.",
                "minimum_social_value_weight": weight,
                "threshold": "100000",
                "minimum_outcomes": "1",
            },
        )
    page = client.get("/charter/history/?version=1").content.decode()
    assert "12" in page
    versions = list(
        services.charter_for(council.alice_org).versions.values_list("number", flat=True)
    )
    assert versions == [2, 1]


def test_api_charter_round_trip_with_ranked_priorities(client, council):
    measure = f.valued_measure()
    body = {
        "principles": "Buy well.",
        "minimum_social_value_weight": 20,
        "threshold": 0,
        "minimum_outcomes": 2,
        "priorities": [{"title": "Jobs", "measure_ids": [measure.id]}, {"title": "Health"}],
    }
    put = client.put(
        "/api/v1/charter",
        json.dumps(body),
        content_type="application/json",
        **bearer(council.admin),
    )
    assert put.status_code == 200, put.json()
    got = client.get("/api/v1/charter", **bearer(council.viewer)).json()
    assert [p["title"] for p in got["priorities"]] == ["Jobs", "Health"]
    assert got["priorities"][0]["measure_ids"] == [measure.id]
    forbidden = client.put(
        "/api/v1/charter",
        json.dumps(body),
        content_type="application/json",
        **bearer(council.viewer),
    )
    assert forbidden.status_code == 403


def test_api_creates_a_procurement_enters_bids_and_evaluates(client, council):
    body = {
        "title": "Day services",
        "estimated_value": 500000,
        "weight_price": 40,
        "weight_quality": 40,
        "weight_social_value": 20,
        "criteria": [{"id": "q1", "name": "Quality", "weight": 40}],
        "outcomes": [{"title": "Local jobs"}],
    }
    created = client.post(
        "/api/v1/procurements",
        json.dumps(body),
        content_type="application/json",
        **bearer(council.admin),
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert created.json()["charter_breaches"] == []
    assert (
        client.post(f"/api/v1/procurements/{pid}/publish", **bearer(council.admin)).status_code
        == 200
    )
    measure = f.valued_measure()
    for name, price, score in (("A", 100, 4), ("B", 90, 3)):
        bid = {
            "bidder_name": name,
            "price": price,
            "commitments": [{"measure_id": measure.id, "quantity": 2}],
            "scores": {"q1": score, "social-value": score},
        }
        response = client.post(
            f"/api/v1/procurements/{pid}/bids",
            json.dumps(bid),
            content_type="application/json",
            **bearer(council.admin),
        )
        assert response.status_code == 201, response.json()
        assert Decimal(response.json()["social_value_offered"]) == 2 * measure.proxy_value
    result = client.get(f"/api/v1/procurements/{pid}/evaluation", **bearer(council.admin)).json()
    assert [b["bidder"] for b in result["bids"]] == ["A", "B"]
    assert (
        result
        == scoring.evaluate(
            client.get(f"/api/v1/procurements/{pid}/tender", **bearer(council.admin)).json()
        ).to_dict()
    )


def test_a_viewer_cannot_change_a_procurement(client, council):
    procurement = f.procurement(council.alice_org)
    client.force_login(council.viewer)
    assert client.post(f"/procurements/{procurement.id}/publish/").status_code == 403
    response = client.patch(
        f"/api/v1/procurements/{procurement.id}",
        json.dumps({"title": "x"}),
        content_type="application/json",
        **bearer(council.viewer),
    )
    assert response.status_code == 403
    assert RequestedOutcome.objects.filter(procurement=procurement).count() == 1


@pytest.mark.parametrize(
    ("moved", "to", "order"), [("A", 3, "BCA"), ("C", 1, "CAB"), ("B", 9, "ACB")]
)
def test_a_priority_moved_to_a_rank_takes_it_and_the_others_make_room(
    client, council, moved, to, order
):
    charter = services.charter_for(council.alice_org)
    charter.priorities.all().delete()
    for rank, title in enumerate("ABC", 1):
        charter.priorities.create(organisation=council.alice_org, rank=rank, title=title)
    priority = charter.priorities.get(title=moved)
    client.force_login(council.admin)
    client.post(f"/charter/priorities/{priority.id}/", {"rank": to, "title": moved})
    ranked = charter.priorities.filter(active=True).order_by("rank")
    assert "".join(p.title for p in ranked) == order
    assert [p.rank for p in ranked] == [1, 2, 3]


def test_a_commitment_serves_the_priority_the_buyer_linked_to_its_measure(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    priority = services.charter_for(council.alice_org).priorities.get()
    priority.measures.add(f.valued_measure())
    client.force_login(council.outsider)
    client.post(f"/procurements/{procurement.id}/bids/new/", {"price": "800000"})
    bid = Bid.objects.get(bidder=council.other_org)
    client.post(
        f"/bids/{bid.id}/commitments/new/", {"measure": f.valued_measure().id, "quantity": "2"}
    )
    assert bid.commitments.get().priority == priority


def test_the_evaluation_and_the_bid_link_to_their_reports(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    bid = f.three_bids(procurement)[0]
    client.force_login(council.admin)
    page = client.get(f"/procurements/{procurement.id}/evaluation/").content.decode()
    link = f"/reports/tender-evaluation/?procurement={procurement.id}"
    assert link in page
    assert client.get(link).status_code == 200
    link = f"/reports/tender-response/?bid={bid.id}"
    assert link in client.get(f"/bids/{bid.id}/").content.decode()
    assert client.get(link).status_code == 200


def test_every_missing_score_is_named_at_once(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    for name in ("Carewell", "Homeside"):
        bid = f.bid(procurement, name, 900_000)
        ModeratedScore.objects.filter(bid=bid).delete()
    with pytest.raises(services.InputError) as missing:
        services.evaluate(procurement)
    assert [p.place for p in missing.value.problems] == ["Carewell", "Homeside"]


def test_web_publish_lists_every_reason_at_once(client, council):
    procurement = f.procurement(council.alice_org, weights=(50, 40, 5), outcomes=0)
    reasons = services.publish_refusals(procurement)
    assert len(reasons) >= 2 and any("asks for 0 social value outcomes" in r for r in reasons)
    client.force_login(council.admin)
    page = client.post(f"/procurements/{procurement.id}/publish/", follow=True).content.decode()
    for reason in reasons:
        assert f"• {escape(reason)}" in page
    procurement.refresh_from_db()
    assert procurement.state == "draft"


def test_a_council_enters_a_bid_for_a_registered_provider_without_typing_its_name(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    provider = council.other_org
    client.force_login(council.admin)
    form = client.get(f"/procurements/{procurement.id}/bids/new/").content.decode()
    assert "---------" not in form
    response = client.post(
        f"/procurements/{procurement.id}/bids/new/",
        {"bidder": provider.id, "bidder_name": "", "price": "700000", "method_statement": "x"},
    )
    assert response.status_code == 302, response.content.decode()
    bid = Bid.objects.get(procurement=procurement)
    assert (bid.bidder, bid.bidder_name) == (provider, provider.name)
    # With neither, the error names the field and says what to do.
    page = client.post(
        f"/procurements/{procurement.id}/bids/new/",
        {"bidder": "", "bidder_name": "", "price": "1", "method_statement": "x"},
    ).content.decode()
    assert "This field cannot be blank" not in page and "This field is required" not in page
    assert "Name the bidder, or choose a registered provider." in page, page
