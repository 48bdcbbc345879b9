"""Evidence pages and the API warn where two measures that value the same change (a QALY and a
WELLBY) are claimed for one activity over periods that meet, and nowhere else."""

from __future__ import annotations

import pytest

from socialvalue.web.evidence.models import Verification
from tests.factories import bearer
from tests.web.evidence.factories import activity, evidence
from tests.web.planning.factories import starter_measure

pytestmark = pytest.mark.django_db

HEADING = "Possible double counting"


def _claims(org, *, qaly_month=4, wellby_month=4, wellby_activity=None):
    club = activity(org, name="Lunch club")
    qaly = evidence(org, measure=starter_measure("SV-WB-03"), activity_=club, month=qaly_month)
    wellby = evidence(
        org,
        measure=starter_measure("SV-WB-01"),
        activity_=wellby_activity or club,
        month=wellby_month,
    )
    return qaly, wellby


def test_list_detail_and_api_warn_when_qaly_and_wellby_are_claimed_for_one_activity(
    client, demo_world
):
    qaly, wellby = _claims(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    listed = client.get("/evidence/").content.decode()
    assert HEADING in listed and "govuk-warning-text" in listed
    assert "SV-WB-03 (Quality-adjusted life years gained)" in listed
    assert "SV-WB-01 (Life satisfaction gained by people supported)" in listed
    assert "are both claimed for Lunch club between 1 Apr 2025 and 28 Apr 2025" in listed
    for record in (qaly, wellby):
        assert HEADING in client.get(f"/evidence/{record.pk}/").content.decode()
    data = client.get(f"/api/v1/evidence/{qaly.pk}", **bearer(demo_world.viewer)).json()
    [warning] = data["warnings"]
    assert "SV-WB-03" in warning and "SV-WB-01" in warning and "Lunch club" in warning


def test_no_warning_when_periods_do_not_meet_or_activities_differ(client, demo_world):
    org = demo_world.alice_org
    qaly, wellby = _claims(org, qaly_month=4, wellby_month=5)
    other_org_world = _claims(
        org, qaly_month=6, wellby_month=6, wellby_activity=activity(org, name="Walking group")
    )
    client.force_login(demo_world.viewer)
    assert HEADING not in client.get("/evidence/").content.decode()
    for record in (qaly, wellby, *other_org_world):
        assert HEADING not in client.get(f"/evidence/{record.pk}/").content.decode()
        data = client.get(f"/api/v1/evidence/{record.pk}", **bearer(demo_world.viewer)).json()
        assert data["warnings"] == []


def test_a_rejected_claim_claims_nothing_and_a_record_of_another_measure_is_not_warned(
    client, demo_world
):
    org = demo_world.alice_org
    qaly, wellby = _claims(org)
    volunteering = evidence(org, measure=starter_measure("SV-VOL-01"), activity_=qaly.activity)
    client.force_login(demo_world.viewer)
    assert HEADING not in client.get(f"/evidence/{volunteering.pk}/").content.decode()
    type(wellby).objects.filter(pk=wellby.pk).update(verification=Verification.REJECTED)
    assert HEADING not in client.get("/evidence/").content.decode()
    assert HEADING not in client.get(f"/evidence/{qaly.pk}/").content.decode()


def test_another_organisations_claims_neither_warn_nor_show(client, demo_world):
    _claims(demo_world.other_org)
    qaly_here = evidence(demo_world.alice_org, measure=starter_measure("SV-WB-03"))
    client.force_login(demo_world.viewer)
    assert HEADING not in client.get("/evidence/").content.decode()
    assert HEADING not in client.get(f"/evidence/{qaly_here.pk}/").content.decode()
    client.force_login(demo_world.outsider)
    assert client.get(f"/evidence/{qaly_here.pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/evidence/{qaly_here.pk}", **bearer(demo_world.outsider)).status_code
        == 404
    )
