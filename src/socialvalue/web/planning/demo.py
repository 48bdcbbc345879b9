"""Demo data for the business plan: objectives and activities for each provider, measured by starter measures.

Other areas' demo loaders (evidence, statements) run after this one and find these activities by
the names in DEMO_ACTIVITIES.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.measures.models import Measure, ValueSet

from .models import Activity, Objective
from .services import STARTER_SET

#: Objectives by organisation slug: (reference, title, owner, description).
DEMO_OBJECTIVES = {
    "brightwater": [
        (
            "BP1",
            "Grow a local, well-paid and stable workforce",
            "Director of People",
            "Recruit from the communities we serve, pay at least the Real Living Wage and keep staff "
            "through training and progression.",
        ),
        (
            "BP2",
            "Help people live well and independently at home",
            "Director of Operations",
            "Reduce avoidable hospital use and support people to stay in their own homes.",
        ),
        (
            "BP3",
            "Tackle loneliness in the communities we serve",
            "Head of Community Services",
            "Connect people who use our services, and unpaid carers, with their neighbourhoods.",
        ),
        (
            "BP4",
            "Cut our carbon footprint by half by 2030",
            "Head of Estates",
            "Fewer car miles, greener buildings and less waste.",
        ),
    ],
    "oakways": [
        (
            "OS1",
            "Create paid work for people with lived experience",
            "Chief Executive",
            "Employ and train people who have used support services.",
        ),
        (
            "OS2",
            "Keep people in settled homes",
            "Head of Housing Support",
            "Prevent evictions and help people sustain their tenancies.",
        ),
    ],
    "meridian": [
        (
            "MH1",
            "Support people home from hospital quickly and safely",
            "Operations Director",
            "Reablement that reduces delayed discharges and ongoing care.",
        ),
        (
            "MH2",
            "Be a good local employer",
            "HR Director",
            "Guaranteed hours, fair pay and apprenticeships for local people.",
        ),
    ],
}

#: Activities by organisation slug: name -> (team, area, objective refs, measure codes, start, end, cost, description).
DEMO_ACTIVITIES = {
    "brightwater": {
        "Local recruitment and Living Wage pledge": (
            "People and recruitment",
            "Riverside North",
            ["BP1"],
            ["SV-EMP-01", "SV-EMP-08", "SV-LOC-05"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("42000"),
            "Recruitment days in local job centres; every role paid at least the Real Living Wage.",
        ),
        "Care apprenticeships": (
            "Learning and development",
            "Riverside South",
            ["BP1"],
            ["SV-SKL-01", "SV-SKL-02", "SV-SKL-03"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("65000"),
            "Level 2 and 3 adult care apprenticeships with a mentor for each apprentice.",
        ),
        "Hospital discharge support": (
            "Home care",
            "Riverside North",
            ["BP2"],
            ["SV-HSC-01", "SV-HSC-02", "SV-HSC-04"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("120000"),
            "Home care that starts the day someone leaves hospital, with a check-in call each evening.",
        ),
        "Falls prevention visits": (
            "Home care",
            "Eastbank",
            ["BP2"],
            ["SV-HSC-05", "SV-WB-03"],
            dt.date(2025, 6, 1),
            dt.date(2026, 5, 31),
            Decimal("18500"),
            "Home safety checks and strength and balance exercises for people at risk of falling.",
        ),
        "Community befriending": (
            "Community services",
            "Riverside South",
            ["BP3"],
            ["SV-LON-01", "SV-LON-03", "SV-VOL-01"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("24000"),
            "Volunteers visit or phone older people living alone every week.",
        ),
        "Electric fleet for home care rounds": (
            "Estates",
            "Eastbank",
            ["BP4", "BP2"],
            ["SV-ENV-01", "SV-ENV-02"],
            dt.date(2025, 9, 1),
            dt.date(2027, 8, 31),
            Decimal("96000"),
            "Replacing petrol pool cars with electric cars for home care rounds.",
        ),
    },
    "oakways": {
        "Peer support worker programme": (
            "Recovery services",
            "Millford",
            ["OS1"],
            ["SV-EMP-04", "SV-SKL-05"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("38000"),
            "Paid, trained peer support roles for people with lived experience.",
        ),
        "Tenancy sustainment service": (
            "Housing support",
            "Riverside South",
            ["OS2"],
            ["SV-HOU-02", "SV-HOU-03", "SV-HOU-04"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("54000"),
            "Support workers help tenants with rent, bills and neighbours before problems grow.",
        ),
    },
    "meridian": {
        "Reablement at home": (
            "Reablement",
            "Westmoor",
            ["MH1"],
            ["SV-HSC-03", "SV-HSC-06"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            Decimal("88000"),
            "Six weeks of reablement after a hospital stay.",
        ),
        "Guaranteed hours for care workers": (
            "HR",
            "Riverside Borough",
            ["MH2"],
            ["SV-EMP-09", "SV-SKL-01"],
            dt.date(2025, 4, 1),
            dt.date(2026, 3, 31),
            None,
            "Every care worker offered a guaranteed-hours contract.",
        ),
    },
}

#: The lead of each demo organisation's activities.
DEMO_LEADS = {
    "brightwater": "lead@brightwater.example",
    "oakways": "lead@oakways.example",
    "meridian": "lead@meridian.example",
}


def load_demo_plan() -> None:
    """Objectives and activities for each demo provider; a second run finds them and adds nothing."""
    starter = ValueSet.objects.filter(shipped_key=STARTER_SET).first()
    measures = {m.code: m for m in Measure.objects.filter(value_set=starter)} if starter else {}
    for slug, objectives in DEMO_OBJECTIVES.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        by_code = {}
        for position, (code, title, owner, description) in enumerate(objectives, start=1):
            by_code[code], _ = Objective.objects.get_or_create(
                organisation=organisation,
                code=code,
                defaults={
                    "title": title,
                    "owner": owner,
                    "description": description,
                    "position": position,
                    "target_date": dt.date(2027, 3, 31),
                },
            )
        lead = User.objects.filter(email=DEMO_LEADS.get(slug, "")).first()
        for name, row in DEMO_ACTIVITIES.get(slug, {}).items():
            team, area, refs, codes, start, end, cost, description = row
            activity, created = Activity.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={
                    "team": team,
                    "area": area,
                    "start_date": start,
                    "end_date": end,
                    "cost": cost,
                    "description": description,
                    "lead": lead,
                },
            )
            if created:
                activity.objectives.set([by_code[ref] for ref in refs])
                activity.measures.set([measures[c] for c in codes if c in measures])
