"""What the surveys app adds, once every app is loaded: its models in the audit trail, navigation and the demo."""

from __future__ import annotations

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit

from .demo import load_demo_surveys
from .models import Answer, Question, Response, Survey


def register() -> None:
    audit(Survey, exclude=("created_at", "public_token"))
    audit(Question, organisation=lambda q: q.survey.organisation)
    audit(Response, organisation=lambda r: r.survey.organisation, exclude=("created_at",))
    audit(Answer, organisation=lambda a: a.response.survey.organisation)
    navigation.add("Surveys", "surveys:list", order=42, shown=navigation.is_provider)
    demo.add_loader(load_demo_surveys)
