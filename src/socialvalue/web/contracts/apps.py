"""App configuration for contracts."""

from django.apps import AppConfig


def _is_commissioner(request) -> bool:
    organisation = getattr(request, "organisation", None)
    return organisation is not None and organisation.is_commissioner


class ContractsConfig(AppConfig):
    name = "socialvalue.web.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation
        from socialvalue.web.audit.registry import audit

        from .demo import load_demo_contracts
        from .models import Commitment, Contract, Return, ReturnFile, ReturnLine

        # A contract's trail belongs to its commissioner, who lets and manages it; a return's
        # lines record both the provider's figures and the commissioner's decisions on them.
        audit(Contract, organisation=lambda contract: contract.commissioner)
        audit(Commitment, organisation=lambda c: c.contract.commissioner)
        audit(Return, organisation=lambda r: r.contract.commissioner)
        audit(ReturnLine, organisation=lambda line: line.period_return.contract.commissioner)
        audit(ReturnFile, organisation=lambda f: f.period_return.contract.commissioner)
        navigation.add("Contracts", "contracts:list", order=34)
        navigation.add("Portfolio", "contracts:portfolio", order=36, shown=_is_commissioner)
        demo.add_loader(load_demo_contracts)
