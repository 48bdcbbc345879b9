"""The tender evaluation for the council and a bid's response for its bidder, in every format."""

from __future__ import annotations

import pytest

from socialvalue.reports.formatting import format_value, money
from socialvalue.web.commissioning import services
from socialvalue.web.reports.models import ReportRun
from tests.factories import MembershipFactory, bearer
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values
from tests.web.commissioning import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(demo_world):
    factories.charter(demo_world.alice_org)
    procurement = factories.procurement(demo_world.alice_org, state="evaluating")
    bids = factories.three_bids(procurement)
    return demo_world, procurement, bids


def _files(client, run):
    return {
        fmt: b"".join(client.get(f"/reports/runs/{run.pk}/download.{fmt}").streaming_content)
        for fmt in ("pdf", "docx", "xlsx", "csv")
    }


def test_the_evaluation_ranks_the_bids_as_the_procurement_page_does(client, tender):
    world, procurement, _bids = tender
    result = services.evaluate(procurement).result
    best = min(result.bids, key=lambda b: b.rank)
    client.force_login(world.viewer)
    response = client.post("/reports/tender-evaluation/", {"procurement": procurement.pk})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    page = client.get(response["Location"]).content.decode()
    figures = [
        format_value(best.total, "number"),
        money(best.social_value_offered),
        money(best.price),
    ]
    for figure in figures:
        assert figure in page
    files = _files(client, run)
    text, word = pdf_text(files["pdf"]), docx_text(files["docx"])
    for figure in figures:
        assert figure in text and figure in word
    for bidder in ("Brightcare Ltd", "Carewell", "Homeside"):
        assert bidder in text
    assert "Who wins at each social value weight" in text
    summary = {row[0]: row[1] for row in xlsx_values(files["xlsx"])["Summary"] if row[0]}
    assert summary["Highest total score"] == pytest.approx(best.total)
    csv_figures = {row[0]: row[1] for row in csv_rows(files["csv"]) if len(row) > 1}
    assert float(csv_figures["Bids evaluated"]) == 3


def test_a_bid_without_moderated_scores_is_named(client, tender):
    world, procurement, bids = tender
    bids[1].moderated_scores.filter(criterion="q1").delete()
    client.force_login(world.viewer)
    client.post("/reports/tender-evaluation/", {"procurement": procurement.pk})
    run = ReportRun.objects.get()
    assert run.status == "failed"
    assert "Carewell: no moderated score yet for Person-centred care" in run.error


def test_the_bidder_gets_its_response_and_not_the_evaluation(client, tender):
    world, procurement, bids = tender
    brightcare = bids[0].bidder
    lead = MembershipFactory(organisation=brightcare, role="editor").user
    bids[0].method_statement = "We will **hire locally** and report quarterly."
    bids[0].save()
    client.force_login(lead)
    assert client.get("/reports/tender-evaluation/").status_code == 404
    response = client.post("/reports/tender-response/", {"bid": bids[0].pk})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    offered = sum(c.value for c in bids[0].commitments.all())
    page = client.get(response["Location"]).content.decode()
    assert money(offered) in page and "<strong>hire locally</strong>" in page
    files = _files(client, run)
    assert money(offered) in pdf_text(files["pdf"])
    assert "hire locally" in docx_text(files["docx"])
    # Another bidder's response is not Brightcare's to see.
    page = client.post("/reports/tender-response/", {"bid": bids[1].pk}).content.decode()
    assert "Choose one of the bid options" in page
    response = client.post(
        "/api/v1/reports/tender-response/runs",
        f'{{"parameters": {{"bid": {bids[1].pk}}}}}',
        content_type="application/json",
        **bearer(lead),
    )
    assert response.status_code == 404


def test_the_council_can_read_a_submitted_response(client, tender):
    world, procurement, bids = tender
    client.force_login(world.viewer)
    client.post("/reports/tender-response/", {"bid": bids[2].pk})
    run = ReportRun.objects.get()
    assert run.status == "done" and run.title == "Social value response: Homecare in the north"
