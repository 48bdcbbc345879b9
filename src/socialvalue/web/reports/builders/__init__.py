"""The reports built from several apps' data, each in its own module, registered at start-up."""


def register_all() -> None:
    from . import annual, sroi

    annual.register_report()
    sroi.register_report()
