"""Declared overlaps between measures: shipped, imported and exported with a value set, and found
where both measures are claimed for one activity or contract over periods that meet."""

from __future__ import annotations

import datetime as dt

import pytest

from socialvalue.core.errors import InputError
from socialvalue.web.measures import services
from socialvalue.web.measures.models import Measure, MeasureOverlap
from tests.web.planning.factories import starter_measure

pytestmark = pytest.mark.django_db

APR, JUN = dt.date(2025, 4, 1), dt.date(2025, 6, 30)


def _codes(overlap: MeasureOverlap) -> set[str]:
    return {overlap.measure_a.code, overlap.measure_b.code}


def test_shipped_overlaps_pair_the_qaly_with_each_wellby_and_loneliness_with_the_general_wellby():
    shipped = MeasureOverlap.objects.filter(value_set__shipped_key="socialvalue-starter")
    pairs = {frozenset(_codes(o)) for o in shipped}
    assert pairs == {
        frozenset({"SV-WB-03", "SV-WB-01"}),
        frozenset({"SV-WB-03", "SV-WB-04"}),
        frozenset({"SV-WB-03", "SV-LON-02"}),
        frozenset({"SV-WB-03", "SV-CAR-03"}),
        frozenset({"SV-LON-02", "SV-WB-01"}),
    }
    assert all(o.measure_a_id < o.measure_b_id and o.reason for o in shipped)


def test_overlapping_claims_finds_both_measures_for_one_group_over_periods_that_meet():
    qaly, wellby = starter_measure("SV-WB-03"), starter_measure("SV-WB-01")
    claims = [
        (qaly.id, "club", APR, JUN),
        (wellby.id, "club", dt.date(2025, 6, 1), dt.date(2025, 9, 30)),
    ]
    [warning] = services.overlapping_claims(claims, where={"club": "Lunch club"})
    assert (warning.start, warning.end) == (dt.date(2025, 6, 1), JUN)
    assert "SV-WB-03 (Quality-adjusted life years gained)" in warning.text
    assert "SV-WB-01 (Life satisfaction gained by people supported)" in warning.text
    assert "for Lunch club between 1 Jun 2025 and 30 Jun 2025" in warning.text
    assert "count the same gain twice" in warning.text


def test_no_warning_when_periods_do_not_meet_groups_differ_or_measures_do_not_overlap():
    qaly, wellby = starter_measure("SV-WB-03"), starter_measure("SV-WB-01")
    volunteering = starter_measure("SV-VOL-01")
    later = (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert services.overlapping_claims([(qaly.id, 1, APR, JUN), (wellby.id, 1, *later)]) == []
    assert services.overlapping_claims([(qaly.id, 1, APR, JUN), (wellby.id, 2, APR, JUN)]) == []
    assert (
        services.overlapping_claims([(qaly.id, 1, APR, JUN), (volunteering.id, 1, APR, JUN)]) == []
    )


def test_loneliness_and_general_wellby_overlap_whichever_order_they_are_claimed_in():
    loneliness, wellby = starter_measure("SV-LON-02"), starter_measure("SV-WB-01")
    for first, second in ((loneliness, wellby), (wellby, loneliness)):
        [warning] = services.overlapping_claims([(first.id, 1, APR, JUN), (second.id, 1, APR, JUN)])
        assert "SV-LON-02" in warning.text and "SV-WB-01" in warning.text


OVERLAP_CSV = (
    "code,measure,unit,proxy_value,price_year,overlaps_with,overlap_reason\n"
    "Q1,Health gain,QALY,60000,2020,W1;W2,Both value the same health gain\n"
    "W1,Life satisfaction,WELLBY,13000,2019,,\n"
    "W2,Staff life satisfaction,WELLBY,13000,2019,q1,\n"
    "J1,Jobs,people,,,,\n"
)


def test_an_imported_set_declares_its_overlaps_and_exports_them_to_import_again(
    tmp_path, demo_world
):
    path = tmp_path / "set.csv"
    path.write_text(OVERLAP_CSV, encoding="utf-8")
    value_set = services.import_value_set(
        path=path, organisation=demo_world.alice_org, name="Own", version="1", licence="Ours"
    )
    pairs = {frozenset(_codes(o)): o.reason for o in value_set.overlaps.all()}
    assert pairs == {
        frozenset({"Q1", "W1"}): "Both value the same health gain",
        frozenset({"Q1", "W2"}): "Both value the same health gain",
    }
    exported = services.export_value_set(value_set, tmp_path / "again.csv")
    again = services.import_value_set(
        path=exported, organisation=demo_world.alice_org, name="Own", version="2", licence="Ours"
    )
    assert {frozenset(_codes(o)) for o in again.overlaps.all()} == set(pairs)
    q1 = again.measures.get(code="Q1")
    w1 = again.measures.get(code="W1")
    [warning] = services.overlapping_claims([(q1.id, 1, APR, JUN), (w1.id, 1, APR, JUN)])
    assert "Both value the same health gain" in warning.text


def test_an_overlap_naming_an_unknown_code_or_no_reason_is_refused_with_the_row(
    tmp_path, demo_world
):
    path = tmp_path / "bad.csv"
    path.write_text(
        "code,measure,unit,proxy_value,price_year,overlaps_with,overlap_reason\n"
        "Q1,Health gain,QALY,60000,2020,X9,Same gain\n"
        "W1,Life satisfaction,WELLBY,13000,2019,Q1,\n"
        "W2,Other,WELLBY,13000,2019,W2,Itself\n",
        encoding="utf-8",
    )
    before = Measure.objects.count()
    with pytest.raises(InputError) as caught:
        services.import_value_set(
            path=path, organisation=demo_world.alice_org, name="Bad", version="1", licence="Ours"
        )
    shown = [str(p) for p in caught.value.problems]
    assert (
        "row 3, overlap_reason: is blank, but overlaps_with names measures: say why they overlap"
        in shown
    )
    assert 'row 4, overlaps_with: names the row\'s own code "W2"' in shown
    assert 'row 2, overlaps_with: names "X9", which is not a code in this file' in shown
    assert Measure.objects.count() == before


def test_a_measure_page_lists_the_measures_it_overlaps_with(client, demo_world):
    loneliness = starter_measure("SV-LON-02")
    client.force_login(demo_world.viewer)
    page = client.get(f"/measures/{loneliness.pk}/").content.decode()
    assert "Overlaps with" in page
    assert "SV-WB-01 Life satisfaction gained by people supported" in page
    assert "SV-WB-03 Quality-adjusted life years gained" in page
    volunteering = starter_measure("SV-VOL-01")
    assert "Overlaps with" not in client.get(f"/measures/{volunteering.pk}/").content.decode()
