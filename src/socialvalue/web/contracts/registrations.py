"""What the contracts app adds, once every app is loaded: its models in the audit trail, navigation, the demo, where measures are used, and the contract an award makes."""

from __future__ import annotations

from django.urls import reverse

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit
from socialvalue.web.commissioning import services as commissioning
from socialvalue.web.measures.usage import Use, add_use_finder, count
from socialvalue.web.tenancy import visible

from .demo import load_demo_contracts
from .models import Commitment, Contract, LineMessage, Return, ReturnFile, ReturnLine
from .services import create_contract
from .sums import year_sums_follow_deletions


def register() -> None:
    # A contract's trail belongs to its commissioner, who lets and manages it; a return's
    # lines record both the provider's figures and the commissioner's decisions on them.
    audit(Contract, organisation=lambda contract: contract.commissioner)
    audit(Commitment, organisation=lambda c: c.contract.commissioner)
    audit(Return, organisation=lambda r: r.contract.commissioner)
    audit(ReturnLine, organisation=lambda line: line.period_return.contract.commissioner)
    audit(ReturnFile, organisation=lambda f: f.period_return.contract.commissioner)
    # A conversation is both sides': each message is filed in the council's and the provider's trail.
    audit(LineMessage, organisation=_sides_of_message)
    navigation.add("Contracts", "contracts:list", order=34)
    navigation.add("Portfolio", "contracts:portfolio", order=36, shown=navigation.is_commissioner)
    demo.add_loader(load_demo_contracts)
    add_use_finder("contracts", _uses_of_measure, order=40)
    commissioning.award_makes_contract_with(create_contract)
    year_sums_follow_deletions()


def _uses_of_measure(measure, actor) -> list[Use]:
    contracts = visible(Commitment, actor).filter(measure=measure).count()
    if not contracts:
        return []
    return [
        Use(
            count(contracts, "contract commitment", "contract commitments"),
            reverse("contracts:list"),
        )
    ]


def _sides_of_message(message: LineMessage) -> list:
    contract = message.line.period_return.contract
    return [org for org in (contract.commissioner, contract.provider) if org is not None]
