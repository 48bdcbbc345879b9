"""Long choices: the autocomplete's files are served, the forms mark their long selects for it and
list the suggested options first, and what the enhanced select submits is what the plain one did."""

import html
import json
import re

import pytest
from django.contrib.staticfiles import finders

from socialvalue.web.commissioning import services as commissioning
from socialvalue.web.commissioning.models import Bid
from tests.web.commissioning import factories as f
from tests.web.planning.factories import planned_activity, starter_measure

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["js/accessible-autocomplete.min.js", "js/autocomplete.js", "js/app.js"]
)
def test_the_autocomplete_files_are_served(client, path):
    assert finders.find(path), f"{path} is missing: run `npm run -s build`"
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"accessibleAutocomplete" in body or b"autocomplete" in body


def test_the_stylesheet_carries_the_autocomplete_styles():
    assert ".autocomplete__wrapper" in open(finders.find("css/app.css")).read()


def _select(page: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>', page).group(0)


def test_evidence_suggests_the_chosen_activitys_measures(client, demo_world):
    activity = planned_activity(demo_world.alice_org)
    activity.measures.add(starter_measure("SV-LON-01"))
    client.force_login(demo_world.editor)
    page = client.get("/evidence/record/").content.decode()
    select = _select(page, "measure")
    assert "data-autocomplete" in select and 'data-suggest-from="id_activity"' in select
    suggestions = json.loads(html.unescape(re.search(r"data-suggestions=\"([^\"]*)\"", select)[1]))
    assert sorted(suggestions[str(activity.pk)]) == sorted(
        str(starter_measure(code).pk) for code in ("SV-VOL-01", "SV-LON-01")
    )
    assert "data-autocomplete" in _select(page, "activity")


def test_a_bidder_sees_the_procurements_measures_first_and_the_choice_submits(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    asked = f.valued_measure("SV-HSC-02")
    procurement.outcomes.update(measure=asked)
    client.force_login(council.outsider)
    client.post(f"/procurements/{procurement.id}/bids/new/", {"price": "800000"})
    bid = Bid.objects.get(bidder=council.other_org)
    page = client.get(f"/bids/{bid.id}/commitments/new/").content.decode()
    select = page[page.index('<select name="measure"') :]
    select = select[: select.index("</select>")]
    assert "data-autocomplete" in select
    groups = re.findall(r'<optgroup label="([^"]*)">', select)
    assert groups == ["Measures this procurement asks for", "Other measures"]
    first_group = select[select.index("<optgroup") : select.index("</optgroup>")]
    assert f'value="{asked.pk}"' in first_group and first_group.count("<option") == 1
    # The enhanced select posts the chosen option's value, as the plain one does.
    response = client.post(
        f"/bids/{bid.id}/commitments/new/", {"measure": asked.pk, "quantity": "2"}
    )
    assert response.status_code == 302
    assert bid.commitments.get().measure == asked


def test_an_activitys_measures_are_offered_as_an_autocomplete_and_still_post(client, demo_world):
    client.force_login(demo_world.editor)
    page = client.get("/plan/activities/new/").content.decode()
    select = _select(page, "measures")
    assert "multiple" in select and "data-autocomplete" in select


@pytest.fixture
def council(demo_world):
    f.charter(demo_world.alice_org, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    return demo_world


def test_priorities_are_offered_as_an_autocomplete(client, council):
    procurement = f.procurement(council.alice_org)
    commissioning.charter_for(council.alice_org)
    client.force_login(council.admin)
    page = client.get(f"/procurements/{procurement.id}/outcomes/new/").content.decode()
    assert "data-autocomplete" in _select(page, "priority")
    assert "data-autocomplete" in _select(page, "measure")
