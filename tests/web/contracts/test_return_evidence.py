"""Evidence already recorded for a contract is offered on its return's lines, to cite rather than re-enter."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.contracts.services import LineReport, offered_evidence, save_return
from socialvalue.web.evidence.services import record_evidence
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, measures, parties, submit_checked
from tests.web.evidence.factories import activity

pytestmark = pytest.mark.django_db


def _record(organisation, measure, *, contract=None, activity_=None, quantity="3", note=""):
    return record_evidence(
        organisation=organisation,
        recorded_by=None,
        measure=measure,
        activity=activity_ or activity(organisation),
        quantity=Decimal(quantity),
        period_start=dt.date(2024, 5, 1),
        period_end=dt.date(2024, 5, 31),
        contract=contract,
        note=note,
    )


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.elsewhere = contract_between(p, title="Meals on wheels")
    p.first = p.contract.returns.order_by("period_index").first()
    p.fiscal, p.economic = p.first.lines.order_by("commitment__position")
    admissions, hired = measures()
    p.hired_here = _record(p.provider, hired, contract=p.contract, note="Register of new starters")
    p.hired_unassigned = _record(p.provider, hired, quantity="1")
    lunch = activity(p.provider, name="Lunch club for the contract")
    lunch.contract = p.contract
    lunch.save()
    p.hired_by_activity = _record(p.provider, hired, activity_=lunch, quantity="2")
    p.hired_elsewhere = _record(p.provider, hired, contract=p.elsewhere)
    p.admissions_here = _record(p.provider, admissions, contract=p.contract)
    p.not_theirs = _record(p.other, hired)
    return p


def test_the_lines_are_offered_the_providers_records_for_the_contract_and_measure(world):
    offered = set(offered_evidence(world.contract, world.economic.commitment))
    assert offered == {world.hired_here, world.hired_unassigned, world.hired_by_activity}
    assert set(offered_evidence(world.contract, world.fiscal.commitment)) == {world.admissions_here}


def test_the_form_offers_them_and_the_choice_is_kept_and_shown_to_check(client, world):
    client.force_login(world.provider_lead)
    form = client.get(f"/returns/{world.first.pk}/report/").content.decode()
    assert "Evidence already recorded for Local people hired" in form
    assert "Register of new starters" in form
    assert f'value="{world.hired_elsewhere.pk}"' not in form
    assert f'value="{world.not_theirs.pk}"' not in form
    response = client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{world.fiscal.pk}": "1",
            f"quantity_{world.economic.pk}": "3",
            f"evidence_{world.economic.pk}": [world.hired_here.pk, world.hired_by_activity.pk],
            "continue": "1",
        },
    )
    assert response.status_code == 302
    world.economic.refresh_from_db()
    assert set(world.economic.evidence.all()) == {world.hired_here, world.hired_by_activity}
    page = client.get(response["Location"]).content.decode()
    assert "3 people, May 2024 (self-reported)" in page and "2 people, May 2024" in page
    # The form shows the choice ticked when the provider goes back to change it.
    again = client.get(f"/returns/{world.first.pk}/report/").content.decode()
    assert f'value="{world.hired_here.pk}" checked' in again
    assert submit_checked(client, world.first).status_code == 302
    client.force_login(world.commissioner)
    detail = client.get(f"/returns/{world.first.pk}/").content.decode()
    assert "Evidence records: " in detail and "3 people, May 2024 (self-reported)" in detail


def test_a_record_not_offered_is_refused_by_the_form_and_by_the_domain(client, world):
    client.force_login(world.provider_lead)
    response = client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{world.economic.pk}": "3",
            f"evidence_{world.economic.pk}": [world.hired_elsewhere.pk],
            "draft": "1",
        },
    )
    assert response.status_code == 200
    assert not world.economic.evidence.exists()
    with pytest.raises(ValidationError) as refused:
        save_return(
            world.first,
            by=world.provider_lead,
            narrative="",
            lines=[
                LineReport(
                    world.economic.commitment_id,
                    Decimal(3),
                    evidence_ids=[world.not_theirs.pk],
                )
            ],
        )
    assert f"evidence-{world.economic.commitment_id}" in refused.value.message_dict
    assert not world.economic.evidence.exists()


def test_a_line_with_nothing_recorded_offers_no_evidence_choice(client, world):
    world.admissions_here.delete()
    client.force_login(world.provider_lead)
    form = client.get(f"/returns/{world.first.pk}/report/").content.decode()
    assert f"evidence_{world.fiscal.pk}" not in form
    assert f"evidence_{world.economic.pk}" in form


def test_the_api_cites_the_same_records_under_the_same_rule(client, world):
    url = f"/api/v1/contracts/{world.contract.pk}/returns"

    def post(evidence_ids):
        body = {
            "period_index": 0,
            "submit": False,
            "lines": [
                {
                    "commitment_id": world.economic.commitment_id,
                    "quantity": "3",
                    "evidence_ids": evidence_ids,
                }
            ],
        }
        return client.post(
            url, json.dumps(body), content_type="application/json", **bearer(world.provider_lead)
        )

    refused = post([world.hired_elsewhere.pk])
    assert refused.status_code == 400
    assert "Choose evidence recorded for Local people hired" in refused.content.decode()
    saved = post([world.hired_here.pk])
    assert saved.status_code == 200
    lines = {line["commitment_id"]: line for line in saved.json()["lines"]}
    assert lines[world.economic.commitment_id]["evidence_ids"] == [world.hired_here.pk]
