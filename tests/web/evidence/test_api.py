"""The evidence API: filters, create, update, verification and multipart uploads."""

from __future__ import annotations

import json

import pytest

from socialvalue.web.evidence.models import Evidence, Verification
from tests.factories import bearer
from tests.web.evidence.factories import activity, evidence
from tests.web.files.samples import EXE_BYTES, PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def test_create_and_read_back(client, demo_world, alice_setup):
    body = {
        "measure_id": alice_setup["measure"].pk,
        "activity_id": alice_setup["activity"].pk,
        "quantity": "2.5",
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
        "note": "Volunteer log",
    }
    response = _post(client, "/api/v1/evidence", body, demo_world.editor)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["verification"] == "self_reported"
    assert data["recorded_by"] == demo_world.editor.email
    assert data["explanation"].startswith("2.5 × £1,500.00 (2022 prices)")
    record = Evidence.objects.get(pk=data["id"])
    assert data["value"] == str(record.value)
    got = client.get(f"/api/v1/evidence/{record.pk}", **bearer(demo_world.viewer)).json()
    assert got["quantity"] == "2.5000" and got["activity"] == alice_setup["activity"].name


def test_create_names_each_bad_field(client, demo_world, alice_setup):
    other_activity = activity(demo_world.other_org)
    body = {
        "measure_id": 987654,
        "activity_id": other_activity.pk,
        "quantity": 1,
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
    }
    response = _post(client, "/api/v1/evidence", body, demo_world.editor)
    assert response.status_code == 400
    assert set(response.json()["detail"]) == {"measure_id", "activity_id"}
    body.update(
        measure_id=alice_setup["measure"].pk,
        activity_id=alice_setup["activity"].pk,
        period_end="2025-03-01",
    )
    response = _post(client, "/api/v1/evidence", body, demo_world.editor)
    assert response.json()["detail"] == {
        "period_end": ["The period must end on or after the day it starts."]
    }


def test_a_viewer_cannot_create(client, demo_world, alice_setup):
    body = {
        "measure_id": alice_setup["measure"].pk,
        "activity_id": alice_setup["activity"].pk,
        "quantity": 1,
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
    }
    assert _post(client, "/api/v1/evidence", body, demo_world.viewer).status_code == 403


def test_list_filters(client, demo_world, alice_setup):
    alice = demo_world.alice_org
    garden = activity(alice, name="Garden project", team="Outreach", area="Eastbank")
    evidence(alice, month=4)
    evidence(alice, month=5, activity_=garden)
    evidence(demo_world.other_org, month=5)
    headers = bearer(demo_world.viewer)
    assert client.get("/api/v1/evidence", **headers).json()["count"] == 2
    found = client.get("/api/v1/evidence?team=Outreach", **headers).json()
    assert [item["activity"] for item in found["items"]] == ["Garden project"]
    found = client.get("/api/v1/evidence?date_from=2025-05-01&date_to=2025-05-31", **headers).json()
    assert found["count"] == 1
    assert client.get("/api/v1/evidence?verification=verified", **headers).json()["count"] == 0


def test_patch_changes_only_what_is_sent(client, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, quantity="2", note="Before")
    response = client.patch(
        f"/api/v1/evidence/{record.pk}",
        json.dumps({"quantity": 4}),
        content_type="application/json",
        **bearer(demo_world.editor),
    )
    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert record.quantity == 4 and record.note == "Before"


def test_multipart_upload_and_download(client, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.admin)
    headers = bearer(demo_world.editor)
    response = client.post(
        f"/api/v1/evidence/{record.pk}/files",
        {"file": [upload("register.pdf", PDF_BYTES), upload("second.pdf", PDF_BYTES)]},
        **headers,
    )
    assert response.status_code == 201, response.content
    files = response.json()
    assert [f["original_name"] for f in files] == ["register.pdf", "second.pdf"]
    assert files[0]["file_type"] == "pdf" and files[0]["size"] == len(PDF_BYTES)
    record.refresh_from_db()
    assert record.verification == Verification.EVIDENCED
    download = client.get(files[0]["download_url"], **headers)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_multipart_upload_refuses_a_program_named_pdf(client, demo_world, alice_setup):
    record = evidence(demo_world.alice_org)
    response = client.post(
        f"/api/v1/evidence/{record.pk}/files",
        {"file": upload("invoice.pdf", EXE_BYTES)},
        **bearer(demo_world.editor),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "invoice.pdf is not an allowed type: its content is not PDF, Word, Excel, CSV, PNG or JPEG."
    ]
    assert not record.files.exists()


def test_verification_through_the_api(client, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    url = f"/api/v1/evidence/{record.pk}/verification"
    assert _post(client, url, {"decision": "verify"}, demo_world.editor).status_code == 403
    assert _post(client, url, {"decision": "reject"}, demo_world.admin).status_code == 400
    response = _post(client, url, {"decision": "reject", "reason": "No register"}, demo_world.admin)
    assert response.json()["verification"] == "rejected"
    assert response.json()["verified_by"] == demo_world.admin.email


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_the_recorder_cannot_settle_their_own_record_through_the_api(client, demo_world, who):
    recorder = getattr(demo_world, who)
    record = evidence(demo_world.alice_org, recorded_by=recorder)
    url = f"/api/v1/evidence/{record.pk}/verification"
    for body in (
        {"decision": "verify"},
        {"decision": "reject", "reason": "Wrong month"},
        {"decision": "reopen"},
    ):
        response = _post(client, url, body, recorder)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "You recorded this evidence, so someone else must verify it."
        }
    record.refresh_from_db()
    assert record.verification == Verification.SELF_REPORTED and record.verified_by is None
    other = demo_world.editor if who == "admin" else demo_world.admin
    response = _post(client, url, {"decision": "verify"}, other)
    assert response.status_code == 200
    assert response.json()["verified_by"] == other.email
    assert response.json()["recorded_by"] == recorder.email


def test_whoever_changed_the_claim_through_the_api_cannot_verify_it(client, demo_world):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    changed = client.patch(
        f"/api/v1/evidence/{record.pk}",
        json.dumps({"quantity": "30"}),
        content_type="application/json",
        **bearer(demo_world.admin),
    )
    assert changed.status_code == 200
    response = _post(
        client,
        f"/api/v1/evidence/{record.pk}/verification",
        {"decision": "verify"},
        demo_world.admin,
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You changed what this evidence claims, so someone else must verify it."
    }
