"""Demo data for measures: a small set Riverside imported under its own (fictional) licence."""

from __future__ import annotations

from socialvalue.core.formats.value_set import ValueSetRow
from socialvalue.web.accounts.models import Organisation

from .models import ValueSet
from .services import import_value_set

DEMO_SET_NAME = "Riverside local outcomes"
DEMO_SET_VERSION = "2025"

DEMO_ROWS = (
    ValueSetRow(
        code="RBC-01",
        theme="Local jobs",
        outcome="Residents in good work",
        measure="Riverside residents employed on the contract",
        unit="people",
        value_type="economic",
        sdg_targets=("8.5",),
    ),
    ValueSetRow(
        code="RBC-02",
        theme="Local jobs",
        outcome="Residents in good work",
        measure="Care leavers given paid placements",
        unit="placements",
        value_type="social",
        sdg_targets=("8.6", "10.2"),
    ),
    ValueSetRow(
        code="RBC-03",
        theme="Stronger communities",
        outcome="Less loneliness",
        measure="Older residents joining a weekly group",
        unit="people",
        value_type="wellbeing",
        sdg_targets=("3.4",),
    ),
)


def load_demo_value_set() -> None:

    riverside = Organisation.objects.filter(slug="riverside").first()
    if (
        riverside is None
        or ValueSet.objects.filter(organisation=riverside, name=DEMO_SET_NAME).exists()
    ):
        return
    import_value_set(
        rows=DEMO_ROWS,
        name=DEMO_SET_NAME,
        version=DEMO_SET_VERSION,
        licence="Riverside Borough Council internal use (fictional demo data)",
        source="Riverside Borough Council social value priorities (demo)",
        organisation=riverside,
    )
