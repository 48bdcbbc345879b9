"""App configuration for case studies."""

from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "socialvalue.web.casestudies"
    label = "casestudies"
    verbose_name = "Case studies"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation
        from socialvalue.web.audit.registry import audit
        from socialvalue.web.planning.apps import is_provider

        from .demo import load_demo_case_studies
        from .models import CaseStudy, CaseStudyFile

        audit(CaseStudy, exclude=("search_text", "created_at", "updated_at"))
        audit(CaseStudyFile, exclude=("file",))
        navigation.add("Case studies", "casestudies:library", order=45, shown=is_provider)
        demo.add_loader(load_demo_case_studies)
