"""What the statements app adds, once every app is loaded: its models in the audit trail, navigation, the demo and first steps."""

from __future__ import annotations

from socialvalue.web import demo, navigation, onboarding
from socialvalue.web.audit.registry import audit

from .demo import load_demo_statements
from .models import Commitment, Statement, StatementVersion


def register() -> None:
    audit(Statement, exclude=("created_at", "updated_at"))
    audit(Commitment, organisation=lambda c: c.statement.organisation)
    audit(StatementVersion, organisation=lambda v: v.statement.organisation)
    navigation.add("Statement", "statements:list", order=25, shown=navigation.is_provider)
    demo.add_loader(load_demo_statements)

    def statement(org) -> str:
        published = StatementVersion.objects.filter(statement__organisation=org).exists()
        drafted = Statement.objects.filter(organisation=org).exists()
        return onboarding.done_if(published, started=drafted)

    onboarding.add(
        "statement",
        "Write and publish your social value statement",
        hint="Your commitments, tied to measures, themes and the SDGs.",
        url_name="statements:list",
        order=50,
        kinds=(onboarding.PROVIDER,),
        status=statement,
    )
