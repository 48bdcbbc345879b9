"""Demo contracts: Riverside's three contracts, with a year of quarterly returns in mixed verification states.

Two contracts come from the commissioning demo's awards (homecare to Meridian, supported living to
Brightwater); this loader adds a third, entered directly, with Oakways. Each contract then gets
returns for its first four ended quarters: the first reviewed and accepted, the second with a
queried line, the third with a rejected line, the fourth awaiting review. Later ended quarters
stay due, so the provider has a return to fill in. A contract that has any return started is
left as it is, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.commissioning.models import Priority
from socialvalue.web.measures.models import Measure

from .models import Contract, LineReview, Return, ReturnLine
from .services import (
    CommitmentSpec,
    Decision,
    LineReport,
    create_contract,
    save_return,
    verify_return,
)

OAKWAYS_CONTRACT = {
    "reference": "RBC-2024-DO1",
    "title": "Day opportunities and community connection",
    "description": "Day opportunities, clubs and befriending for older and disabled residents "
    "in Riverside South, let as a direct award under the council's light-touch rules.",
    "value": Decimal(420_000),
    "start_date": dt.date(2025, 1, 1),
    "end_date": dt.date(2027, 12, 31),
    #: (measure code, target over the contract, rank of the charter priority it serves)
    "commitments": [("SV-LON-02", 40, 3), ("SV-VOL-01", 3000, 3), ("SV-ENV-01", 12, 4)],
}

#: Delivered as a share of each reported period's target, per contract. Later ended quarters are
#: still due, so against the target to date Meridian is ahead, Brightwater about on track and
#: Oakways behind.
PACE = {"meridian": Decimal("1.9"), "brightwater": Decimal("1.6"), "oakways": Decimal("0.7")}

NARRATIVES = [
    "Recruitment went well this quarter; two new starters came through the job centre "
    "partnership. Figures are from our HR system and visit logs.",
    "A quieter quarter over the summer; volunteering picked up in September. Attendance "
    "registers and the volunteer rota are attached.",
    "Winter pressures slowed some activities. We kept every visit and recorded admissions "
    "avoided with the GP practices.",
    "A strong end to the year: new befriending pairs and the first electric vehicles in use.",
]


def _oakways_contract(riverside, oakways, commissioner) -> Contract:
    existing = Contract.objects.filter(
        commissioner=riverside, reference=OAKWAYS_CONTRACT["reference"]
    ).first()
    if existing is not None:
        return existing
    measures = {m.code: m for m in Measure.objects.filter(value_set__origin="built_in")}
    priorities = {p.rank: p for p in Priority.objects.filter(organisation=riverside)}
    spec = OAKWAYS_CONTRACT
    return create_contract(
        commissioner=riverside,
        provider=oakways,
        title=spec["title"],
        reference=spec["reference"],
        description=spec["description"],
        value=spec["value"],
        start_date=spec["start_date"],
        end_date=spec["end_date"],
        commitments=[
            CommitmentSpec(
                measure=measures[code],
                target_quantity=Decimal(quantity),
                priority=priorities.get(rank),
            )
            for code, quantity, rank in spec["commitments"]
            if code in measures
        ],
        created_by=commissioner,
    )


def _fill_year_of_returns(contract: Contract, provider_lead, commissioner, pace: Decimal) -> None:
    today = timezone.localdate()
    if contract.returns.exclude(status=Return.Status.DUE).exists():
        return
    ended = list(contract.returns.filter(period_end__lt=today).order_by("period_index")[:4])
    for index, period_return in enumerate(ended):
        lines = list(
            period_return.lines.select_related("commitment").order_by("commitment__position")
        )
        reports = [
            LineReport(
                commitment_id=line.commitment_id,
                quantity=(line.target_quantity * pace).quantize(Decimal(1)),
                note="From our monthly records." if i == 0 else "",
            )
            for i, line in enumerate(lines)
        ]
        save_return(
            period_return,
            by=provider_lead,
            narrative=NARRATIVES[index % len(NARRATIVES)],
            lines=reports,
            files=[_register(period_return, lines, reports)],
            submit=True,
        )
        if index == 3:
            continue  # the most recent one awaits the commissioner's review
        decisions = []
        for i, line in enumerate(
            ReturnLine.objects.filter(period_return=period_return).order_by("pk")
        ):
            if index == 1 and i == len(lines) - 1:
                decisions.append(
                    Decision(
                        line.pk,
                        LineReview.QUERIED,
                        "The attendance register covers only two of the three months: please "
                        "send September's.",
                    )
                )
            elif index == 2 and i == len(lines) - 1:
                decisions.append(
                    Decision(
                        line.pk,
                        LineReview.REJECTED,
                        "These were counted under another contract's return as well.",
                    )
                )
            else:
                decisions.append(Decision(line.pk, LineReview.ACCEPTED))
        verify_return(period_return, by=commissioner, decisions=decisions)


def _register(period_return: Return, lines, reports) -> SimpleUploadedFile:
    """A small CSV of the period's figures, standing in for the provider's own records."""
    rows = ["measure,unit,quantity,period_start,period_end"]
    for line, report in zip(lines, reports, strict=True):
        rows.append(
            f'"{line.commitment.title}",{line.commitment.unit},{report.quantity},'
            f"{period_return.period_start},{period_return.period_end}"
        )
    name = f"records-{period_return.period_start:%Y-%m}.csv"
    return SimpleUploadedFile(name, ("\n".join(rows) + "\n").encode(), content_type="text/csv")


@transaction.atomic
def load_demo_contracts() -> None:
    riverside = Organisation.objects.filter(slug="riverside").first()
    oakways = Organisation.objects.filter(slug="oakways").first()
    if riverside is None or oakways is None:
        return
    commissioner = User.objects.filter(email="commissioner@riverside.example").first()
    _oakways_contract(riverside, oakways, commissioner)
    for contract in Contract.objects.filter(commissioner=riverside).select_related("provider"):
        if contract.provider is None or contract.provider.slug not in PACE:
            continue
        lead = User.objects.filter(email=f"lead@{contract.provider.slug}.example").first()
        if lead is None or not contract.commitments.exists():
            continue
        _fill_year_of_returns(contract, lead, commissioner, PACE[contract.provider.slug])
