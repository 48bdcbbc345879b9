"""socialvalue: plan, measure, evidence and report social value."""

__version__ = "0.1.0"
