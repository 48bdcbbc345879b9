"""Numbers and dates are range-checked before any arithmetic, with a message naming the field;
duplicate ids in a nested list are a 400 naming the id."""

import datetime as dt
import json

import pytest

from socialvalue.core.bounds import date_problem, date_problems
from tests.factories import bearer

pytestmark = pytest.mark.django_db


def test_date_problem_names_the_range():
    assert date_problem(dt.date(2030, 1, 1)) is None
    assert "between 1900 and 2200" in date_problem(dt.date(9999, 12, 31))
    assert set(date_problems(start_date=dt.date(2025, 1, 1), end_date=dt.date(9999, 12, 31))) == {
        "end_date"
    }


def _post(client, path, body, user):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(user))


def test_two_procurement_criteria_with_the_same_id_are_a_400_naming_it(client, demo_world):
    from tests.web.commissioning.factories import charter

    charter(demo_world.alice_org)
    body = {
        "title": "Day services",
        "estimated_value": 500000,
        "weight_price": 40,
        "weight_quality": 40,
        "weight_social_value": 20,
        "criteria": [
            {"id": "q1", "name": "Quality", "weight": 20},
            {"id": "q1", "name": "Quality again", "weight": 20},
        ],
    }
    response = _post(client, "/api/v1/procurements", body, demo_world.admin)
    assert response.status_code == 400, response.content
    assert "q1" in json.dumps(response.json()["detail"])


def test_changing_criteria_to_two_with_the_same_id_is_a_400_naming_it(client, demo_world):
    from tests.web.commissioning.factories import charter

    charter(demo_world.alice_org)
    body = {
        "title": "Day services",
        "weight_price": 40,
        "weight_quality": 40,
        "weight_social_value": 20,
        "criteria": [{"id": "q1", "name": "Quality", "weight": 40}],
    }
    created = _post(client, "/api/v1/procurements", body, demo_world.admin)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    for criteria in (
        [{"id": "q1", "name": "A", "weight": 20}, {"id": "q1", "name": "B", "weight": 20}],
        [{"name": "q1", "weight": 20}, {"id": "q1", "name": "B", "weight": 20}],
        [{"id": "Q1", "name": "A", "weight": 20}, {"id": "q1", "name": "B", "weight": 20}],
    ):
        response = client.patch(
            f"/api/v1/procurements/{pid}",
            json.dumps({"criteria": criteria}),
            content_type="application/json",
            **bearer(demo_world.admin),
        )
        assert response.status_code in (200, 400), response.content
        if response.status_code == 400:
            assert "q1" in json.dumps(response.json()["detail"]).lower()


def test_a_contract_ending_in_9999_is_refused_naming_the_end_date(client):
    from socialvalue.web.contracts.models import Contract
    from tests.web.contracts.factories import parties

    world = parties()
    body = {
        "provider_id": world.provider.pk,
        "title": "Meals",
        "value": "50000",
        "start_date": "2025-04-01",
        "end_date": "9999-12-31",
        "reporting_frequency": "quarterly",
    }
    response = _post(client, "/api/v1/contracts", body, world.commissioner)
    assert response.status_code == 400, response.content
    assert "between 1900 and 2200" in response.json()["detail"]["end_date"][0]
    client.force_login(world.commissioner)
    page = client.post(
        "/contracts/new/",
        {**body, "provider": world.provider.pk, "title": "Meals on wheels"},
    )
    assert page.status_code == 200
    assert "End date must be between 1900 and 2200" in page.content.decode()
    assert not Contract.objects.filter(title__startswith="Meals").exists()


@pytest.fixture
def alice_measure(demo_world):
    from tests.web.evidence.factories import activity, valued_measure

    return activity(demo_world.alice_org), valued_measure(demo_world.alice_org)


def test_an_evidence_quantity_of_1e40_is_refused_naming_the_quantity(
    client, demo_world, alice_measure, tmp_path
):
    from socialvalue.core.errors import InputError
    from socialvalue.web.evidence import importing
    from socialvalue.web.evidence.models import Evidence
    from socialvalue.web.evidence.services import parse_quantity
    from tests.web.evidence.factories import evidence

    with pytest.raises(ValueError, match="quantity is too large"):
        parse_quantity("1e40")
    activity, measure = alice_measure
    client.force_login(demo_world.editor)
    page = client.post(
        "/evidence/record/",
        {
            "measure": measure.pk,
            "activity": activity.pk,
            "quantity": "1e40",
            "period_start": "2025-04-01",
            "period_end": "2025-04-30",
        },
    )
    assert page.status_code == 200
    assert "The quantity is too large" in page.content.decode()
    record = evidence(demo_world.alice_org, quantity="3")
    page = client.post(
        f"/evidence/{record.pk}/edit/",
        {
            "measure": measure.pk,
            "activity": activity.pk,
            "quantity": "1e40",
            "period_start": "2025-04-01",
            "period_end": "2025-04-30",
        },
    )
    assert page.status_code == 200
    assert "The quantity is too large" in page.content.decode()
    Evidence.objects.all().delete()
    path = tmp_path / "evidence.csv"
    path.write_text(
        "measure,activity,quantity,period_start,period_end\n"
        f"{measure.code},{activity.name},1e40,2025-04-01,2025-04-30\n"
    )
    with pytest.raises(InputError, match="quantity"):
        importing.import_file(path, organisation=demo_world.alice_org, user=demo_world.editor)
    assert not Evidence.objects.exists()
