"""Demo survey: Brightwater's befriending service asks the ONS4 and "feeling connected" of 40
participants at the start and about six months later. Six have no follow-up yet, and the
Eastbank team has only 3 pairs, so its figures show as suppressed.

Runs after the planning demo (it finds the befriending activity by name); a second run finds the
survey and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from socialvalue.web.accounts.models import Membership, Organisation
from socialvalue.web.planning.demo import DEMO_LEADS
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import Actor

from . import services
from .models import Source, Survey

TITLE = "Befriending: how are you feeling?"
ACTIVITY = "Community befriending"
PARTICIPANTS = 40
#: Participants (by number) with a baseline only.
NO_FOLLOW_UP = {5, 12, 19, 26, 33, 38}
#: The small team: its 5 participants, of whom 2 have no follow-up, leave 3 pairs.
SMALL_TEAM = {33, 34, 35, 36, 38}


def _team(number: int) -> tuple[str, str]:
    if number in SMALL_TEAM:
        return "Befriending Eastbank", "Eastbank"
    if number % 2:
        return "Befriending North", "Riverside North"
    return "Befriending South", "Riverside South"


@transaction.atomic
def load_demo_surveys() -> None:
    organisation = Organisation.objects.filter(slug="brightwater").first()
    if (
        organisation is None
        or Survey.objects.filter(organisation=organisation, title=TITLE).exists()
    ):
        return
    membership = (
        Membership.objects.filter(organisation=organisation, user__email=DEMO_LEADS["brightwater"])
        .select_related("organisation", "user")
        .first()
    )
    activity = Activity.objects.filter(organisation=organisation, name=ACTIVITY).first()
    if membership is None or activity is None:
        return
    actor = Actor.for_user(membership.user, [membership])
    survey = services.create_survey(
        organisation=organisation,
        actor=actor,
        title=TITLE,
        ons4=True,
        questions=[
            services.QuestionSpec(
                "connected",
                "How connected do you feel to the people around you?",
                1,
                5,
                True,
                "Do you feel close to people around you?",
            )
        ],
        deadweight=0.25,
        attribution=0.2,
        displacement=0,
        duration=1,
        activities=[activity],
        contract=services.provider_contracts(organisation).order_by("start_date").first(),
    )
    rng = random.Random("socialvalue-demo-befriending")
    rows = []
    for number in range(1, PARTICIPANTS + 1):
        code = f"BW-B{number:03d}"
        team, area = _team(number)
        start = dt.date(2025, 4, 7) + dt.timedelta(days=rng.randrange(60))
        life, worth, happy, anxious = (rng.randint(2, 6), rng.randint(3, 7),
                                       rng.randint(2, 7), rng.randint(4, 9))  # fmt: skip
        connected = rng.randint(1, 3)
        baseline = {"life_satisfaction": life, "worthwhile": worth, "happiness": happy,
                    "anxiety": anxious, "connected": connected}  # fmt: skip
        common = {"team": team, "area": area, "activity": activity}
        rows.append(services.ResponseData(code, "baseline", start, baseline, **common))
        if number in NO_FOLLOW_UP:
            continue
        follow_up = {
            "life_satisfaction": min(10, max(0, life + rng.choice([-1, 0, 1, 1, 2, 2, 3]))),
            "worthwhile": min(10, max(0, worth + rng.choice([-1, 0, 1, 1, 2]))),
            "happiness": min(10, max(0, happy + rng.choice([-1, 0, 1, 2, 2]))),
            "anxiety": min(10, max(0, anxious + rng.choice([-3, -2, -1, -1, 0, 1]))),
            "connected": min(5, connected + rng.choice([0, 1, 1, 2])),
        }
        rows.append(
            services.ResponseData(
                code,
                "follow_up",
                start + dt.timedelta(days=175 + rng.randrange(20)),
                follow_up,
                **common,
            )  # fmt: skip
        )
    services.require_editor(survey, actor)
    services.save_responses(survey, rows, source=Source.STAFF)
