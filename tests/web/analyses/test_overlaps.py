"""An analysis whose outcomes are counted by two measures that value the same change (a QALY and
a WELLBY) warns on its page; other measures, or one outcome alone, do not."""

from __future__ import annotations

import pytest

from socialvalue.web.analyses.models import Analysis
from tests.web.analyses.factories import analysis_for
from tests.web.measures.factories import imported_set
from tests.web.planning.factories import starter_measure

pytestmark = pytest.mark.django_db

HEADING = "Possible double counting"


def _fields(analysis: Analysis, index: int, measure) -> dict:
    outcome = analysis.outcomes[index]
    return {
        "outcome": outcome["id"],
        "id": outcome["id"],
        "description": outcome["description"],
        "stakeholder": outcome["stakeholder"],
        "quantity": str(outcome["quantity"]),
        "proxy_value": str(outcome["proxy"]["value"]),
        "duration": str(outcome["duration"]),
        "start": str(outcome.get("start", 1)),
        **{
            p: str(outcome[p] * 100)
            for p in ("deadweight", "displacement", "attribution", "drop_off")
        },
        "measure": "" if measure is None else str(measure.pk),
    }


def _name(client, analysis, index, measure):
    response = client.post(
        f"/sroi/{analysis.pk}/outcomes/{index}/", _fields(analysis, index, measure)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    analysis.refresh_from_db()


def test_outcomes_counted_by_a_qaly_and_a_wellby_warn_on_the_analysis_page(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    qaly, wellby = starter_measure("SV-WB-03"), starter_measure("SV-WB-01")
    _name(client, analysis, 0, qaly)
    assert analysis.outcome_measures == {analysis.outcomes[0]["id"]: qaly.pk}
    assert HEADING not in client.get(f"/sroi/{analysis.pk}/").content.decode()
    _name(client, analysis, 1, wellby)
    page = client.get(f"/sroi/{analysis.pk}/").content.decode()
    assert HEADING in page and "SV-WB-03" in page and "SV-WB-01" in page
    assert "this analysis&#x27;s outcomes" in page
    edit = client.get(f"/sroi/{analysis.pk}/outcomes/1/").content.decode()
    assert f'<option value="{wellby.pk}" selected>' in edit
    _name(client, analysis, 1, None)
    assert HEADING not in client.get(f"/sroi/{analysis.pk}/").content.decode()


def test_measures_that_do_not_overlap_give_no_warning(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    _name(client, analysis, 0, starter_measure("SV-WB-03"))
    _name(client, analysis, 1, starter_measure("SV-VOL-01"))
    assert HEADING not in client.get(f"/sroi/{analysis.pk}/").content.decode()


def test_another_organisations_measure_cannot_be_named_and_outsiders_get_404(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    theirs = imported_set(demo_world.other_org).measures.first()
    client.force_login(demo_world.editor)
    response = client.post(f"/sroi/{analysis.pk}/outcomes/0/", _fields(analysis, 0, theirs))
    assert response.status_code == 200 and "from the list" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.outcome_measures == {}
    client.force_login(demo_world.outsider)
    assert client.get(f"/sroi/{analysis.pk}/").status_code == 404
    assert client.get(f"/sroi/{analysis.pk}/outcomes/0/").status_code == 404
