"""The demo gives Brightwater a befriending survey: 40 participants, some without a follow-up,
and a team too small to show; twice is once."""

from __future__ import annotations

import pytest

from socialvalue.web.demo import load_demo
from socialvalue.web.surveys import services
from socialvalue.web.surveys.demo import load_demo_surveys
from socialvalue.web.surveys.models import Response, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_befriending_survey(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo(password="demo-password-for-tests")
    survey = Survey.objects.get(organisation__slug="brightwater")
    responses = Response.objects.filter(survey=survey)
    assert responses.filter(wave="baseline").values("participant").distinct().count() == 40
    assert 0 < responses.filter(wave="follow_up").count() < 40
    whole = services.results(survey, price_year=2024)
    life = whole.life_satisfaction
    assert life.change.pairs == 34 and not life.change.suppressed
    assert whole.value is not None and whole.value.central is not None
    small = services.results(
        survey, price_year=2024, filters=services.Filters(team="Befriending Eastbank")
    )
    assert small.life_satisfaction.change.suppressed and small.life_satisfaction.change.pairs == 3
    assert small.value.central is None
    load_demo_surveys()
    assert Survey.objects.filter(organisation__slug="brightwater").count() == 1
