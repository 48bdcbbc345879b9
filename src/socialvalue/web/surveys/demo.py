"""Demo surveys (filled in below)."""


def load_demo_surveys() -> None:
    return None
