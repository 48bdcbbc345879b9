"""socialvalue: plan, measure, evidence and report social value."""

__version__ = "0.2.0"
