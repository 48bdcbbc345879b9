"""The demo's early engagement: Riverside's pipeline of two upcoming procurements, a closed
market engagement on the first with answers from Brightwater and Oakways and its published
summary, an open consultation on Riverside's priorities with answers from the public, and a
proposal from Oakways waiting for Riverside's decision.

Made through the same domain functions as the pages, so the demo is checked like real data;
dates are relative to today so the demo never goes stale. Idempotent: each part is looked up
by its title first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import Actor

from . import services
from .models import Engagement, PipelineItem, Proposal, Question

PIPELINE = [
    {
        "title": "Day opportunities for adults with a learning disability",
        "description": "Community-based day support across the borough, replacing two "
        "building-based day centres.",
        "category": "Day services",
        "estimated_value": Decimal(1_200_000),
        "publication_in_days": 75,
        "start_in_days": 250,
        "priority_ranks": (1, 3),
    },
    {
        "title": "Carers' support service",
        "description": "Information, breaks and wellbeing support for unpaid carers.",
        "category": "Carers' services",
        "estimated_value": Decimal(450_000),
        "publication_in_days": 150,
        "start_in_days": 330,
        "priority_ranks": (3,),
    },
]

MARKET_TITLE = "Day opportunities: what social value could you offer?"
CONSULTATION_TITLE = "Riverside's social value priorities for 2027"
PROPOSAL_TITLE = "Digital inclusion for older residents"

#: (who, ranks by priority rank, comment): the public's answers to the consultation.
PUBLIC_ANSWERS = [
    ("resident", {1: 1, 3: 2, 2: 3, 4: 4}, "Jobs for young people matter most."),
    ("resident", {3: 1, 2: 2}, ""),
    ("resident", {1: 1, 2: 2, 3: 3, 4: 4}, ""),
    ("resident", {4: 1, 1: 2}, "The buses are full of diesel fumes."),
    ("resident", {2: 1, 3: 2, 1: 3}, ""),
    ("uses_services", {3: 1, 2: 2, 1: 3, 4: 4}, "My carer is the only person I see most days."),
    ("uses_services", {2: 1, 3: 2}, ""),
    ("uses_services", {3: 1, 1: 2, 2: 3}, "More groups that are easy to get to."),
    ("uses_services", {3: 1}, ""),
    ("uses_services", {2: 1, 3: 2, 1: 3, 4: 4}, ""),
    ("carer", {3: 1, 2: 2, 1: 3, 4: 4}, "Carers are lonely too."),
    ("carer", {2: 1, 3: 2}, ""),
    ("", {1: 1, 4: 2}, ""),
]


def _actor(email: str) -> Actor | None:
    user = User.objects.filter(email=email).first()
    return Actor.for_user(user) if user is not None else None


def load_demo_engagements() -> None:
    riverside = Organisation.objects.filter(slug="riverside").first()
    council = _actor("commissioner@riverside.example")
    if riverside is None or council is None:
        return
    priorities = {p.rank: p for p in riverside.priorities.filter(active=True)}
    if len(priorities) < 2:
        return
    today = timezone.localdate()
    items = [_pipeline_item(riverside, council, spec, priorities, today) for spec in PIPELINE]
    _market_engagement(riverside, council, items[0])
    _consultation(riverside, council, priorities)
    _proposal(riverside)


def _pipeline_item(riverside, council, spec, priorities, today) -> PipelineItem:
    item = PipelineItem.objects.filter(organisation=riverside, title=spec["title"]).first()
    if item is not None:
        return item
    item = services.save_pipeline_item(
        actor=council,
        organisation=riverside,
        title=spec["title"],
        description=spec["description"],
        category=spec["category"],
        estimated_value=spec["estimated_value"],
        expected_publication=today + dt.timedelta(days=spec["publication_in_days"]),
        expected_contract_start=today + dt.timedelta(days=spec["start_in_days"]),
        priorities=[priorities[r] for r in spec["priority_ranks"] if r in priorities],
    )
    return services.publish_pipeline_item(item=item, actor=council)


def _market_engagement(riverside, council, item) -> None:
    if Engagement.objects.filter(organisation=riverside, title=MARKET_TITLE).exists():
        return
    engagement = services.create_engagement(
        actor=council,
        organisation=riverside,
        kind=Engagement.Kind.MARKET,
        title=MARKET_TITLE,
        purpose="Before we draft the tender, tell us what social value a day opportunities "
        "service could bring to Riverside, and how we should ask for it.",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
        pipeline_item=item,
        questions=[
            services.QuestionSpec(
                "What social value could your service offer in Riverside?", required=True
            ),
            services.QuestionSpec(
                "Would you bid for a three-year contract with a two-year extension?",
                kind=Question.Kind.CHOICE,
                choices=["Yes", "No", "Not sure"],
            ),
        ],
        events=[
            services.EventSpec(
                title="Provider briefing",
                starts_at=timezone.now() + dt.timedelta(days=7),
                mode="in_person",
                place="Riverside Town Hall, Committee Room 2",
                capacity=30,
            ),
            services.EventSpec(
                title="Online question time",
                starts_at=timezone.now() + dt.timedelta(days=9),
                mode="online",
                link="https://meet.example/riverside-day-opportunities",
                capacity=60,
            ),
        ],
    )
    services.open_engagement(engagement=engagement, actor=council)
    questions = list(engagement.questions.order_by("position"))
    answers = [
        (
            "lead@brightwater.example",
            "Paid work placements with local employers for people who use the service, and "
            "volunteering roles run with the library.",
            "Yes",
        ),
        (
            "lead@oakways.example",
            "Apprenticeships for care leavers and travel training so people reach community "
            "activities on their own.",
            "Not sure",
        ),
    ]
    for email, text, choice in answers:
        actor = _actor(email)
        if actor is None:
            continue
        services.register_for_event(event=engagement.events.first(), actor=actor, attendees=2)
        services.record_response(
            engagement=engagement,
            actor=actor,
            answer=services.Answer(answers={questions[0].pk: text, questions[1].pk: choice}),
        )
    services.close_engagement(engagement=engagement, actor=council)
    services.publish_summary(
        engagement=engagement,
        actor=council,
        heard="Two providers answered. Both offered routes into work for the people who use the "
        "service; one raised travel as the barrier to community activities.",
        did="The tender will ask for paid work placements and travel training as social value "
        "outcomes, each with a measure, and keep the three-year term.",
    )


def _consultation(riverside, council, priorities) -> None:
    if Engagement.objects.filter(organisation=riverside, title=CONSULTATION_TITLE).exists():
        return
    engagement = services.create_engagement(
        actor=council,
        organisation=riverside,
        kind=Engagement.Kind.PRIORITIES,
        title=CONSULTATION_TITLE,
        purpose="We ask every care provider we buy from for social value. Tell us which of our "
        "priorities matters most to you, so that we ask for the right things.",
        closes_on=timezone.localdate() + dt.timedelta(days=28),
        priorities=list(priorities.values()),
    )
    services.open_engagement(engagement=engagement, actor=council)
    for respondent, ranks, comment in PUBLIC_ANSWERS:
        services.record_response(
            engagement=engagement,
            actor=None,
            answer=services.Answer(
                ranks={priorities[r].pk: rank for r, rank in ranks.items() if r in priorities},
                comment=comment,
                respondent=respondent,
            ),
        )


def _proposal(riverside) -> None:
    oakways = Organisation.objects.filter(slug="oakways").first()
    actor = _actor("lead@oakways.example")
    if oakways is None or actor is None:
        return
    if Proposal.objects.filter(organisation=oakways, title=PROPOSAL_TITLE).exists():
        return
    services.send_proposal(
        actor=actor,
        organisation=oakways,
        council=riverside,
        title=PROPOSAL_TITLE,
        priorities="Help older residents get online: to book appointments, see family and "
        "manage their money.",
        reason="Two in five of the older people we support have never used the internet, and "
        "more services move online each year.",
        evidence="Oakways client survey, spring 2026: 212 answers; 41% never online.",
        measures=list(Measure.objects.filter(code__in=["SV-LON-02"], value_set__origin="built_in")),
    )
