"""What the engagements app adds, once every app is loaded: its models in the audit trail,
navigation, the demo, and where a procurement's outcomes came from."""

from __future__ import annotations

from socialvalue.web import demo, navigation
from socialvalue.web.audit.registry import audit
from socialvalue.web.commissioning import origins

from . import services
from .demo import load_demo_engagements
from .models import (
    Engagement,
    Event,
    EventRegistration,
    OutcomeOrigin,
    PipelineItem,
    Proposal,
    Question,
    Rank,
    Response,
)


def _council(obj):
    return obj.engagement.organisation


def register() -> None:
    audit(PipelineItem)
    audit(Engagement, exclude=("public_token",))
    audit(Question, organisation=_council)
    audit(Event, organisation=_council)
    # A registration is the provider's act about the council's event: both trails hold it.
    audit(
        EventRegistration, organisation=lambda r: [r.event.engagement.organisation, r.organisation]
    )
    # A public answer's name and email (kept only with consent) stay out of the trail.
    audit(
        Response,
        organisation=lambda r: [
            r.engagement.organisation,
            *([r.organisation] if r.organisation else []),
        ],
        redact=("name", "email"),
        exclude=("updated_at",),
    )
    audit(Rank, organisation=lambda r: r.response.engagement.organisation)
    audit(OutcomeOrigin, organisation=lambda o: o.response.engagement.organisation)
    audit(Proposal, organisation=lambda p: [p.organisation, p.council])
    navigation.add("Engagements", "engagements:list", order=31)
    demo.add_loader(load_demo_engagements)
    origins.add_origin_finder(services.origins_of)
