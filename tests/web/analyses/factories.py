"""An analysis owned by one organisation, built from a small but complete impact map."""

from __future__ import annotations

import copy

from socialvalue.web.analyses import services
from socialvalue.web.analyses.models import Analysis

SMALL_MAP = {
    "title": "Befriending for older people",
    "currency": "GBP",
    "price_year": 2024,
    "discount": {"rate": 0.035, "convention": "end"},
    "inputs": [
        {"stakeholder": "Council", "description": "Grant", "value": 10000},
        {"stakeholder": "Volunteers", "description": "Time", "value": 2000},
    ],
    "outcomes": [
        {
            "id": "less-lonely",
            "stakeholder": "Older people",
            "description": "Less lonely",
            "value_type": "wellbeing",
            "quantity": 20,
            "proxy": {"value": 1300, "source": "HM Treasury wellbeing guidance"},
            "duration": 2,
            "deadweight": 0.2,
            "attribution": 0.1,
            "drop_off": 0.5,
            "uncertainty": {"quantity": {"dist": "triangular", "low": 10, "mode": 20, "high": 25}},
        },
        {
            "id": "fewer-gp-visits",
            "stakeholder": "NHS",
            "description": "Fewer GP visits",
            "value_type": "fiscal",
            "quantity": 40,
            "proxy": {"value": 48},
            "duration": 1,
            "deadweight": 0.25,
        },
    ],
}


def small_map() -> dict:
    return copy.deepcopy(SMALL_MAP)


def analysis_for(organisation, *, name: str = "Befriending", **kwargs) -> Analysis:
    """Alice's analysis (made once; later calls with the same name return it)."""
    existing = Analysis.objects.filter(organisation=organisation, name=name).first()
    if existing is not None:
        return existing
    kwargs.setdefault("impact_map", small_map())
    kwargs.setdefault("draws", 2000)
    kwargs.setdefault("seed", 11)
    return services.create_analysis(organisation=organisation, created_by=None, name=name, **kwargs)
