"""A statement with one commitment, for tests of statements and the pages built on them."""

from __future__ import annotations

import datetime as dt

from socialvalue.web.statements.models import Commitment, Statement
from tests.web.planning.factories import ObjectiveFactory, starter_measure


def drafted_statement(organisation, **fields) -> Statement:
    """A draft with a mission, one objective and one commitment counted by a starter measure."""
    values = {
        "title": "Alice Care social value statement",
        "mission": "We help people live well at home.",
        "governance": "The board reviews social value every quarter.",
        "review_date": dt.date(2027, 3, 31),
        **fields,
    }
    statement = Statement.objects.create(organisation=organisation, **values)
    statement.objectives.add(ObjectiveFactory(organisation=organisation, title="Grow local jobs"))
    commitment = Commitment.objects.create(
        statement=statement, title="We will recruit locally", target="30 a year", position=1
    )
    measure = starter_measure("SV-EMP-01")
    commitment.measures.add(measure)
    commitment.themes.add(measure.theme)
    return statement
