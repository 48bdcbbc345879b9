"""Early engagement objects for tests: a council with ranked priorities, providers with editors,
engagements in each state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.commissioning import services as commissioning
from socialvalue.web.commissioning.models import Priority
from socialvalue.web.engagements import services
from socialvalue.web.engagements.models import Engagement, Question
from socialvalue.web.tenancy import Actor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.web.commissioning.factories import make_commissioner

PRIORITY_TITLES = ("Good local jobs", "Tackling loneliness", "Cleaner air")


@dataclass
class Place:
    council: Organisation
    council_editor: User
    council_viewer: User
    priorities: list[Priority]
    provider: Organisation
    provider_editor: User
    second: Organisation
    second_editor: User

    def actor(self, user: User) -> Actor:
        return Actor.for_user(user)


def place(council: Organisation | None = None) -> Place:
    council = make_commissioner(council or OrganisationFactory(name="Hillside Council"))
    editor = UserFactory()
    viewer = UserFactory()
    MembershipFactory(user=editor, organisation=council, role="editor")
    MembershipFactory(user=viewer, organisation=council, role="viewer")
    charter = commissioning.charter_for(council)
    priorities = [
        Priority.objects.create(organisation=council, charter=charter, rank=i + 1, title=title)
        for i, title in enumerate(PRIORITY_TITLES)
    ]
    provider = OrganisationFactory(name="Brook Care")
    provider_editor = UserFactory()
    MembershipFactory(user=provider_editor, organisation=provider, role="editor")
    second = OrganisationFactory(name="Fern Support")
    second_editor = UserFactory()
    MembershipFactory(user=second_editor, organisation=second, role="editor")
    return Place(
        council, editor, viewer, priorities, provider, provider_editor, second, second_editor
    )


def later(days: int = 14) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def consultation(p: Place, *, open: bool = True) -> Engagement:
    engagement = services.create_engagement(
        actor=p.actor(p.council_editor),
        organisation=p.council,
        kind=Engagement.Kind.PRIORITIES,
        title="Our priorities for 2027",
        purpose="Tell us which priorities matter most to you.",
        closes_on=later(),
    )
    if open:
        services.open_engagement(engagement=engagement, actor=p.actor(p.council_editor))
    return engagement


def market_engagement(p: Place, *, open: bool = True, procurement=None) -> Engagement:
    engagement = services.create_engagement(
        actor=p.actor(p.council_editor),
        organisation=p.council,
        kind=Engagement.Kind.MARKET,
        title="Homecare in the north: market engagement",
        purpose="Shape the social value we ask for.",
        closes_on=later(),
        procurement=procurement,
        questions=[
            services.QuestionSpec("What social value could you offer locally?", required=True),
            services.QuestionSpec(
                "Would a two-year contract work for you?",
                kind=Question.Kind.CHOICE,
                choices=["Yes", "No", "Not sure"],
            ),
        ],
        events=[
            services.EventSpec(
                title="Provider briefing",
                starts_at=timezone.now() + dt.timedelta(days=7),
                mode="in_person",
                place="Town Hall, Room 2",
                capacity=3,
            )
        ],
    )
    if open:
        services.open_engagement(engagement=engagement, actor=p.actor(p.council_editor))
    return engagement
