"""App configuration for statements: the social value statement builder."""

from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "socialvalue.web.statements"
    label = "statements"
    verbose_name = "Statements"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation, onboarding
        from socialvalue.web.audit.registry import audit
        from socialvalue.web.planning.apps import is_provider

        from .demo import load_demo_statements
        from .models import Commitment, Statement, StatementVersion
        from .report import register_report

        audit(Statement, exclude=("created_at", "updated_at"))
        audit(Commitment, organisation=lambda c: c.statement.organisation)
        audit(StatementVersion, organisation=lambda v: v.statement.organisation)
        navigation.add("Statement", "statements:list", order=25, shown=is_provider)
        demo.add_loader(load_demo_statements)
        register_report()

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
