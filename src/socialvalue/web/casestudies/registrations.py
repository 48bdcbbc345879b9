"""What the casestudies app adds, once every app is loaded: its models in the audit trail, navigation and the demo."""

from __future__ import annotations

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit

from .demo import load_demo_case_studies
from .models import CaseStudy, CaseStudyFile


def register() -> None:
    audit(CaseStudy, exclude=("search_text", "created_at", "updated_at"))
    audit(CaseStudyFile, exclude=("file",))
    navigation.add("Case studies", "casestudies:library", order=45, shown=navigation.is_provider)
    demo.add_loader(load_demo_case_studies)
