"""App configuration for evidence."""

from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "socialvalue.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation, onboarding
        from socialvalue.web.audit.registry import audit
        from socialvalue.web.planning.apps import is_provider

        from .demo import load_demo_evidence
        from .models import Evidence, EvidenceFile

        audit(Evidence, exclude=("created_at", "updated_at"))
        audit(EvidenceFile, exclude=("file",))
        navigation.add("Evidence", "evidence:list", order=40, shown=is_provider)
        demo.add_loader(load_demo_evidence)
        onboarding.add(
            "evidence",
            "Record your first evidence",
            hint="A quantity delivered against a measure, with a file to show it.",
            url_name="evidence:list",
            order=60,
            kinds=(onboarding.PROVIDER,),
            status=lambda org: onboarding.done_if(
                Evidence.objects.filter(organisation=org).exists()
            ),
        )
