"""The demo gives Brightwater a year of evidence at mixed levels with files, and six case studies; twice is once."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Max, Min

from socialvalue.web.casestudies.demo import load_demo_case_studies
from socialvalue.web.casestudies.models import CaseStudy
from socialvalue.web.demo import load_demo
from socialvalue.web.evidence.demo import load_demo_evidence
from socialvalue.web.evidence.models import Evidence, EvidenceFile

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_evidence_and_case_studies(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo(password="demo-password-for-tests")
    brightwater = Evidence.objects.filter(organisation__slug="brightwater")
    span = brightwater.aggregate(first=Min("period_start"), last=Max("period_end"))
    assert (span["last"] - span["first"]).days >= 364
    levels = dict(brightwater.values_list("verification").annotate(n=Count("id")))
    assert set(levels) == {"verified", "evidenced", "self_reported", "rejected"}
    assert EvidenceFile.objects.filter(evidence__organisation__slug="brightwater").exists()
    # Nobody in the demo verified what they recorded.
    settled = Evidence.objects.filter(verified_by__isnull=False)
    assert settled.exists()
    assert not settled.filter(recorded_by=F("verified_by")).exists()
    assert Evidence.objects.filter(organisation__slug="oakways").exists()
    assert Evidence.objects.filter(organisation__slug="meridian").count() < brightwater.count()
    assert CaseStudy.objects.filter(organisation__slug="brightwater").count() == 6
    assert (
        CaseStudy.objects.filter(organisation__slug="brightwater", shared_at__isnull=False).count()
        == 5
    )
    counts = (Evidence.objects.count(), EvidenceFile.objects.count(), CaseStudy.objects.count())
    load_demo_evidence()
    load_demo_case_studies()
    assert (
        Evidence.objects.count(),
        EvidenceFile.objects.count(),
        CaseStudy.objects.count(),
    ) == counts
