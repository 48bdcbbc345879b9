"""Importing the same evidence file twice: refused until confirmed, naming the earlier import;
rows that repeat a record are flagged as possible duplicates (a warning, not an error)."""

from __future__ import annotations

import io
import json
from html import escape

import pytest

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.evidence import importing
from socialvalue.web.evidence.models import Evidence, EvidenceImport
from tests.factories import bearer
from tests.web.evidence.factories import evidence

pytestmark = pytest.mark.django_db

GOOD = """measure,activity,quantity,period_start,period_end,note
ALC-1,Community lunch club,3,2025-04-01,2025-04-30,Timesheets
ALC-2,Community lunch club,12,2025-05,,Visits log
ALC-1,Community lunch club,1250,01/06/2025,30/06/2025,
"""


def _write(tmp_path, text: str = GOOD, name: str = "april.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _upload(text: str = GOOD, name: str = "april.csv"):
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def test_the_same_content_is_refused_until_confirmed_and_nothing_is_half_saved(
    tmp_path, demo_world, alice_setup
):
    alice = demo_world.alice_org
    assert importing.import_file(_write(tmp_path), organisation=alice, user=demo_world.editor) == 3
    first = EvidenceImport.objects.get()
    assert first.sha256 == importing.content_hash(_write(tmp_path))
    assert (first.filename, first.records, first.imported_by) == ("april.csv", 3, demo_world.editor)

    # The same bytes under another name: still the same content.
    again = _write(tmp_path, name="april-copy.csv")
    plan = importing.check_file(again, organisation=alice, filename="april-copy.csv")
    assert plan.earlier == first
    with pytest.raises(importing.DuplicateImport) as caught:
        importing.import_file(again, organisation=alice, user=demo_world.admin)
    message = caught.value.message
    assert message.startswith("This file was imported before: april.csv (3 records), imported on ")
    assert f"by {demo_world.editor}" in message
    assert Evidence.objects.count() == 3 and EvidenceImport.objects.count() == 1

    count = importing.import_file(
        again, organisation=alice, user=demo_world.admin, confirm_duplicate=True
    )
    assert count == 3 and Evidence.objects.count() == 6
    second = EvidenceImport.objects.latest("id")
    assert second.confirmed_duplicate and second.imported_by == demo_world.admin
    event = AuditEvent.objects.filter(object_id="import").latest("id")
    assert event.changes["imported_again"] == [None, True]
    assert event.changes["sha256"] == [None, second.sha256]


def test_another_organisation_or_other_content_is_not_a_duplicate(
    tmp_path, demo_world, alice_setup
):
    alice = demo_world.alice_org
    importing.import_file(_write(tmp_path), organisation=alice)
    digest = EvidenceImport.objects.get().sha256
    assert importing.earlier_import(demo_world.other_org, digest) is None
    changed = _write(tmp_path, GOOD.replace("1250", "1251"), name="june.csv")
    plan = importing.check_file(changed, organisation=alice)
    assert plan.earlier is None


def test_rows_repeating_a_record_or_an_earlier_row_are_flagged(tmp_path, demo_world, alice_setup):
    alice = demo_world.alice_org
    evidence(alice, quantity="3", month=4)  # 1 to 28 April: not the same period as row 2
    saved = importing.check_file(_write(tmp_path), organisation=alice)
    assert saved.repeat_count == 0
    importing.import_file(_write(tmp_path), organisation=alice)
    text = GOOD + "ALC-1,Community lunch club,3,2025-04-01,2025-04-30,Same again\n"
    text += "ALC-1,Community lunch club,7,2025-07-01,2025-07-31,\n"
    text += "alc-1,community lunch club,7.0,2025-07,,Typed twice\n"
    plan = importing.check_file(_write(tmp_path, text, "more.csv"), organisation=alice)
    assert plan.earlier is None  # other bytes, so another file
    found = [(r.row, r.measure, r.quantity, r.earlier_row) for r in plan.repeats]
    assert found == [
        (2, "ALC-1", "3", None),
        (3, "ALC-2", "12", None),
        (4, "ALC-1", "1,250", None),
        (5, "ALC-1", "3", None),
        (7, "ALC-1", "7", 6),
    ]
    assert plan.repeat_count == 5
    assert plan.repeats[0].what == "The same as a record already saved"
    assert plan.repeats[-1].what == "The same as row 6 of this file"
    # A warning only: the rows are imported when confirmed.
    assert importing.import_file(_write(tmp_path, text, "more.csv"), organisation=alice) == 6


def test_the_check_page_names_the_earlier_import_and_needs_the_box(
    signed_in, demo_world, alice_setup
):
    client = signed_in(demo_world.editor)
    token = client.post("/evidence/import/", {"file": _upload()}).context["confirm_form"]
    client.post("/evidence/import/confirm/", {"token": token.initial["token"]})
    assert Evidence.objects.count() == 3

    client = signed_in(demo_world.admin)
    response = client.post("/evidence/import/", {"file": _upload(name="again.csv")})
    page = response.content.decode()
    assert "No problems found" not in page
    assert "This file was imported before: april.csv (3 records), imported on " in page
    assert f"by {escape(str(demo_world.editor))}" in page
    assert "Import it again anyway" in page
    assert "Possible duplicates" in page and "The same as a record already saved" in page
    token = response.context["confirm_form"].initial["token"]

    refused = client.post("/evidence/import/confirm/", {"token": token})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_confirm_duplicate"' in page
    assert "govuk-form-group--error" in page
    assert "Importing it again would count its records twice" in page
    assert Evidence.objects.count() == 3

    # The file is still waiting: ticking the box imports it.
    response = client.post("/evidence/import/confirm/", {"token": token, "confirm_duplicate": "1"})
    assert response.status_code == 302
    assert Evidence.objects.count() == 6
    assert EvidenceImport.objects.latest("id").confirmed_duplicate


def test_a_first_import_needs_no_box(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    response = client.post("/evidence/import/", {"file": _upload()})
    page = response.content.decode()
    assert "No problems found in the file" in page
    assert "Import it again anyway" not in page and "Possible duplicates" not in page


def _import(client, user, text=GOOD, name="april.csv", **fields):
    return client.post(
        "/api/v1/evidence/imports",
        {"file": _upload(text, name), **fields},
        **bearer(user),
    )


def test_the_api_imports_then_refuses_the_same_content_with_409(client, demo_world, alice_setup):
    first = _import(client, demo_world.editor)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["imported"]["records"] == 3 and body["imported"]["filename"] == "april.csv"
    assert body["imported"]["imported_by"] == demo_world.editor.email
    assert body["possible_duplicates"] == 0 and body["repeats"] == []
    assert Evidence.objects.count() == 3

    refused = _import(client, demo_world.admin, name="again.csv")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.startswith("This file was imported before: april.csv (3 records), imported on")
    assert refused.json()["earlier_import"]["id"] == body["imported"]["id"]
    assert refused.json()["earlier_import"]["sha256"] == body["imported"]["sha256"]
    assert Evidence.objects.count() == 3

    confirmed = _import(client, demo_world.admin, name="again.csv", confirm_duplicate="true")
    assert confirmed.status_code == 201
    assert confirmed.json()["imported"]["confirmed_duplicate"] is True
    assert confirmed.json()["possible_duplicates"] == 3
    assert {r["repeats"] for r in confirmed.json()["repeats"]} == {
        "The same as a record already saved"
    }
    assert Evidence.objects.count() == 6


def test_the_api_import_is_all_or_nothing_and_checks_the_role(client, demo_world, alice_setup):
    bad = GOOD + "NOPE-9,Community lunch club,3,2025-04-01,2025-04-30,\n"
    response = _import(client, demo_world.editor, bad)
    assert response.status_code == 400
    assert "row 5, measure" in json.dumps(response.json())
    assert not Evidence.objects.exists() and not EvidenceImport.objects.exists()
    assert _import(client, demo_world.viewer).status_code == 403
    outsider = _import(client, demo_world.outsider, organisation_id=demo_world.alice_org.pk)
    assert outsider.status_code == 404
    assert not Evidence.objects.exists()
