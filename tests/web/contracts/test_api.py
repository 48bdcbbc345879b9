"""The contracts API: list, get and create contracts, returns, verification and the portfolio summary."""

import json

import pytest

from socialvalue.web.contracts.models import Return
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, measures, parties

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    return p


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def test_each_side_lists_the_contract_and_a_third_organisation_gets_404(client, world):
    for user in (world.commissioner, world.provider_lead):
        listed = client.get("/api/v1/contracts", **bearer(user)).json()
        assert [c["title"] for c in listed["items"]] == ["Home care north"]
    one = client.get(f"/api/v1/contracts/{world.contract.pk}", **bearer(world.provider_lead)).json()
    assert one["provider_name"] == "Bright Care" and len(one["commitments"]) == 2
    outsider = bearer(world.outsider)
    assert client.get("/api/v1/contracts", **outsider).json()["count"] == 0
    assert client.get(f"/api/v1/contracts/{world.contract.pk}", **outsider).status_code == 404
    assert (
        client.get(f"/api/v1/contracts/{world.contract.pk}/returns", **outsider).status_code == 404
    )


def test_create_a_contract_with_commitments_and_bad_input_is_a_400(client, world):
    fiscal, economic = measures()
    body = {
        "provider_id": world.provider.pk,
        "title": "Meals",
        "value": "50000",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "reporting_frequency": "six_monthly",
        "commitments": [
            {"measure_id": fiscal.pk, "target_quantity": "2"},
            {
                "description": "Hot meals delivered",
                "unit": "meals",
                "target_quantity": "900",
                "profile": "custom",
                "period_targets": ["400", "500"],
            },
        ],
    }
    response = _post(client, "/api/v1/contracts", body, world.commissioner)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["commissioner_id"] == world.council.pk
    assert [c["committed_value"] for c in made["commitments"]] == ["4000.00", "0.00"]
    bad = _post(
        client,
        "/api/v1/contracts",
        {**body, "commitments": [{**body["commitments"][1], "period_targets": ["1", "2"]}]},
        world.commissioner,
    )
    assert bad.status_code == 400 and "add up to 3" in json.dumps(bad.json())
    backwards = _post(
        client, "/api/v1/contracts", {**body, "end_date": "2024-01-01"}, world.commissioner
    )
    assert backwards.status_code == 400
    # A provider cannot commission: its membership is in another organisation than the one named.
    named = _post(
        client,
        "/api/v1/contracts",
        {**body, "commissioner_id": world.council.pk},
        world.provider_lead,
    )
    assert named.status_code == 404


def test_provider_submits_and_commissioner_verifies_through_the_api(client, world):
    lines = world.contract.returns.get(period_index=0).lines.order_by("commitment__position")
    fiscal, economic = lines
    url = f"/api/v1/contracts/{world.contract.pk}/returns"
    incomplete = _post(
        client,
        url,
        {"period_index": 0, "lines": [{"commitment_id": fiscal.commitment_id, "quantity": "1"}]},
        world.provider_lead,
    )
    assert incomplete.status_code == 400
    assert "Enter the quantity delivered" in json.dumps(incomplete.json())
    done = _post(
        client,
        url,
        {
            "period_index": 0,
            "narrative": "All done",
            "lines": [
                {"commitment_id": fiscal.commitment_id, "quantity": "1"},
                {"commitment_id": economic.commitment_id, "quantity": "2"},
            ],
        },
        world.provider_lead,
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    return_id = done.json()["id"]
    # The commissioner cannot submit the provider's return, nor the provider verify it.
    assert _post(client, url, {"period_index": 0}, world.commissioner).status_code == 403
    verify = f"/api/v1/returns/{return_id}/verification"
    decision = {"decisions": [{"line_id": fiscal.pk, "verification": "accepted"}]}
    assert _post(client, verify, decision, world.provider_lead).status_code == 403
    no_reason = _post(
        client,
        verify,
        {"decisions": [{"line_id": economic.pk, "verification": "rejected"}]},
        world.commissioner,
    )
    assert no_reason.status_code == 400 and "reason" in json.dumps(no_reason.json())
    ok = _post(
        client,
        verify,
        {
            "decisions": [
                {"line_id": fiscal.pk, "verification": "accepted"},
                {"line_id": economic.pk, "verification": "rejected", "reason": "No payslips"},
            ]
        },
        world.commissioner,
    )
    assert ok.status_code == 200 and ok.json()["status"] == Return.Status.REVIEWED
    verified = {line["commitment_id"]: line["verified_value"] for line in ok.json()["lines"]}
    assert verified == {fiscal.commitment_id: "2000.00", economic.commitment_id: "0.00"}

    summary = client.get("/api/v1/portfolio/summary?year=2024", **bearer(world.commissioner))
    assert summary.status_code == 200
    totals = summary.json()["totals"]
    assert totals["verified_value"] == "2000.00" and totals["verified_fiscal_value"] == "2000.00"
    assert totals["delivered_value"] == "2000.00"  # the rejected line counts as nothing
    assert {row["label"] for row in summary.json()["theme"]} == {"Health", "Jobs"}
    assert client.get("/api/v1/portfolio/summary", **bearer(world.provider_lead)).status_code == 404


def test_unknown_commitment_or_period_is_refused(client, world):
    url = f"/api/v1/contracts/{world.contract.pk}/returns"
    assert _post(client, url, {"period_index": 99}, world.provider_lead).status_code == 404
    other = _post(
        client,
        url,
        {"period_index": 0, "lines": [{"commitment_id": 999999, "quantity": "1"}]},
        world.provider_lead,
    )
    assert other.status_code == 400


def test_provider_attaches_evidence_through_the_api_and_both_sides_download_it(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = world.contract.returns.get(period_index=0)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    url = f"/api/v1/returns/{first.pk}/files"
    refused = client.post(
        url,
        {"file": [SimpleUploadedFile("fake.pdf", b"MZ\x90\x00\xff\xfe binary")]},
        **bearer(world.provider_lead),
    )
    assert refused.status_code == 400 and "fake.pdf" in json.dumps(refused.json())
    made = client.post(
        url, {"file": [SimpleUploadedFile("register.pdf", pdf)]}, **bearer(world.provider_lead)
    )
    assert made.status_code == 201
    download = made.json()[0]["download_url"]
    for user in (world.provider_lead, world.commissioner):
        response = client.get(download, **bearer(user))
        assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert client.get(download, **bearer(world.outsider)).status_code == 404
    # The commissioner does not add the provider's evidence.
    assert (
        client.post(
            url, {"file": [SimpleUploadedFile("mine.pdf", pdf)]}, **bearer(world.commissioner)
        ).status_code
        == 403
    )
