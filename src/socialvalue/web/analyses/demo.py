"""Demo SROI analyses: Brightwater's community meals (a forecast and its evaluation) and an Oakways forecast.

The figures are illustrative; the proxies cite the public sources the examples/ maps use.
"""

from __future__ import annotations

import copy

import yaml

from socialvalue.web.accounts.models import Organisation, User

from . import services
from .models import Analysis

COMMUNITY_MEALS = """
title: Community meals for older people
currency: GBP
price_year: 2024
discount: {rate: 0.035, convention: end}
inputs:
  - stakeholder: Riverside Borough Council
    description: Community meals contract payment for the year
    value: 185000
  - stakeholder: Volunteers
    description: 2,000 volunteer driver hours at the National Living Wage (GBP 11.44)
    value: 22880
    uncertainty:
      value: {dist: triangular, low: 18000, mode: 22880, high: 26000}
  - stakeholder: Brightwater Care
    description: Own fundraising towards kitchen running costs
    value: 12000
outcomes:
  - id: fewer-hospital-stays
    stakeholder: NHS
    description: Fewer emergency hospital stays after falls or malnutrition
    indicator: Non-elective admissions avoided (GP and discharge records)
    value_type: fiscal
    quantity: 12
    proxy:
      value: 5395
      description: Non-elective inpatient stay, long stay, per stay
      source: NHS National Cost Collection 2024/25 via PSSRU/CoReC Unit Costs of Health and Social Care 2025, Table 6.1.1
      price_year: 2024
    duration: 1
    deadweight: 0.30
    attribution: 0.30
    uncertainty:
      quantity: {dist: triangular, low: 6, mode: 12, high: 18}
  - id: fewer-gp-visits
    stakeholder: NHS
    description: Fewer GP consultations for problems linked to poor diet and isolation
    indicator: GP consultations avoided per client (self-report and GP practice data)
    value_type: fiscal
    quantity: 300
    proxy:
      value: 48
      description: GP surgery consultation of about 10 minutes
      source: PSSRU/CoReC Unit Costs of Health and Social Care 2025, Table 9.4.2
      price_year: 2024
    duration: 1
    deadweight: 0.25
    attribution: 0.20
  - id: less-lonely
    stakeholder: Older people
    description: Less lonely and more connected through the daily visit
    indicator: UCLA 3-item loneliness score, start and six months
    value_type: wellbeing
    quantity: 180
    proxy:
      value: 2600
      description: A rise of 0.2 in life satisfaction for one year, at GBP 13,000 per WELLBY
      source: HM Treasury, Wellbeing guidance for appraisal (2021), OGL v3.0
      price_year: 2019
    duration: 2
    deadweight: 0.20
    attribution: 0.35
    drop_off: 0.50
    uncertainty:
      proxy_value: {dist: triangular, low: 2000, mode: 2600, high: 3200}
      attribution: {dist: triangular, low: 0.20, mode: 0.35, high: 0.50}
  - id: carer-time
    stakeholder: Family carers
    description: Time freed from shopping and cooking for a relative
    indicator: Hours a week no longer spent on meals (carer survey)
    value_type: economic
    quantity: 90
    proxy:
      value: 1189.76
      description: 2 hours a week for 52 weeks at the National Living Wage of GBP 11.44
      source: GOV.UK, National Living Wage rates from April 2024, OGL v3.0
      price_year: 2024
    duration: 1
    deadweight: 0.10
    attribution: 0.10
    uncertainty:
      deadweight: {dist: triangular, low: 0.05, mode: 0.10, high: 0.30}
  - id: volunteer-wellbeing
    stakeholder: Volunteers
    description: Higher wellbeing from regular volunteering
    indicator: ONS life satisfaction question, volunteer survey
    value_type: wellbeing
    quantity: 35
    proxy:
      value: 1300
      description: A rise of 0.1 in life satisfaction for one year, at GBP 13,000 per WELLBY
      source: HM Treasury, Wellbeing guidance for appraisal (2021), OGL v3.0
      price_year: 2019
    duration: 1
    deadweight: 0.30
    attribution: 0.20
"""

#: What the year of delivery showed, against the forecast: (outcome id, field, value).
COMMUNITY_MEALS_ACTUALS = (
    ("fewer-hospital-stays", "quantity", 9),
    ("fewer-gp-visits", "quantity", 340),
    ("less-lonely", "quantity", 164),
    ("less-lonely", "attribution", 0.40),
    ("carer-time", "quantity", 96),
    ("volunteer-wellbeing", "quantity", 41),
)
#: Inputs as spent: 2,300 volunteer hours, and more fundraising for a new oven.
COMMUNITY_MEALS_ACTUAL_INPUTS = {1: 26312, 2: 15500}

