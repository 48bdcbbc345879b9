"""Demo statements: Brightwater's published statement with a later draft, Meridian's published one, Oakways' draft."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.measures.models import Measure, SdgGoal, Theme
from socialvalue.web.planning.models import Objective
from socialvalue.web.planning.services import STARTER_SET

from . import services
from .models import Commitment, Statement

BRIGHTWATER = {
    "title": "Brightwater Care social value statement 2025 to 2026",
    "mission": "Brightwater Care supports older and disabled people across Riverside to live well at "
    "home. We are a charity: every pound we earn goes back into care, our staff and the "
    "communities we serve.",
    "principles": "* We recruit locally and pay at least the Real Living Wage.\n"
    "* We count what we do honestly: every figure has its evidence, and we say when it is "
    "self-reported.\n"
    "* We work with the people who use our services, not just for them.",
    "csr_policy_url": "https://brightwater.example/about/csr-policy",
    "csr_policy_summary": "Our corporate social responsibility policy sets out how we treat our "
    "staff, suppliers and the environment. This statement is how we put it into practice and "
    "measure the results.",
    "alignment": "Each commitment serves an objective of our 2025 to 2027 business plan, so social "
    "value is part of how we run the charity rather than an extra.",
    "governance": "Our Director of Operations is accountable to the board for social value. The "
    "board reviews progress every quarter. Champions in each team collect evidence and case "
    "studies.",
    "measurement": "We count outcomes with the socialvalue starter measures and value them with "
    "openly licensed UK government proxies, uplifted to current prices. A second member of staff "
    "verifies evidence before we report it to commissioners each quarter.",
    "sharing": "Champions meet every two months to share case studies; good practice from one "
    "area is written up with replication notes so another can try it.",
}

#: (title, target, measure codes, description)
BRIGHTWATER_COMMITMENTS = [
    (
        "We will recruit locally and pay at least the Real Living Wage",
        "All staff on the Real Living Wage; 30 local recruits a year",
        ["SV-EMP-01", "SV-EMP-08", "SV-LOC-05"],
        "Recruitment days in local job centres and guaranteed interviews for local applicants.",
    ),
    (
        "We will train the care workforce of the future",
        "20 apprenticeships started a year by 2027",
        ["SV-SKL-01", "SV-SKL-02"],
        "Level 2 and 3 adult care apprenticeships, each with a mentor.",
    ),
    (
        "We will help people home from hospital and keep them well",
        "150 people supported home from hospital a year",
        ["SV-HSC-01", "SV-HSC-02", "SV-HSC-04"],
        "",
    ),
    (
        "We will tackle loneliness",
        "200 people befriended every week",
        ["SV-LON-01", "SV-LON-03", "SV-VOL-01"],
        "",
    ),
]

#: What Brightwater changed after publishing: shows a draft ahead of its published version.
BRIGHTWATER_LATER_COMMITMENT = (
    "We will halve the carbon of our home care rounds",
    "Half the pool car fleet electric by 2027",
    ["SV-ENV-01", "SV-ENV-02"],
    "Electric cars for home care rounds, charged at our offices.",
)

OTHERS = {
    "meridian": {
        "published": True,
        "review_in_days": 300,
        "fields": {
            "title": "Meridian Homecare social value statement",
            "mission": "Meridian Homecare helps people regain their independence after a hospital stay.",
            "governance": "Our HR Director leads on social value and reports to the board twice a year.",
            "measurement": "We count reablement outcomes and staff measures quarterly.",
        },
        "commitments": [
            (
                "Every care worker offered guaranteed hours",
                "100% of care workers offered a guaranteed-hours contract",
                ["SV-EMP-09"],
                "",
            ),
            (
                "Get people home from hospital sooner",
                "Fewer delayed discharge days each year",
                ["SV-HSC-03", "SV-HSC-06"],
                "",
            ),
        ],
        "objectives": ["MH1", "MH2"],
    },
    "oakways": {
        "published": False,
        "review_in_days": -20,
        "fields": {
            "title": "Oakways Support social value statement (draft)",
            "mission": "Oakways Support is a social enterprise helping people into settled homes and work.",
        },
        "commitments": [
            (
                "Paid work for people with lived experience",
                "10 peer support roles by 2026",
                ["SV-EMP-04"],
                "",
            ),
        ],
        "objectives": ["OS1"],
    },
}


def _add_commitments(statement, commitments, measures, start: int = 1) -> None:

    for position, (title, target, codes, description) in enumerate(commitments, start=start):
        chosen = [measures[c] for c in codes if c in measures]
        commitment = Commitment.objects.create(
            statement=statement,
            title=title,
            target=target,
            description=description,
            position=position,
        )
        commitment.measures.set(chosen)
        commitment.themes.set(Theme.objects.filter(pk__in={m.theme_id for m in chosen}))
        commitment.sdg_goals.set(SdgGoal.objects.filter(targets__measures__in=chosen).distinct())


def _in_days(days: int) -> dt.date:
    # Relative to the day the demo is loaded, so the demo shows a review that is due soon
    # (Brightwater), one in good time (Meridian) and one overdue (Oakways) whenever it is run.

    return timezone.localdate() + dt.timedelta(days=days)


def load_demo_statements() -> None:
    """Statements for the demo providers; a second run finds them and adds nothing."""
    measures = {m.code: m for m in Measure.objects.filter(value_set__shipped_key=STARTER_SET)}
    brightwater = Organisation.objects.filter(slug="brightwater").first()
    if brightwater is not None and not Statement.objects.filter(organisation=brightwater).exists():
        statement = Statement.objects.create(
            organisation=brightwater, review_date=_in_days(45), **BRIGHTWATER
        )
        statement.objectives.set(Objective.objects.filter(organisation=brightwater))
        _add_commitments(statement, BRIGHTWATER_COMMITMENTS, measures)
        lead = User.objects.filter(email="lead@brightwater.example").first()
        services.publish(statement, user=lead, note="First statement, approved by the board.")
        _add_commitments(
            statement,
            [BRIGHTWATER_LATER_COMMITMENT],
            measures,
            start=len(BRIGHTWATER_COMMITMENTS) + 1,
        )
        services.touch(statement)
    for slug, data in OTHERS.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or Statement.objects.filter(organisation=organisation).exists():
            continue
        statement = Statement.objects.create(
            organisation=organisation,
            review_date=_in_days(data["review_in_days"]),
            **data["fields"],
        )
        statement.objectives.set(
            Objective.objects.filter(organisation=organisation, code__in=data["objectives"])
        )
        _add_commitments(statement, data["commitments"], measures)
        if data["published"]:
            services.publish(statement)
