"""A draft's quality criteria: kept within the quality weight as they are entered, and changed in
place (name and weight) on their own page, with the change in the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import QualityCriterion
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(demo_world):
    f.charter(demo_world.alice_org, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    return demo_world


def test_a_criterion_past_the_quality_weight_is_refused_with_the_sums(council):
    draft = f.procurement(council.alice_org)  # quality 45: criteria of 25 and 20
    with pytest.raises(ValidationError) as refusal:
        services.add_criterion(
            procurement=draft,
            actor=Actor.for_user(council.admin),
            name="Staffing",
            weight=Decimal("5"),
        )
    assert refusal.value.message_dict == {
        "weight": [
            "Weight must be 0 or less: with the other criteria's 45 it would make 50, more "
            "than the quality weight 45."
        ]
    }
    assert draft.criteria.count() == 2


def test_a_criterion_that_fits_is_added(council):
    draft = f.procurement(council.alice_org)
    draft.criteria.filter(code="q2").delete()
    added = services.add_criterion(
        procurement=draft, actor=Actor.for_user(council.admin), name="Staffing", weight=20
    )
    assert added.code == "staffing" and services.criteria_error(draft) is None


def test_the_add_page_shows_the_refusal_beside_the_weight(client, council):
    draft = f.procurement(council.alice_org)
    client.force_login(council.admin)
    page = client.post(
        f"/procurements/{draft.id}/criteria/new/", {"name": "Staffing", "weight": "10"}
    ).content.decode()
    assert "Weight must be 0 or less" in page
    assert "it would make 55, more than the quality weight 45" in page
    assert 'href="#id_weight"' in page


def test_the_api_refuses_criteria_that_add_up_to_more_than_the_quality_weight(client, council):
    draft = f.procurement(council.alice_org)
    response = client.patch(
        f"/api/v1/procurements/{draft.id}",
        {"criteria": [{"name": "Care", "weight": 30}, {"name": "Staffing", "weight": 30}]},
        content_type="application/json",
        **bearer(council.admin),
    )
    assert response.status_code == 400
    assert "add up to 60, more than the quality weight 45" in response.content.decode()
    assert set(draft.criteria.values_list("code", flat=True)) == {"q1", "q2"}


def test_a_criterion_is_changed_in_place_and_the_change_recorded(client, council):
    draft = f.procurement(council.alice_org)
    criterion = draft.criteria.get(code="q1")
    draft.criteria.filter(code="q2").update(weight=15)
    client.force_login(council.admin)
    form = client.get(f"/procurements/{draft.id}/criteria/{criterion.id}/").content.decode()
    assert 'value="Person-centred care"' in form
    assert "the other criteria have 15" in form
    response = client.post(
        f"/procurements/{draft.id}/criteria/{criterion.id}/",
        {"name": "Care that fits the person", "weight": "30"},
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.weight, criterion.code) == (
        "Care that fits the person",
        Decimal("30"),
        "q1",
    )
    event = AuditEvent.objects.get(
        object_type="commissioning.QualityCriterion", action="update", object_id=str(criterion.id)
    )
    assert event.actor_email == council.admin.email
    assert event.changes["weight"] == ["25.00", "30.00"]
    assert services.criteria_error(draft) is None


def test_a_change_past_the_quality_weight_is_refused_and_nothing_changes(client, council):
    draft = f.procurement(council.alice_org)
    criterion = draft.criteria.get(code="q1")
    client.force_login(council.admin)
    page = client.post(
        f"/procurements/{draft.id}/criteria/{criterion.id}/",
        {"name": "Person-centred care", "weight": "30"},
    ).content.decode()
    assert "Weight must be 25 or less: with the other criteria&#x27;s 20 it would make 50" in page
    assert QualityCriterion.objects.get(pk=criterion.pk).weight == 25


def test_the_change_page_names_empty_and_out_of_range_fields(client, council):
    draft = f.procurement(council.alice_org)
    criterion = draft.criteria.get(code="q1")
    client.force_login(council.admin)
    url = f"/procurements/{draft.id}/criteria/{criterion.id}/"
    empty = client.post(url, {"name": "", "weight": ""}).content.decode()
    assert "Enter name" in empty and "Enter weight" in empty
    assert "This field is required" not in empty
    high = client.post(url, {"name": "Care", "weight": "120"}).content.decode()
    assert "must be 100 or less" in high


def test_a_published_procurements_criterion_cannot_be_changed(client, council):
    published = f.procurement(council.alice_org, state="published")
    criterion = published.criteria.first()
    client.force_login(council.admin)
    page = client.post(
        f"/procurements/{published.id}/criteria/{criterion.id}/",
        {"name": "Anything", "weight": "1"},
        follow=True,
    ).content.decode()
    assert "evaluation model cannot change" in page
    assert QualityCriterion.objects.get(pk=criterion.pk).name == criterion.name


def test_a_criterion_of_another_procurement_is_not_found(client, council):
    draft = f.procurement(council.alice_org)
    other = f.procurement(council.alice_org)
    client.force_login(council.admin)
    criterion = other.criteria.first()
    assert client.get(f"/procurements/{draft.id}/criteria/{criterion.id}/").status_code == 404


def test_an_outsider_cannot_see_or_change_a_criterion(client, council):
    draft = f.procurement(council.alice_org)
    criterion = draft.criteria.first()
    client.force_login(council.outsider)
    url = f"/procurements/{draft.id}/criteria/{criterion.id}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Taken", "weight": "1"}).status_code == 404
    assert QualityCriterion.objects.get(pk=criterion.pk).name == criterion.name


def test_the_procurement_page_links_each_criterion_to_its_change_page(client, council):
    draft = f.procurement(council.alice_org)
    criterion = draft.criteria.first()
    client.force_login(council.admin)
    page = client.get(f"/procurements/{draft.id}/").content.decode()
    assert f"/procurements/{draft.id}/criteria/{criterion.id}/" in page


def test_the_quality_weight_cannot_drop_below_the_criteria(client, council):
    draft = f.procurement(council.alice_org)  # quality 45, criteria 25 + 20
    response = client.patch(
        f"/api/v1/procurements/{draft.id}",
        {"weight_price": 45, "weight_quality": 40},
        content_type="application/json",
        **bearer(council.admin),
    )
    assert response.status_code == 400
    assert "Quality weight must be 45 or more: the quality criteria add up to 45." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.weight_quality == 45
    services.change_criterion(
        procurement=draft,
        actor=Actor.for_user(council.admin),
        criterion_id=draft.criteria.get(code="q2").id,
        name="Safeguarding",
        weight=Decimal(15),
    )
    response = client.patch(
        f"/api/v1/procurements/{draft.id}",
        {"weight_price": 45, "weight_quality": 40},
        content_type="application/json",
        **bearer(council.admin),
    )
    assert response.status_code == 200, response.content