STAKEHOLDER_INVOLVEMENT = {
    "Riverside Borough Council": "Commissions and pays for the service",
    "Volunteers": "Drive the meals round and stay for a welfare check",
    "Brightwater Care": "Runs the kitchen and the rota",
    "NHS": "Fewer admissions and GP visits to pay for",
    "Older people": "Get a hot meal and a visit every day",
    "Family carers": "Spend less time shopping and cooking for a relative",
}

PEER_SUPPORT = """
title: Peer support for people leaving hospital
currency: GBP
price_year: 2024
discount: {rate: 0.035, convention: end}
inputs:
  - stakeholder: Riverside Borough Council
    description: Grant for two peer support workers
    value: 64000
  - stakeholder: Oakways Support
    description: Supervision and training in kind
    value: 6000
outcomes:
  - id: readmissions-avoided
    stakeholder: NHS
    description: Fewer readmissions within 90 days of discharge
    indicator: Readmissions against the ward's usual rate
    value_type: fiscal
    quantity: 14
    proxy:
      value: 5395
      description: Non-elective inpatient stay, long stay, per stay
      source: NHS National Cost Collection 2024/25 via PSSRU/CoReC Unit Costs 2025, Table 6.1.1
      price_year: 2024
    duration: 1
    deadweight: 0.35
    attribution: 0.25
    uncertainty:
      quantity: {dist: triangular, low: 8, mode: 14, high: 20}
  - id: back-in-touch
    stakeholder: People leaving hospital
    description: Back in touch with friends and community groups
    indicator: Short Warwick-Edinburgh Mental Wellbeing Scale at discharge and 3 months
    value_type: wellbeing
    quantity: 40
    proxy:
      value: 1300
      description: A rise of 0.1 in life satisfaction for one year, at GBP 13,000 per WELLBY
      source: HM Treasury, Wellbeing guidance for appraisal (2021), OGL v3.0
      price_year: 2019
    duration: 2
    deadweight: 0.25
    attribution: 0.30
    drop_off: 0.40
"""


def _involvement(analysis) -> None:
    analysis.stakeholders = [
        {**s, "involvement": STAKEHOLDER_INVOLVEMENT.get(s["name"], s["involvement"])}
        for s in analysis.stakeholders
    ]
    analysis.save(update_fields=["stakeholders"])


def load_demo_analyses() -> None:

    brightwater = Organisation.objects.filter(slug="brightwater").first()
    if brightwater is not None and not Analysis.objects.filter(organisation=brightwater).exists():
        lead = User.objects.filter(email="lead@brightwater.example").first()
        forecast = services.create_analysis(
            organisation=brightwater,
            created_by=lead,
            name="Community meals for older people",
            description="Hot lunches delivered to about 250 older people at home, with a short "
            "welfare check at each visit.",
            period="April 2024 to March 2025",
            impact_map=yaml.safe_load(COMMUNITY_MEALS),
            draws=10_000,
            seed=2024,
        )
        _involvement(forecast)
        evaluation = services.start_evaluation(forecast, created_by=lead)
        data = copy.deepcopy(evaluation.impact_map)
        by_id = {o["id"]: o for o in data["outcomes"]}
        for outcome_id, field, value in COMMUNITY_MEALS_ACTUALS:
            by_id[outcome_id][field] = value
        for index, value in COMMUNITY_MEALS_ACTUAL_INPUTS.items():
            data["inputs"][index]["value"] = value
            data["inputs"][index].pop("uncertainty", None)
        by_id["less-lonely"]["uncertainty"]["attribution"]["mode"] = 0.40
        services.save_map(evaluation, data)

    oakways = Organisation.objects.filter(slug="oakways").first()
    if oakways is not None and not Analysis.objects.filter(organisation=oakways).exists():
        analysis = services.create_analysis(
            organisation=oakways,
            created_by=User.objects.filter(email="lead@oakways.example").first(),
            name="Peer support for people leaving hospital",
            description="Two peer support workers who visit people in the weeks after discharge.",
            period="2025 to 2026",
            impact_map=yaml.safe_load(PEER_SUPPORT),
            draws=10_000,
            seed=7,
        )
        _involvement(analysis)
