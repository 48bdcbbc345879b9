"""What the measures app adds, once every app is loaded: value sets in the audit trail, navigation and the demo."""

from __future__ import annotations

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit

from .demo import load_demo_value_set
from .models import ValueSet


def register() -> None:
    # Measures, themes and outcomes change only by importing their set again, in bulk, so the
    # trail records the set: who imported or replaced it, for which organisation, and when.
    audit(
        ValueSet,
        organisation=lambda value_set: value_set.organisation,
        exclude=("created_at", "updated_at"),
    )
    navigation.add("Measures", "measures:list", order=20)
    demo.add_loader(load_demo_value_set)
