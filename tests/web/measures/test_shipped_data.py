"""A fresh database carries the shipped open data: the SDGs and the built-in value sets with their licences."""

import json

import pytest
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.web.measures.models import Measure, SdgGoal, SdgTarget, ValueSet
from tests.factories import MembershipFactory, bearer

pytestmark = pytest.mark.django_db


def test_fresh_database_has_17_goals_and_169_targets():
    assert SdgGoal.objects.count() == 17
    assert SdgTarget.objects.count() == 169
    assert SdgTarget.objects.filter(goal__number=17).count() == 19


def test_fresh_database_lists_built_in_sets_with_their_licences():
    built_in = {(s.name, s.licence) for s in ValueSet.objects.filter(origin="built_in")}
    assert ("UK Government Social Value Model", "Open Government Licence v3.0") in built_in
    assert ("socialvalue starter measures", "CC BY 4.0") in built_in
    starter = ValueSet.objects.get(shipped_key="socialvalue-starter")
    assert starter.measures.count() >= 40


def test_starter_proxies_keep_their_licence_price_year_and_confidence():
    wellby = Measure.objects.get(code="SV-WB-01")
    assert float(wellby.proxy_value) == 13000
    assert wellby.price_year == 2019
    assert wellby.licence == "Open Government Licence v3.0"
    assert wellby.confidence == "read"
    assert sorted(t.code for t in wellby.sdg_targets.all()) == ["10.2", "3.4"]
    assert Measure.objects.filter(
        value_set__shipped_key="socialvalue-starter", confidence="unverified"
    ).exists()


def test_loading_the_shipped_data_again_changes_nothing():
    from django.apps import apps

    from socialvalue.web.measures.shipped import load_all

    before = (ValueSet.objects.count(), Measure.objects.count(), SdgTarget.objects.count())
    load_all(apps)
    assert (ValueSet.objects.count(), Measure.objects.count(), SdgTarget.objects.count()) == before


def test_cli_sets_and_sdgs_as_json():
    runner = CliRunner()
    sets = json.loads(runner.invoke(main, ["measures", "sets", "--json"]).output)
    assert {"UK Government Social Value Model", "socialvalue starter measures"} <= {
        s["name"] for s in sets
    }
    assert all(s["licence"] for s in sets)
    goals = json.loads(runner.invoke(main, ["sdgs", "--json"]).output)
    assert len(goals) == 17
    assert sum(len(g["targets"]) for g in goals) == 169


def test_api_lists_sets_and_sdgs(client, demo_world):
    headers = bearer(demo_world.viewer)
    sets = client.get("/api/v1/value-sets", **headers).json()
    assert {"Open Government Licence v3.0", "CC BY 4.0"} <= {s["licence"] for s in sets}
    goals = client.get("/api/v1/sdgs", **headers).json()
    assert len(goals) == 17 and sum(len(g["targets"]) for g in goals) == 169


def test_value_sets_page_shows_each_licence(client, demo_world):
    client.force_login(demo_world.viewer)
    page = client.get("/value-sets/").content.decode()
    assert "Open Government Licence v3.0" in page
    assert "CC BY 4.0" in page
    assert "Unverified" in page  # the Social Value Model's licence statement was not seen


def test_measure_page_shows_proxy_price_year_source_licence_and_confidence(client, demo_world):
    client.force_login(demo_world.viewer)
    unverified = Measure.objects.filter(
        value_set__shipped_key="socialvalue-starter", confidence="unverified"
    ).first()
    page = client.get(f"/measures/{unverified.pk}/").content.decode()
    assert "Unverified: check the source" in page
    assert unverified.effective_licence in page
    assert "Not used yet." in page
    wellby = Measure.objects.get(code="SV-WB-01")
    page = client.get(f"/measures/{wellby.pk}/").content.decode()
    assert "£13,000.00" in page and "2019 prices" in page
    assert "uplifted with HM Treasury GDP deflators" in page


def test_compilers_notes_on_shipped_measures_are_not_shown(client):
    """The data file's status notes say how the data was read ("wording only partly read"):
    they are for whoever checks the file, not for the people choosing measures."""
    measure = Measure.objects.get(value_set__shipped_key__endswith="ppn-002", code="1e")
    assert measure.confidence == "unverified"
    assert measure.confidence_note == ""
    assert not Measure.objects.filter(confidence_note__icontains="partly read").exists()
    client.force_login(MembershipFactory().user)
    page = client.get(f"/measures/{measure.pk}/").content.decode()
    assert "Identifying and managing modern slavery risks" in page
    assert "partly read" not in page
    assert "Unverified" in page
