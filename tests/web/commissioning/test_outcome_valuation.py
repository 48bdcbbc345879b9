"""No silent zeros in tenders: an outcome whose measure has no proxy must be given a way to be valued."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from socialvalue.core.errors import InputError
from socialvalue.web.commissioning import services
from socialvalue.web.commissioning.models import Procurement, RequestedOutcome
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db

UNVALUED = "SV-EMP-03"  # disabled people employed: counted, not valued


@pytest.fixture
def council(demo_world):
    f.charter(demo_world.alice_org, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    return demo_world


@pytest.fixture
def draft(council):
    procurement = f.procurement(council.alice_org, outcomes=0)
    RequestedOutcome.objects.create(
        procurement=procurement,
        code="disabled-staff",
        title="Disabled people employed",
        measure=f.valued_measure(UNVALUED),
    )
    return procurement


def test_the_shipped_measure_used_here_really_has_no_proxy():
    assert f.valued_measure(UNVALUED).proxy_value is None


def test_publishing_is_refused_until_the_outcome_has_a_way_to_be_valued(council, draft):
    actor = Actor.for_user(council.admin)
    with pytest.raises(InputError) as refusal:
        services.publish(procurement=draft, actor=actor)
    assert "Disabled people employed" in refusal.value.describe()
    assert "£0" in refusal.value.describe()
    draft.refresh_from_db()
    assert draft.state == Procurement.State.DRAFT

    outcome = draft.outcomes.get()
    services.value_outcome(
        procurement=draft, actor=actor, outcome_id=outcome.pk, valuation="qualitative"
    )
    services.publish(procurement=draft, actor=actor)
    assert draft.state == Procurement.State.PUBLISHED


def test_a_local_proxy_values_the_offers_with_its_price_year_and_source(council, draft):
    actor = Actor.for_user(council.admin)
    outcome = draft.outcomes.get()
    services.value_outcome(
        procurement=draft,
        actor=actor,
        outcome_id=outcome.pk,
        valuation="local",
        proxy_value=Decimal("4200"),
        price_year=2023,
        source="Council workforce study 2023",
    )
    commitment = services.commitment_from_measure(
        f.valued_measure(UNVALUED), Decimal(2), procurement=draft
    )
    assert commitment.proxy_value == Decimal("4200")
    assert commitment.price_year == 2023
    assert "Council workforce study 2023" in commitment.proxy_source
    assert commitment.value == Decimal("8400")
    # a procurement that did not choose keeps the measure's own (absent) proxy: counted, not valued
    other = services.commitment_from_measure(f.valued_measure(UNVALUED), Decimal(2))
    assert other.proxy_value == 0 and other.price_year is None


def test_a_local_proxy_needs_value_year_and_source_each_named(council, draft):
    outcome = draft.outcomes.get()
    with pytest.raises(ValidationError) as refusal:
        services.value_outcome(
            procurement=draft,
            actor=Actor.for_user(council.admin),
            outcome_id=outcome.pk,
            valuation="local",
            price_year=1850,
        )
    errors = refusal.value.message_dict
    assert set(errors) == {"proxy_value", "price_year", "source"}
    assert "GDP deflator series" in errors["price_year"][0]


def test_the_page_warns_and_the_form_decides(client, council, draft):
    client.force_login(council.admin)
    page = client.get(f"/procurements/{draft.id}/").content.decode()
    assert 'id="unvalued-outcomes"' in page and "score £0" in page
    outcome = draft.outcomes.get()
    url = f"/procurements/{draft.id}/outcomes/{outcome.id}/valuation/"
    refused = client.post(url, {"valuation": "local", "proxy_value": "", "price_year": "2024"})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert 'href="#id_proxy_value"' in body and 'href="#id_source"' in body
    done = client.post(
        url,
        {"valuation": "local", "proxy_value": "3000", "price_year": "2024", "source": "Study"},
    )
    assert done.status_code == 302
    page = client.get(f"/procurements/{draft.id}/").content.decode()
    assert 'id="unvalued-outcomes"' not in page
    assert "Local proxy £3,000.00 per unit (2024 prices)" in page


def test_the_api_shows_and_sets_the_valuation(client, council, draft):
    headers = bearer(council.admin)
    body = client.get(f"/api/v1/procurements/{draft.id}", **headers).json()
    assert body["outcomes"][0]["needs_valuation"] is True
    refused = client.post(f"/api/v1/procurements/{draft.id}/publish", **headers)
    assert refused.status_code == 400
    assert "Disabled people employed" in str(refused.json())
    url = f"/api/v1/procurements/{draft.id}/outcomes/disabled-staff/valuation"
    bad = client.put(url, {"valuation": "local"}, content_type="application/json", **headers)
    assert bad.status_code == 400 and "proxy_value" in str(bad.json())
    good = client.put(url, {"valuation": "qualitative"}, content_type="application/json", **headers)
    assert good.status_code == 200, good.content
    assert good.json()["valuation"] == "qualitative" and not good.json()["needs_valuation"]
    published = client.post(f"/api/v1/procurements/{draft.id}/publish", **headers)
    assert published.status_code == 200, published.content


def test_an_outsider_cannot_see_or_set_the_valuation(client, council, draft):
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    outsider = UserFactory(email="out@example.org")
    MembershipFactory(user=outsider, organisation=OrganisationFactory(), role="admin")
    outcome = draft.outcomes.get()
    client.force_login(outsider)
    assert (
        client.get(f"/procurements/{draft.id}/outcomes/{outcome.id}/valuation/").status_code == 404
    )
    response = client.put(
        f"/api/v1/procurements/{draft.id}/outcomes/disabled-staff/valuation",
        {"valuation": "qualitative"},
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 404
