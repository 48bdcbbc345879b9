"""What the analyses app adds, once every app is loaded: its analyses in the audit trail, navigation and the demo."""

from __future__ import annotations

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit

from .demo import load_demo_analyses
from .models import Analysis


def register() -> None:
    # The cached result follows from the map; recording it would double every change's size.
    audit(Analysis, exclude=("result", "updated_at"))
    navigation.add(
        "SROI",
        "analyses:list",
        order=18,
        shown=lambda request: getattr(request, "organisation", None) is not None,
    )
    demo.add_loader(load_demo_analyses)
