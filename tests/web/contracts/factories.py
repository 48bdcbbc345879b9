"""A council, a provider and a contract between them with valued commitments, for the contracts tests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.contracts.models import Contract
from socialvalue.web.contracts.services import CommitmentSpec, create_contract
from socialvalue.web.measures.models import Measure, Theme
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.web.measures.factories import MeasureFactory, ValueSetFactory


@dataclass
class Parties:
    council: Organisation
    provider: Organisation
    other: Organisation
    commissioner: object
    provider_lead: object
    outsider: object


def parties() -> Parties:
    council = OrganisationFactory(name="Riverbank Council", kind=Organisation.Kind.COMMISSIONER)
    provider = OrganisationFactory(name="Bright Care")
    other = OrganisationFactory(name="Elsewhere Support")
    commissioner = UserFactory(email="buyer@riverbank.example")
    provider_lead = UserFactory(email="lead@bright.example")
    outsider = UserFactory(email="nosy@elsewhere.example")
    MembershipFactory(user=commissioner, organisation=council, role="editor")
    MembershipFactory(user=provider_lead, organisation=provider, role="editor")
    MembershipFactory(user=outsider, organisation=other, role="admin")
    return Parties(council, provider, other, commissioner, provider_lead, outsider)


def measures() -> tuple[Measure, Measure]:
    """A fiscal measure and an economic one, in a shared set with a theme each."""
    existing = Measure.objects.filter(value_set__name="Test shared set").order_by("title")
    if existing.count() == 2:
        fiscal, economic = existing  # "Hospital admissions avoided" sorts first
        return fiscal, economic
    value_set = ValueSetFactory(name="Test shared set", organisation=None)
    health = Theme.objects.create(value_set=value_set, name="Health")
    jobs = Theme.objects.create(value_set=value_set, name="Jobs")
    fiscal = MeasureFactory(
        value_set=value_set,
        theme=health,
        title="Hospital admissions avoided",
        unit="admissions",
        proxy_value=Decimal("2000"),
        value_type="fiscal",
        price_year=2024,
        source="Unit costs",
    )
    economic = MeasureFactory(
        value_set=value_set,
        theme=jobs,
        title="Local people hired",
        unit="people",
        proxy_value=Decimal("1500"),
        value_type="economic",
        price_year=2024,
        source="Earnings survey",
    )
    return fiscal, economic


def contract_between(
    p: Parties,
    *,
    start: dt.date = dt.date(2024, 4, 1),
    end: dt.date = dt.date(2026, 3, 31),
    targets: tuple[int, int] = (8, 16),
    title: str = "Home care north",
) -> Contract:
    fiscal, economic = measures()
    return create_contract(
        commissioner=p.council,
        provider=p.provider,
        title=title,
        value=Decimal("500000"),
        start_date=start,
        end_date=end,
        commitments=[
            CommitmentSpec(measure=fiscal, target_quantity=Decimal(targets[0])),
            CommitmentSpec(measure=economic, target_quantity=Decimal(targets[1])),
        ],
        created_by=p.commissioner,
    )


def submit_checked(client, period_return):
    """Open the return's check page and submit it, as the provider's web submission goes."""
    check = f"/returns/{period_return.pk}/check/"
    page = client.get(check).content.decode()
    found = re.search(r'name="fingerprint" value="([^"]+)"', page)
    assert found, f"no check page to submit from ({client.get(check).status_code})"
    return client.post(check, {"fingerprint": found.group(1)})
