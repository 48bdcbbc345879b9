"""The measures search page: a page of results costs the same queries however many rows it
shows, and each row shows the measure's proxy, theme, set and licence."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socialvalue.core.formats.value_set import ValueSetRow
from socialvalue.web.measures.services import import_value_set

pytestmark = pytest.mark.django_db


def _set(organisation, name: str, rows: int):
    return import_value_set(
        rows=[
            ValueSetRow(
                code=f"{name}-{i:03d}",
                theme=f"Quota theme {i % 3}",
                outcome=f"Quota outcome {i % 5}",
                measure=f"Quota measure {i}",
                unit="people",
                proxy_value=1234.5 if i % 2 else None,
                value_type="social" if i % 2 else "wellbeing",
                price_year=2023 if i % 2 else None,
                source="Counted by hand",
                sdg_targets=("8.5", "4.4"),
            )
            for i in range(rows)
        ],
        name=f"Quota set {name}",
        version="1",
        licence=f"Licence of {name}",
        organisation=organisation,
    )


def _rows(page: str) -> int:
    return len(re.findall(r'<tr class="govuk-table__row">\s*<td', page))


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_a_page_of_results_costs_the_same_queries_however_many_rows_it_shows(client, demo_world):
    few = _set(demo_world.alice_org, "FEW", 2)
    many = _set(demo_world.alice_org, "MANY", 60)
    client.force_login(demo_world.editor)
    client.get("/measures/")  # the session and anything loaded once are not the page's cost

    counted = {}
    for label, query in (
        ("few", f"set={few.pk}"),
        ("many", f"set={many.pk}"),
        ("second page", f"set={many.pk}&page=2"),
        ("every filter", f"set={many.pk}&q=quota&sdg=8&value_type=social&theme=Quota+theme+1"),
    ):
        queries, page = _queries(client, f"/measures/?{query}")
        counted[label] = (queries, _rows(page))

    assert counted["few"][1] == 2
    assert counted["many"][1] == 50
    assert counted["second page"][1] == 10
    assert counted["every filter"][1] == 10  # odd positions whose theme is "Quota theme 1"
    assert counted["few"][0] == counted["many"][0] == counted["second page"][0]
    # The SDG filter reads its targets' ids first: one query more, whatever the rows.
    assert counted["every filter"][0] == counted["many"][0] + 1


def test_each_row_shows_its_proxy_theme_set_and_licence(client, demo_world):
    value_set = _set(demo_world.alice_org, "ROW", 2)
    client.force_login(demo_world.editor)
    page = client.get(f"/measures/?set={value_set.pk}").content.decode()
    one = page[page.index("ROW-001") :].split("</tr>")[0]
    assert "£1,234.50 <span" in one and "(2023 prices)" in one
    assert "people · Social · Quota theme 1" in one
    assert "Quota set ROW (1)<br>Licence: Licence of ROW" in one
    zero = page[page.index("ROW-000") :].split("</tr>")[0]
    assert "Counted, not valued" in zero and "£" not in zero
    assert "Page 1 of" not in page  # one page: no pagination
    measure = value_set.measures.get(code="ROW-001")
    detail = client.get(f"/measures/{measure.pk}/").content.decode()
    assert '£1,234.50 <span class="govuk-body-s">(2023 prices)</span>' in detail


def test_the_dropdowns_list_the_sets_themes_and_goals_the_member_can_see(client, demo_world):
    value_set = _set(demo_world.alice_org, "DROP", 1)
    client.force_login(demo_world.editor)
    page = client.get(f"/measures/?set={value_set.pk}&sdg=8").content.decode()
    assert f'<option value="{value_set.pk}" selected>Quota set DROP (1)</option>' in page
    assert '<option value="Quota theme 0">Quota theme 0</option>' in page
    assert '<option value="8" selected>Goal 8: ' in page
    assert '<option value="17">Goal 17: ' in page
    client.force_login(demo_world.outsider)
    assert "Quota set DROP" not in client.get("/measures/").content.decode()
