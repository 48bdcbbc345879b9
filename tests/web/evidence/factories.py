"""Activities, valued measures and evidence records for one organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socialvalue.web.evidence import services
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.planning.models import Activity
from tests.web.measures.factories import imported_set


def activity(
    organisation,
    *,
    name: str = "Community lunch club",
    team: str = "Day services",
    area: str = "Riverside North",
) -> Activity:
    found, _ = Activity.objects.get_or_create(
        organisation=organisation, name=name, defaults={"team": team, "area": area}
    )
    return found


def valued_measure(organisation):
    """ALC-1: local people hired, £1,500 each in 2022 prices."""
    return imported_set(organisation).measures.get(code="ALC-1")


def counted_measure(organisation):
    """ALC-2: befriending visits, with no proxy."""
    return imported_set(organisation).measures.get(code="ALC-2")


def evidence(
    organisation,
    *,
    recorded_by=None,
    quantity="3",
    month: int = 4,
    measure=None,
    activity_=None,
    note: str = "",
) -> Evidence:
    return services.record_evidence(
        organisation=organisation,
        recorded_by=recorded_by,
        measure=measure or valued_measure(organisation),
        activity=activity_ or activity(organisation),
        quantity=Decimal(quantity),
        period_start=dt.date(2025, month, 1),
        period_end=dt.date(2025, month, 28),
        note=note,
    )
