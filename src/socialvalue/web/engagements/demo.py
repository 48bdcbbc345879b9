"""The demo's early engagement (filled in below)."""

from __future__ import annotations


def load_demo_engagements() -> None:
    return None
