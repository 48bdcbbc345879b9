"""The evidence pages: list and totals, recording with files, verification, downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from socialvalue.web.evidence.models import Evidence, Verification
from socialvalue.web.measures.models import Confidence
from tests.web.evidence.factories import activity, counted_measure, evidence, valued_measure
from tests.web.files.samples import EXE_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


def _record_form(setup, **overrides):
    data = {
        "activity": setup["activity"].pk,
        "measure": setup["measure"].pk,
        "quantity": "4",
        "period_start": "2025-04-01",
        "period_end": "2025-04-30",
        "note": "Signed timesheets in the HR folder",
    }
    return {**data, **overrides}


def test_recording_evidence_with_a_file(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    form = _record_form(alice_setup, files=[upload("timesheets.pdf", PDF_BYTES)])
    response = client.post("/evidence/record/", form)
    record = Evidence.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evidence/{record.pk}/"
    assert record.verification == Verification.EVIDENCED
    assert record.recorded_by == demo_world.editor
    page = client.get(f"/evidence/{record.pk}/").content.decode()
    assert "timesheets.pdf" in page
    assert "4 × £1,500.00 (2022 prices)" in page
    assert "someone else must verify it" in page


def test_a_renamed_program_is_refused_and_nothing_is_saved(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    form = _record_form(alice_setup, files=[upload("timesheets.pdf", EXE_BYTES)])
    response = client.post("/evidence/record/", form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        "timesheets.pdf is not an allowed type: its content is not PDF, Word, Excel, CSV, PNG or JPEG."
        in page
    )
    assert not Evidence.objects.exists()


def test_the_form_names_each_bad_field(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    response = client.post(
        "/evidence/record/",
        _record_form(alice_setup, quantity="lots", period_end="2025-03-01"),
    )
    page = response.content.decode()
    assert "&#x27;lots&#x27; is not a number." in page
    assert "The period must end on or after the day it starts." in page
    assert not Evidence.objects.exists()


def test_a_viewer_reads_but_cannot_record(signed_in, demo_world, alice_setup):
    evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    client = signed_in(demo_world.viewer)
    page = client.get("/evidence/").content.decode()
    assert "1 record" in page and "Record evidence" not in page
    assert client.get("/evidence/record/").status_code == 403
    assert client.post("/evidence/record/", _record_form(alice_setup)).status_code == 403


def test_the_list_filters_and_totals(signed_in, demo_world, alice_setup):
    alice = demo_world.alice_org
    garden = activity(alice, name="Garden project", team="Outreach", area="Eastbank")
    evidence(alice, quantity="2", month=4)
    evidence(alice, quantity="3", month=5, activity_=garden)
    rejected = evidence(alice, quantity="100", month=6)
    Evidence.objects.filter(pk=rejected.pk).update(verification=Verification.REJECTED)
    client = signed_in(demo_world.viewer)
    response = client.get("/evidence/")
    assert response.context["totals"].records == 3
    per_unit = Evidence.objects.get(quantity=2).value / 2
    assert (
        response.context["totals"].value
        == Evidence.objects.get(quantity=2).value + Evidence.objects.get(quantity=3).value
    )
    assert per_unit > 0
    response = client.get("/evidence/", {"team": "Outreach"})
    assert [r.activity for r in response.context["page"].object_list] == [garden]
    response = client.get("/evidence/", {"verification": "rejected"})
    assert response.context["totals"].records == 1 and response.context["totals"].value == 0


def test_the_totals_say_what_rests_on_unverified_proxies_and_what_is_not_valued(
    signed_in, demo_world, alice_setup
):
    alice = demo_world.alice_org
    sure = evidence(alice, quantity="2", month=4)
    doubtful_measure = valued_measure(alice)
    doubtful_measure.pk, doubtful_measure.code = None, "ALC-9"
    doubtful_measure.confidence = Confidence.UNVERIFIED
    doubtful_measure.save()
    doubtful = evidence(alice, quantity="3", month=5, measure=doubtful_measure)
    evidence(alice, quantity="7", month=6, measure=counted_measure(alice))
    rejected = evidence(alice, quantity="9", month=7, measure=doubtful_measure)
    Evidence.objects.filter(pk=rejected.pk).update(verification=Verification.REJECTED)

    response = signed_in(demo_world.viewer).get("/evidence/")
    totals = response.context["totals"]
    assert totals.value == sure.value + doubtful.value
    assert totals.unverified_proxy_value == doubtful.value
    assert totals.unverified_proxy_records == 1
    assert totals.unvalued == 1
    page = response.content.decode()
    assert f"Of which £{doubtful.value:,.0f} from 1 record whose proxy is marked unverified" in page
    assert "1 record counted but not valued: its measure has no proxy." in page
    assert page.count("Unverified proxy") == 2  # the doubtful record and the rejected one

    in_2019 = signed_in(demo_world.viewer).get("/evidence/", {"price_year": "2019"})
    restated = in_2019.context["totals"]
    assert restated.price_year == 2019
    assert restated.unverified_proxy_value < doubtful.value


def test_verification_by_a_second_pair_of_eyes(signed_in, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    editor = signed_in(demo_world.editor)
    assert (
        editor.post(f"/evidence/{record.pk}/verification/", {"decision": "verify"}).status_code
        == 403
    )
    admin = signed_in(demo_world.admin)
    response = admin.post(
        f"/evidence/{record.pk}/verification/", {"decision": "reject", "reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the record is rejected." in response.content.decode()
    admin.post(
        f"/evidence/{record.pk}/verification/", {"decision": "reject", "reason": "Wrong month"}
    )
    record.refresh_from_db()
    assert record.verification == Verification.REJECTED and record.rejection_reason == "Wrong month"
    admin.post(f"/evidence/{record.pk}/verification/", {"decision": "verify"})
    record.refresh_from_db()
    assert record.verification == Verification.VERIFIED and record.verified_by == demo_world.admin
    assert record.verified_at is not None


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_the_recorder_is_not_offered_verification_and_is_refused(signed_in, demo_world, who):
    recorder = getattr(demo_world, who)
    record = evidence(demo_world.alice_org, recorded_by=recorder)
    client = signed_in(recorder)
    page = client.get(f"/evidence/{record.pk}/").content.decode()
    assert "You recorded this evidence, so someone else must verify it." in page
    assert 'name="decision"' not in page
    url = f"/evidence/{record.pk}/verification/"
    for form in ({"decision": "verify"}, {"decision": "reject", "reason": "Wrong month"}):
        response = client.post(url, form)
        assert response.status_code == 403
        page = response.content.decode()
        assert "There is a problem" in page
        assert "You recorded this evidence, so someone else must verify it." in page
    record.refresh_from_db()
    assert record.verification == Verification.SELF_REPORTED and record.verified_by is None
    # The other one of the two may.
    other = demo_world.editor if who == "admin" else demo_world.admin
    response = signed_in(other).post(url, {"decision": "verify"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.verification == Verification.VERIFIED and record.verified_by == other


def test_editing_a_verified_record_warns_and_resets(signed_in, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    admin = signed_in(demo_world.admin)
    admin.post(f"/evidence/{record.pk}/verification/", {"decision": "verify"})
    page = admin.get(f"/evidence/{record.pk}/edit/").content.decode()
    assert "sends it back to be verified again" in page
    response = admin.post(
        f"/evidence/{record.pk}/edit/",
        _record_form(alice_setup, quantity="5", period_start="2025-04-01", period_end="2025-04-28"),
        follow=True,
    )
    assert "needs verifying again" in response.content.decode()
    record.refresh_from_db()
    assert record.quantity == 5 and record.verification == Verification.SELF_REPORTED


def test_a_file_is_downloaded_only_as_an_attachment_of_its_detected_type(
    signed_in, demo_world, alice_setup
):
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    client.post(f"/evidence/{record.pk}/files/", {"files": [upload("photo.pdf", PNG_BYTES)]})
    stored = record.files.get()
    response = client.get(f"/evidence/{record.pk}/files/{stored.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG_BYTES
    # The file is reached only through its own record.
    other = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    assert client.get(f"/evidence/{other.pk}/files/{stored.pk}/").status_code == 404


def test_attaching_a_bad_file_names_it(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    response = client.post(
        f"/evidence/{record.pk}/files/", {"files": [upload("minutes.docx", EXE_BYTES)]}
    )
    assert response.status_code == 400
    assert "minutes.docx is not an allowed type" in response.content.decode()
    assert not record.files.exists()


def test_removing_the_last_file_returns_the_record_to_self_reported(
    signed_in, demo_world, alice_setup
):
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    client.post(f"/evidence/{record.pk}/files/", {"files": [upload("a.pdf", PDF_BYTES)]})
    stored = record.files.get()
    client.post(f"/evidence/{record.pk}/files/{stored.pk}/remove/")
    record.refresh_from_db()
    assert record.verification == Verification.SELF_REPORTED and not record.files.exists()


def test_the_period_cannot_start_in_the_future(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    next_year = dt.date.today().year + 1
    response = client.post(
        "/evidence/record/",
        _record_form(
            alice_setup, period_start=f"{next_year}-01-01", period_end=f"{next_year}-01-31"
        ),
    )
    assert "cannot start in the future" in response.content.decode()


def test_deleting_a_record_and_its_files(
    signed_in, demo_world, alice_setup, settings, tmp_path, django_capture_on_commit_callbacks
):
    import os

    settings.MEDIA_ROOT = tmp_path
    client = signed_in(demo_world.editor)
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    client.post(f"/evidence/{record.pk}/files/", {"files": [upload("a.pdf", PDF_BYTES)]})
    stored_path = record.files.get().file.path
    assert "Delete the record" in client.get(f"/evidence/{record.pk}/delete/").content.decode()
    assert os.path.exists(stored_path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evidence/{record.pk}/delete/")
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=record.pk).exists()
    assert not os.path.exists(stored_path)  # the file went with its record


def test_only_an_admin_deletes_a_verified_record(signed_in, demo_world, alice_setup):
    record = evidence(demo_world.alice_org, recorded_by=demo_world.editor)
    Evidence.objects.filter(pk=record.pk).update(verification=Verification.VERIFIED)
    assert signed_in(demo_world.editor).post(f"/evidence/{record.pk}/delete/").status_code == 403
    assert signed_in(demo_world.viewer).get(f"/evidence/{record.pk}/delete/").status_code == 403
    assert signed_in(demo_world.admin).post(f"/evidence/{record.pk}/delete/").status_code == 302
    assert not Evidence.objects.filter(pk=record.pk).exists()
