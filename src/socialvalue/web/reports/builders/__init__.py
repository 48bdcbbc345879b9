"""The reports built from several apps' data, each in its own module, registered at start-up."""


def register_all() -> None:
    from . import sroi

    sroi.register_report()
