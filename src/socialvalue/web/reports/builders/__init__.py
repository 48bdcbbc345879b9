"""The reports built from several apps' data, each in its own module, registered at start-up."""


def register_all() -> None:
    from . import annual, contract, sroi, tender

    annual.register_report()
    contract.register_report()
    tender.register_reports()
    sroi.register_report()
