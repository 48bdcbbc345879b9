"""Surveys and responses for one organisation."""

from __future__ import annotations

import datetime as dt

from socialvalue.web.surveys import services
from socialvalue.web.surveys.models import Source
from socialvalue.web.tenancy import Actor


def system(organisation) -> Actor:
    """Acting for the organisation with no person (as the demo loader and imports do)."""
    return Actor(user=None, memberships={organisation.id: None})


class _Editor:
    """A membership stand-in that allows every role (the system acting for the organisation)."""

    def allows(self, role) -> bool:
        return True


def editor_actor(organisation) -> Actor:
    return Actor(user=None, memberships={organisation.id: _Editor()})


def survey(organisation, **fields):
    fields.setdefault("title", "Befriending wellbeing")
    return services.create_survey(
        organisation=organisation, actor=editor_actor(organisation), **fields
    )


def respond(
    found,
    participant: str,
    wave: str,
    answers: dict,
    *,
    on: dt.date = dt.date(2025, 5, 1),
    team: str = "",
    area: str = "",
    activity=None,
):
    return services.record_response(
        survey=found,
        actor=editor_actor(found.organisation),
        data=services.ResponseData(
            participant=participant,
            wave=wave,
            answered_on=on,
            answers=answers,
            team=team,
            area=area,
            activity=activity,
        ),
        source=Source.STAFF,
    )
