"""App configuration for commissioning."""

from django.apps import AppConfig


def _is_commissioner(request) -> bool:
    organisation = getattr(request, "organisation", None)
    return organisation is not None and organisation.is_commissioner


class CommissioningConfig(AppConfig):
    name = "socialvalue.web.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"

    def ready(self) -> None:
        from socialvalue.web import demo, navigation
        from socialvalue.web.audit.registry import audit

        from .demo import load_demo_commissioning
        from .models import Bid, Charter, ModeratedScore, Priority, Procurement

        audit(Charter, exclude=("updated_at", "version"))
        audit(Priority)
        audit(Procurement, exclude=("updated_at",))
        audit(Bid, organisation=lambda bid: bid.procurement.organisation)
        audit(ModeratedScore, organisation=lambda score: score.bid.procurement.organisation)
        navigation.add("Charter", "commissioning:charter", order=30, shown=_is_commissioner)
        navigation.add("Procurements", "commissioning:procurements", order=32)
        demo.add_loader(load_demo_commissioning)
