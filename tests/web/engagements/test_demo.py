"""The demo gives Riverside its early engagement: a pipeline of two, a summarised market
engagement answered by Brightwater and Oakways, an open consultation answered by the public, and
a proposal from Oakways; twice is once."""

from __future__ import annotations

import pytest

from socialvalue.web.demo import load_demo
from socialvalue.web.engagements import services
from socialvalue.web.engagements.demo import load_demo_engagements
from socialvalue.web.engagements.models import Engagement, PipelineItem, Proposal, Response
from socialvalue.web.tenancy import Actor

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_early_engagement(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo(password="demo-password-for-tests")
    items = PipelineItem.objects.filter(organisation__slug="riverside")
    assert items.count() == 2 and set(items.values_list("state", flat=True)) == {"published"}
    market = Engagement.objects.get(kind="market_engagement", organisation__slug="riverside")
    assert market.state == "summarised" and market.heard and market.did
    answered = set(market.responses.values_list("organisation__slug", flat=True))
    assert answered == {"brightwater", "oakways"}
    consultation = Engagement.objects.get(
        kind="priorities_consultation", organisation__slug="riverside"
    )
    assert consultation.state == "open" and services.public_url(consultation)
    public = Response.objects.filter(engagement=consultation, organisation__isnull=True)
    assert public.count() >= 10 and not public.exclude(name="").exists()
    council = Actor.for_user(consultation.organisation.memberships.first().user)
    result = services.results(consultation, council)
    assert result.count.counted == public.count()
    assert any(g.suppressed for g in result.groups) and any(not g.suppressed for g in result.groups)
    proposal = Proposal.objects.get(organisation__slug="oakways")
    assert proposal.council.slug == "riverside" and proposal.state == "sent"
    load_demo_engagements()
    assert Engagement.objects.filter(organisation__slug="riverside").count() == 2
    assert Proposal.objects.count() == 1 and PipelineItem.objects.count() == 2
