"""The contract page, its API and its return pages warn where two measures that value the same
change are claimed for the contract over the same period, and nowhere else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socialvalue.web.contracts.services import LineReport, save_return
from socialvalue.web.measures.models import MeasureOverlap
from tests.factories import bearer
from tests.web.contracts.factories import contract_between, measures, parties

pytestmark = pytest.mark.django_db

HEADING = "Possible double counting"
REASON = "Admissions avoided are already valued in the jobs figure"


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.order_by("period_index").first()
    return p


def _declare_overlap():
    fiscal, economic = measures()
    a, b = MeasureOverlap.pair(fiscal.pk, economic.pk)
    MeasureOverlap.objects.create(
        value_set=fiscal.value_set, measure_a_id=a, measure_b_id=b, reason=REASON
    )


def _report(world, quantities):
    lines = list(world.first.lines.order_by("commitment__position"))
    save_return(
        world.first,
        by=world.provider_lead,
        narrative="",
        submit=False,
        lines=[
            LineReport(line.commitment_id, None if q is None else Decimal(q))
            for line, q in zip(lines, quantities, strict=True)
        ],
    )


def test_contract_page_and_api_warn_when_the_contract_commits_to_both(client, world):
    _declare_overlap()
    for user in (world.commissioner, world.provider_lead):
        client.force_login(user)
        page = client.get(f"/contracts/{world.contract.pk}/").content.decode()
        assert HEADING in page and REASON in page
        assert "are both claimed for Home care north between 1 Apr 2024 and 31 Mar 2026" in page
    data = client.get(f"/api/v1/contracts/{world.contract.pk}", **bearer(world.commissioner)).json()
    [warning] = data["warnings"]
    assert "Hospital admissions avoided" in warning and "Local people hired" in warning


def test_no_warning_without_a_declared_overlap(client, world):
    client.force_login(world.commissioner)
    assert HEADING not in client.get(f"/contracts/{world.contract.pk}/").content.decode()
    data = client.get(f"/api/v1/contracts/{world.contract.pk}", **bearer(world.commissioner)).json()
    assert data["warnings"] == []


def test_a_return_warns_only_when_it_reports_both_measures(client, world):
    _declare_overlap()
    client.force_login(world.provider_lead)
    _report(world, ["0", "3"])
    assert HEADING not in client.get(f"/returns/{world.first.pk}/").content.decode()
    assert HEADING not in client.get(f"/returns/{world.first.pk}/report/").content.decode()
    _report(world, ["2", "3"])
    page = client.get(f"/returns/{world.first.pk}/").content.decode()
    assert HEADING in page and REASON in page
    assert (
        f"between {world.first.period_start:%-d %b %Y} and {world.first.period_end:%-d %b %Y}"
        in page
    )
    assert HEADING in client.get(f"/returns/{world.first.pk}/report/").content.decode()
    second = world.contract.returns.order_by("period_index")[1]
    assert HEADING not in client.get(f"/returns/{second.pk}/").content.decode()


def test_an_outsider_still_gets_404(client, world):
    _declare_overlap()
    client.force_login(world.outsider)
    assert client.get(f"/contracts/{world.contract.pk}/").status_code == 404
    assert client.get(f"/returns/{world.first.pk}/").status_code == 404
    response = client.get(f"/api/v1/contracts/{world.contract.pk}", **bearer(world.outsider))
    assert response.status_code == 404
