"""The statement, contract and annual reports carry a caveat where two measures that value the
same change are claimed together, and no such caveat otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socialvalue.web.contracts.services import LineReport, save_return
from socialvalue.web.measures.models import MeasureOverlap
from socialvalue.web.reports.builders import annual, contract, statement
from socialvalue.web.tenancy import Actor
from tests.web.contracts.factories import contract_between, measures, parties
from tests.web.planning.factories import starter_measure
from tests.web.statements.factories import drafted_statement

pytestmark = pytest.mark.django_db

REASON = "Admissions avoided are already valued in the jobs figure"


def _quiet(*_args):
    return None


def _actor(organisation):
    return Actor(user=None, memberships={organisation.id: None})


def _declare_overlap():
    fiscal, economic = measures()
    a, b = MeasureOverlap.pair(fiscal.pk, economic.pk)
    MeasureOverlap.objects.create(
        value_set=fiscal.value_set, measure_a_id=a, measure_b_id=b, reason=REASON
    )


def _deliver(p, the_contract, quantities):
    first = the_contract.returns.order_by("period_index").first()
    lines = list(first.lines.order_by("commitment__position"))
    save_return(
        first,
        by=p.provider_lead,
        narrative="",
        submit=True,
        lines=[
            LineReport(line.commitment_id, Decimal(q))
            for line, q in zip(lines, quantities, strict=True)
        ],
    )
    return first


def _overlap_caveats(document) -> list[str]:
    return [note for note in document.file_notes() if "are both claimed" in note]


def test_contract_report_caveats_name_both_measures_and_the_reason():
    p = parties()
    the_contract = contract_between(p)
    build = contract.build(
        actor=_actor(p.council), organisation=p.council, progress=_quiet, contract=the_contract
    )
    assert _overlap_caveats(build) == []
    _declare_overlap()
    build = contract.build(
        actor=_actor(p.council), organisation=p.council, progress=_quiet, contract=the_contract
    )
    [caveat] = _overlap_caveats(build)
    assert "Hospital admissions avoided" in caveat and "Local people hired" in caveat
    assert REASON in caveat and "Home care north" in caveat


def test_annual_report_caveats_only_where_a_return_delivers_both_in_one_period():
    p = parties()
    _declare_overlap()
    first = _deliver(p, contract_between(p), ["0", "3"])
    document = annual.build(
        actor=_actor(p.council), organisation=p.council, progress=_quiet, year=first.year
    )
    assert _overlap_caveats(document) == []
    both = _deliver(p, contract_between(p, title="Home care south"), ["2", "3"])
    document = annual.build(
        actor=_actor(p.council), organisation=p.council, progress=_quiet, year=first.year
    )
    [caveat] = _overlap_caveats(document)
    assert REASON in caveat and "Home care south" in caveat and "north" not in caveat
    assert f"between {both.period_start:%-d %b %Y} and {both.period_end:%-d %b %Y}" in caveat


def test_statement_report_caveats_when_its_commitments_use_a_qaly_and_a_wellby(demo_world):
    org = demo_world.alice_org
    the_statement = drafted_statement(org)
    document = statement.build(
        actor=_actor(org), organisation=org, progress=_quiet, statement=the_statement
    )
    assert _overlap_caveats(document) == []
    commitment = the_statement.commitments.get()
    commitment.measures.add(starter_measure("SV-WB-03"), starter_measure("SV-WB-01"))
    document = statement.build(
        actor=_actor(org), organisation=org, progress=_quiet, statement=the_statement
    )
    [caveat] = _overlap_caveats(document)
    assert "SV-WB-03" in caveat and "SV-WB-01" in caveat
    assert "this statement's commitments" in caveat
