"""Factories for value sets and measures, and a small imported set owned by one organisation."""

from __future__ import annotations

import factory

from socialvalue.core.formats.value_set import ValueSetRow
from socialvalue.web.measures.models import Measure, ValueSet

SMALL_ROWS = (
    ValueSetRow(
        code="ALC-1",
        theme="Local jobs",
        outcome="Residents in work",
        measure="Local people hired to deliver care",
        unit="people",
        proxy_value=1500.0,
        value_type="economic",
        price_year=2022,
        source="Alice's licensed list",
        sdg_targets=("8.5",),
    ),
    ValueSetRow(
        code="ALC-2",
        theme="Wellbeing",
        outcome="Less loneliness",
        measure="Befriending visits made",
        unit="visits",
        value_type="wellbeing",
        sdg_targets=("3.4", "10.2"),
    ),
)


class ValueSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValueSet

    name = factory.Sequence(lambda n: f"Licensed set {n}")
    version = "1"
    licence = "Licensed to the importing organisation"
    source = "A publisher's spreadsheet"
    origin = ValueSet.Origin.IMPORTED


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    value_set = factory.SubFactory(ValueSetFactory)
    code = factory.Sequence(lambda n: f"M-{n}")
    title = factory.Sequence(lambda n: f"Measure number {n}")
    unit = "people"
    search_text = factory.LazyAttribute(lambda m: f"{m.code} {m.title} {m.unit}".lower())


def imported_set(
    organisation, *, name: str = "Alice's licensed set", version: str = "2024"
) -> ValueSet:
    """A set imported by `organisation` (made once; later calls return the same set)."""
    from socialvalue.web.measures.services import import_value_set

    existing = ValueSet.objects.filter(
        organisation=organisation, name=name, version=version
    ).first()
    if existing is not None:
        return existing
    return import_value_set(
        rows=SMALL_ROWS,
        name=name,
        version=version,
        licence="Held by Alice Care under licence",
        source="Publisher's file",
        organisation=organisation,
    )


def imported_measure(organisation) -> Measure:
    return imported_set(organisation).measures.order_by("code").first()
