"""Demo case studies: six for Brightwater across its teams and areas, two each for Oakways and Meridian.

Tags come from the starter measures each story is about. A second run finds them by title and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from matplotlib.figure import Figure

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.measures.models import Measure, SdgGoal, ValueSet

from . import services
from .models import CaseStudy

#: slug -> [(title, team, area, measure codes, SDGs, consent, anonymised, summary, story, replication notes)]
DEMO_CASE_STUDIES = {
    "brightwater": [
        (
            "Home the same day: discharge support that starts at the ward door",
            "Home care",
            "Riverside North",
            ["SV-HSC-02", "SV-HSC-04"],
            [3],
            True,
            True,
            "Mr B, 84, had been medically fit to leave hospital for nine days. Our discharge team "
            "met him on the ward, and he slept in his own bed that night.",
            "## What happened\n\nMr B had a fall at home and spent three weeks in hospital. "
            "He was ready to go home, but no care package could start for another fortnight.\n\n"
            "Our discharge support worker met him on the ward, checked his home was safe, and our "
            "home care team visited **four times a day** for the first week.\n\n"
            "## What changed\n\n* Nine fewer days in a hospital bed\n"
            "* No readmission in the following six months\n"
            "* Mr B now needs two visits a day, not four\n\n"
            "> \"I didn't think I'd see my garden again this summer.\"",
            "A named worker with time to attend the ward each morning; an agreement with the "
            "hospital discharge hub on referrals by 11am; a rota that keeps two same-day slots free.",
        ),
        (
            "Befriending by phone keeps Mrs K connected",
            "Community services",
            "Riverside South",
            ["SV-LON-01", "SV-LON-03"],
            [3, 10],
            True,
            True,
            "After her husband died, Mrs K went weeks without speaking to anyone. A weekly call from "
            "a volunteer grew into a Thursday lunch club she now helps to run.",
            "Mrs K was referred by her GP practice. She did not want visitors, so we matched her with "
            "a volunteer who called every Tuesday.\n\nAfter three months she came to the lunch club "
            "with her volunteer. A year on, she greets new members at the door.\n\n"
            "Her loneliness score (UCLA 3-item) fell from **8 to 4**.",
            "Volunteers trained in active listening (half a day), DBS checks, a phone that shows a "
            "withheld number, and a coordinator for about ten hours a week per 25 matches.",
        ),
        (
            "From apprentice to senior carer in two years",
            "Learning and development",
            "Riverside South",
            ["SV-SKL-01", "SV-SKL-02"],
            [4, 8],
            True,
            False,
            "Jade joined us at 19 as a level 2 apprentice. With a mentor and paid study time, she "
            "completed level 3 and now leads a team of six.",
            "Jade had left college without qualifications. Our apprenticeship paid the Real Living "
            "Wage from day one and gave her a mentor on every shift pattern.\n\n"
            "She passed her level 2 in eleven months and her level 3 a year later. She now mentors "
            "two apprentices of her own.",
            "A mentor per apprentice with two hours a week protected; a training provider that "
            "teaches on site; paid study time written into rotas.",
        ),
        (
            "Strength and balance at home: fewer falls in Eastbank",
            "Home care",
            "Eastbank",
            ["SV-HSC-05", "SV-WB-03"],
            [3],
            True,
            True,
            "Home safety checks and a twelve-week exercise plan, delivered by home carers on their "
            "usual visits, cut falls among the people we support in Eastbank.",
            "Carers were trained by a physiotherapist to lead five-minute exercises during visits, "
            "and to spot trip hazards.\n\nIn the first six months, reported falls among the 40 people "
            "taking part fell from 14 to 5.",
            "A physiotherapist for two training days and monthly supervision; care plans with five "
            "extra minutes per visit; a simple hazard checklist.",
        ),
        (
            "Electric cars on the home care rounds",
            "Estates",
            "Eastbank",
            ["SV-ENV-01", "SV-ENV-02"],
            [7, 13],
            True,
            False,
            "Replacing eight petrol pool cars with electric ones saved around a tonne of carbon a "
            "month, and carers no longer queue for fuel between visits.",
            "We leased eight electric cars and fitted chargers at the Eastbank office.\n\n"
            "Carers plan rounds with a range app; no round has run out of charge.",
            "Off-street parking with power for chargers; a lease that includes maintenance; a "
            "half-hour induction for each driver.",
        ),
        (
            "Local jobs fair with the job centre",
            "People and recruitment",
            "Riverside North",
            ["SV-EMP-01", "SV-LOC-05"],
            [8],
            False,
            False,
            "A draft: twelve people who had been out of work started with us after a jobs fair run "
            "with Riverside North job centre.",
            "Waiting for the people in the story to agree to it being shared.",
            "A room at the job centre for a day, three managers to interview on the spot, and "
            "conditional offers made the same week.",
        ),
    ],
    "oakways": [
        (
            "Peer support workers who have been there",
            "Recovery services",
            "Millford",
            ["SV-EMP-04"],
            [8, 10],
            True,
            True,
            "Four people who once used our services are now paid peer support workers.",
            "Each peer worker completed a twelve-week course and works alongside a support worker.",
            "A training budget, supervision from a qualified worker, and flexible hours.",
        ),
        (
            "Keeping the keys: a tenancy saved",
            "Housing support",
            "Riverside South",
            ["SV-HOU-03"],
            [1, 11],
            True,
            True,
            "An eviction notice became a repayment plan after our worker met the landlord.",
            "Early contact with the landlord and a benefits check found £1,900 a year unclaimed.",
            "A worker trained in benefits checks, and an agreement with local landlords to call us early.",
        ),
    ],
    "meridian": [
        (
            "Six weeks of reablement, then no ongoing care",
            "Reablement",
            "Westmoor",
            ["SV-HSC-06"],
            [3],
            True,
            True,
            "Mrs D left hospital needing four visits a day; six weeks later she needed none.",
            "Daily goals set with Mrs D and her daughter, reviewed every week by an occupational therapist.",
            "An occupational therapist for weekly reviews, and carers trained to step back.",
        ),
        (
            "Guaranteed hours: lower staff turnover",
            "HR",
            "Riverside Borough",
            ["SV-EMP-09"],
            [8],
            False,
            False,
            "A draft on what changed when every care worker was offered guaranteed hours.",
            "Turnover fell from 38% to 24% in a year.",
            "Rotas planned four weeks ahead, and a budget for paid travel time.",
        ),
    ],
}


def demo_chart_png() -> bytes:
    """A small chart for the befriending story: members at the lunch club each month."""
    figure = Figure(figsize=(6, 3), dpi=80)
    axes = figure.add_subplot()
    months = ["Apr", "May", "Jun", "Jul", "Aug", "Sep"]
    axes.bar(months, [6, 9, 11, 14, 15, 18], color="#1d70b8")
    axes.set_title("Lunch club members each month")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def load_demo_case_studies() -> None:

    starter = ValueSet.objects.filter(shipped_key="socialvalue-starter").first()
    measures = {
        m.code: m
        for m in Measure.objects.filter(value_set=starter).select_related("theme", "outcome")
    }
    goals = {g.number: g for g in SdgGoal.objects.all()}
    for slug, stories in DEMO_CASE_STUDIES.items():
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        lead = User.objects.filter(email=f"lead@{slug}.example").first()
        for title, team, area, codes, sdgs, consent, anonymised, summary, story, notes in stories:
            if CaseStudy.objects.filter(organisation=organisation, title=title).exists():
                continue
            chosen = [measures[c] for c in codes if c in measures]
            case_study = services.save_case_study(
                CaseStudy(organisation=organisation),
                by=lead,
                title=title,
                summary=summary,
                story=story,
                team=team,
                area=area,
                replication_notes=notes,
                anonymised=anonymised,
                consent_given_on=dt.date(2025, 9, 15) if consent else None,
                consent_note="Signed consent form, kept in the team's case file."
                if consent
                else "",
                themes=list({m.theme for m in chosen if m.theme}),
                outcomes=list({m.outcome for m in chosen if m.outcome}),
                sdgs=[goals[n] for n in sdgs if n in goals],
            )
            if consent:
                services.share(case_study, by=lead)
            if "SV-LON-03" in codes:
                chart = SimpleUploadedFile("lunch-club-members.png", demo_chart_png())
                services.attach_files(
                    case_study,
                    [chart],
                    uploaded_by=lead,
                    caption="Bar chart: lunch club members grew from 6 in April to 18 in September.",
                )
