"""The reports built from several apps' data, each in its own module, registered at start-up."""

from . import annual, contract, sroi, statement, tender


def register_all() -> None:
    annual.register_report()
    contract.register_report()
    tender.register_reports()
    sroi.register_report()
    statement.register_report()
