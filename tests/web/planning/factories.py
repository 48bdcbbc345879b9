"""Objectives and activities of one organisation, for tests of planning and the areas built on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from socialvalue.web.measures.models import Measure
from socialvalue.web.planning.models import Activity, Objective


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    code = factory.Sequence(lambda n: f"BP{n}")
    title = factory.Sequence(lambda n: f"Business-plan objective {n}")
    owner = "Director of Operations"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    name = factory.Sequence(lambda n: f"Activity {n}")
    team = "Home care"
    area = "Riverside North"
    start_date = dt.date(2025, 4, 1)
    end_date = dt.date(2026, 3, 31)
    cost = Decimal("1000.00")


def starter_measure(code: str = "SV-VOL-01") -> Measure:
    return Measure.objects.get(value_set__shipped_key="socialvalue-starter", code=code)


def planned_activity(organisation, *, name: str = "Community befriending", **fields) -> Activity:
    """An activity serving one objective, measured by a starter measure."""
    objective = ObjectiveFactory(organisation=organisation)
    activity = ActivityFactory(organisation=organisation, name=name, **fields)
    activity.objectives.add(objective)
    activity.measures.add(starter_measure())
    return activity
