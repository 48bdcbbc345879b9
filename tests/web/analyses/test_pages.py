"""The analysis pages: building a map table by table, live recalculation, uploads and downloads read back."""

import io
import json
import re

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.core.sroi import calculate, parse_impact_map
from socialvalue.core.sroi.xlsx import write_template
from socialvalue.reports.formatting import money, ratio
from socialvalue.web.analyses import services
from socialvalue.web.analyses.models import Analysis
from tests.web.analyses.factories import analysis_for, small_map

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _outcome_post(analysis: Analysis, **change) -> dict:
    """The outcomes table as the browser posts it, with `change` ({"0-quantity": "25"}) applied."""
    outcomes = analysis.outcomes
    data = _management("outcomes", len(outcomes) + 1, len(outcomes))
    for k, o in enumerate(outcomes):
        row = {
            "index": k,
            "description": o["description"],
            "stakeholder": o["stakeholder"],
            "quantity": o["quantity"],
            "proxy_value": o["proxy"]["value"],
            "duration": o["duration"],
            **{p: o[p] * 100 for p in ("deadweight", "displacement", "attribution", "drop_off")},
        }
        data.update({f"outcomes-{k}-{key}": str(value) for key, value in row.items()})
    data.update({f"outcomes-{key}": value for key, value in change.items()})
    return data


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_create_from_scratch_then_add_stakeholder_input_and_outcome(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post(
        "/sroi/new/",
        {
            "name": "Lunch club",
            "kind": "forecast",
            "currency": "GBP",
            "rate_kind": "constant",
            "rate": "3.5",
            "convention": "end",
            "draws": "1000",
            "seed": "3",
        },
    )
    analysis = Analysis.objects.get(name="Lunch club")
    assert response.url == f"/sroi/{analysis.pk}/map/"
    assert analysis.impact_map["discount"]["rate"] == 0.035
    assert "Not calculated yet. Add at least one input." in _text(client.get(response.url))

    client.post(
        f"/sroi/{analysis.pk}/map/stakeholders/",
        _management("stakeholders", 1, 0)
        | {"stakeholders-0-name": "Members", "stakeholders-0-involvement": "Come to lunch"},
    )
    client.post(
        f"/sroi/{analysis.pk}/map/inputs/",
        _management("inputs", 1, 0)
        | {"inputs-0-stakeholder": "Members", "inputs-0-value": "£1,000"},
    )
    response = client.post(
        f"/sroi/{analysis.pk}/map/outcomes/",
        _management("outcomes", 1, 0)
        | {
            "outcomes-0-description": "Eat better",
            "outcomes-0-stakeholder": "Members",
            "outcomes-0-quantity": "10",
            "outcomes-0-proxy_value": "300",
            "outcomes-0-duration": "1",
            "outcomes-0-deadweight": "20",
            "outcomes-0-displacement": "0",
            "outcomes-0-attribution": "0",
            "outcomes-0-drop_off": "0",
        },
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.stakeholders == [{"name": "Members", "involvement": "Come to lunch"}]
    # 10 x 300 x 0.8, discounted one year at 3.5 %, over 1,000 invested.
    assert analysis.sroi_ratio == pytest.approx(2400 / 1.035 / 1000)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert ratio(analysis.sroi_ratio) in page and "2.32 : 1" in page


def test_a_cell_change_from_htmx_returns_the_recalculated_editor(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    response = client.post(
        f"/sroi/{analysis.pk}/map/outcomes/",
        _outcome_post(analysis, **{"1-quantity": "80"}),
        **HTMX,
    )
    assert response.status_code == 200
    analysis.refresh_from_db()
    assert analysis.outcomes[1]["quantity"] == 80
    html = _text(response)
    assert 'id="figures" hx-swap-oob="innerHTML"' in html
    assert ratio(analysis.sroi_ratio) in html and "<html" not in html
    assert money(analysis.result["outcomes"][1]["present_value"]) in html


def test_a_bad_cell_is_shown_next_to_the_cell_and_nothing_is_saved(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    before = analysis.impact_map
    client.force_login(demo_world.editor)
    for extra in ({}, HTMX):
        response = client.post(
            f"/sroi/{analysis.pk}/map/outcomes/",
            _outcome_post(analysis, **{"0-quantity": "40", "1-deadweight": "120"}),
            **extra,
        )
        html = _text(response)
        assert response.status_code == 200
        assert (
            '<p id="id_outcomes-1-deadweight-error" class="govuk-error-message">'
            '<span class="govuk-visually-hidden">Error:</span> Enter a percentage from 0 to 100'
            "</p>" in html
        )
        assert 'aria-describedby="id_outcomes-1-deadweight-error"' in html
        assert 'value="40"' in html  # what was typed is kept
    # Once the form is valid the engine's own check runs: the quantity is outside its range.
    response = client.post(
        f"/sroi/{analysis.pk}/map/outcomes/", _outcome_post(analysis, **{"0-quantity": "40"})
    )
    html = _text(response)
    assert 'id="id_outcomes-0-quantity-error"' in html
    assert "Row 1, Quantity: 40.0 is not between 10 and 25" in html
    analysis.refresh_from_db()
    assert analysis.impact_map == before


def test_removing_a_row_and_adding_one_in_the_same_save(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    data = _management("inputs", 3, 2)
    data.update(
        {
            "inputs-0-index": "0",
            "inputs-0-stakeholder": "Council",
            "inputs-0-value": "10000",
            "inputs-1-index": "1",
            "inputs-1-stakeholder": "Volunteers",
            "inputs-1-value": "2000",
            "inputs-1-DELETE": "on",
            "inputs-2-stakeholder": "Volunteers",
            "inputs-2-description": "Expenses",
            "inputs-2-value": "500",
            "inputs-2-low": "400",
            "inputs-2-high": "700",
        }
    )
    client.post(f"/sroi/{analysis.pk}/map/inputs/", data)
    analysis.refresh_from_db()
    assert [i["value"] for i in analysis.inputs] == [10000, 500]
    assert analysis.inputs[1]["uncertainty"]["value"] == {
        "dist": "triangular",
        "low": 400,
        "mode": 500,
        "high": 700,
    }


def test_the_outcome_page_sets_ranges_and_details(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    page = client.get(f"/sroi/{analysis.pk}/outcomes/0/").content.decode()
    assert 'value="10"' in page and 'value="25"' in page  # the quantity range
    response = client.post(
        f"/sroi/{analysis.pk}/outcomes/1/",
        {
            "outcome": "fewer-gp-visits",
            "description": "Fewer GP visits",
            "stakeholder": "NHS",
            "indicator": "GP records",
            "value_type": "fiscal",
            "quantity": "40",
            "proxy_value": "48",
            "proxy_source": "PSSRU 2025",
            "duration": "1",
            "start": "2",
            "deadweight": "25",
            "displacement": "0",
            "attribution": "10",
            "drop_off": "0",
            "attribution_low": "5",
            "attribution_high": "20",
        },
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    outcome = analysis.outcomes[1]
    assert outcome["start"] == 2 and outcome["indicator"] == "GP records"
    assert outcome["proxy"] == {"value": 48, "source": "PSSRU 2025"}
    assert outcome["uncertainty"]["attribution"] == {
        "dist": "triangular",
        "low": 0.05,
        "mode": 0.1,
        "high": 0.2,
    }


def test_upload_yaml_json_and_excel_maps(client, demo_world, tmp_path):
    client.force_login(demo_world.editor)
    data = small_map()
    xlsx = tmp_path / "map.xlsx"
    write_template(xlsx, parse_impact_map(data))
    files = [
        ("map.yaml", yaml.safe_dump(data).encode()),
        ("map.json", json.dumps(data).encode()),
        ("map.xlsx", xlsx.read_bytes()),
    ]
    expected = calculate(parse_impact_map(data)).to_dict()["sroi_ratio"]
    for name, content in files:
        response = client.post(
            "/sroi/upload/",
            {"file": SimpleUploadedFile(name, content), "kind": "evaluative", "name": name},
        )
        assert response.status_code == 302, _text(response)
        analysis = Analysis.objects.get(name=name)
        assert analysis.kind == "evaluative"
        assert analysis.sroi_ratio == pytest.approx(expected, rel=1e-12)


def test_a_bad_upload_lists_each_problem_at_its_place(client, demo_world, tmp_path):
    client.force_login(demo_world.editor)
    data = small_map()
    data["outcomes"][1]["deadweight"] = 1.5
    data["outcomes"][0]["durration"] = 2
    response = client.post(
        "/sroi/upload/",
        {"file": SimpleUploadedFile("bad.yaml", yaml.safe_dump(data).encode()), "kind": "forecast"},
    )
    html = _text(response)
    assert "There is a problem" in html
    assert "bad.yaml has 2 problems" in html
    assert "<strong>outcomes[0].durration</strong>: is not a field" in html or "durration" in html
    assert "<strong>outcomes[1].deadweight</strong>: 1.5 is not between 0 and 1" in html
    assert not Analysis.objects.exists()

    xlsx = tmp_path / "bad.xlsx"
    write_template(xlsx, parse_impact_map(small_map()))
    workbook = openpyxl.load_workbook(xlsx)
    sheet = workbook["Outcomes"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("Deadweight") + 1).value = 1.5
    workbook.save(xlsx)
    response = client.post(
        "/sroi/upload/",
        {"file": SimpleUploadedFile("bad.xlsx", xlsx.read_bytes()), "kind": "forecast"},
    )
    assert "Outcomes sheet, row 2" in _text(response)

    for name, content, message in [
        ("map.txt", b"title: x", "must be a .yaml, .json or .xlsx"),
        ("map.xlsx", b"title: x", "map.xlsx is named .xlsx but is not an Excel workbook."),
        ("map.yaml", b"PK\x03\x04junk", "map.yaml is neither text nor an Excel workbook."),
        ("map.json", b"", "The selected impact map file is empty: choose another"),
    ]:
        response = client.post(
            "/sroi/upload/", {"file": SimpleUploadedFile(name, content), "kind": "forecast"}
        )
        assert message in _text(response)


def _figure_rows(workbook) -> dict:
    return {row[0]: row[1] for row in workbook["Results"].iter_rows(min_row=2, values_only=True)}


def test_downloads_read_back_with_the_figures_on_screen(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))

    response = client.get(f"/sroi/{analysis.pk}/downloads/results.xlsx")
    assert 'filename="befriending-forecast-results.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    figures = _figure_rows(workbook)
    for label in ("Present value", "Investment", "Net present value"):
        assert money(figures[label]) in page
    assert ratio(figures["SROI ratio"]) in page
    assert (
        f"{figures['SROI ratio, Monte Carlo p5']:.2f} to {figures['SROI ratio, Monte Carlo p95']:.2f}"
        in page
    )
    by_stakeholder = {
        row[0]: row[-1] for row in workbook["Impact map"].iter_rows(min_row=2, values_only=True)
    }
    assert set(by_stakeholder) == {"less-lonely", "fewer-gp-visits"}

    result = json.loads(
        b"".join(client.get(f"/sroi/{analysis.pk}/downloads/results.json").streaming_content)
    )
    assert result == analysis.result

    for name in ("impact-map.yaml", "impact-map.json"):
        body = b"".join(client.get(f"/sroi/{analysis.pk}/downloads/{name}").streaming_content)
        data = yaml.safe_load(body)  # JSON is YAML too
        assert data["sensitivity"] == {"monte_carlo": {"draws": 2000, "seed": 11}}
        again = calculate(parse_impact_map(data)).to_dict()
        assert again == result
    body = b"".join(client.get(f"/sroi/{analysis.pk}/downloads/impact-map.xlsx").streaming_content)
    settings = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(io.BytesIO(body))["Settings"].iter_rows(values_only=True)
    }
    assert settings["Title"] == "Befriending" and settings["Monte Carlo seed"] == 11
    assert client.get(f"/sroi/{analysis.pk}/downloads/secrets.txt").status_code == 404


def test_viewers_see_results_but_cannot_change_them(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert "Edit the impact map" not in page and "Switching values" in page
    assert client.get(f"/sroi/{analysis.pk}/map/").status_code == 403
    assert (
        client.post(f"/sroi/{analysis.pk}/map/outcomes/", _outcome_post(analysis)).status_code
        == 403
    )
    assert client.post(f"/sroi/{analysis.pk}/delete/").status_code == 403
    assert client.get("/sroi/new/").status_code == 403


def test_results_page_has_the_chart_with_its_table(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    html = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert '<img src="data:image/svg+xml;base64,' in html
    assert 'alt="Tornado chart: What moves the result most: Befriending.' in html
    assert "The figures behind the chart" in html
    assert "Less lonely: quantity" in html
    assert 'alt="Bar chart: Present value by stakeholder: Befriending. Older people £' in html


def test_start_the_evaluation_and_compare(client, demo_world):
    forecast = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    response = client.post(f"/sroi/{forecast.pk}/evaluate/")
    evaluation = Analysis.objects.get(forecast=forecast)
    assert response.url == f"/sroi/{evaluation.pk}/map/"
    client.post(
        f"/sroi/{evaluation.pk}/map/outcomes/", _outcome_post(evaluation, **{"1-quantity": "60"})
    )
    html = _text(client.get(f"/sroi/{evaluation.pk}/compare/"))
    assert "Forecast and evaluation side by side" in html
    assert '<strong class="govuk-tag govuk-tag--yellow">+' in html
    assert client.post(f"/sroi/{evaluation.pk}/evaluate/").status_code == 404


def test_another_organisations_analysis_is_404_and_not_listed(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.outsider)
    assert client.get(f"/sroi/{analysis.pk}/").status_code == 404
    assert client.get(f"/sroi/{analysis.pk}/downloads/results.xlsx").status_code == 404
    assert analysis.name not in client.get("/sroi/").content.decode()


def test_an_upload_over_the_size_limit_is_refused(client, demo_world, settings):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(demo_world.editor)
    content = yaml.safe_dump(small_map()).encode()
    response = client.post(
        "/sroi/upload/", {"file": SimpleUploadedFile("map.yaml", content), "kind": "forecast"}
    )
    assert f"map.yaml is {len(content)} bytes: files must be 100 bytes or smaller." in _text(
        response
    )
    assert not Analysis.objects.exists()


def test_settings_change_the_discount_and_monte_carlo(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    form = {
        "name": "Befriending, Green Book",
        "description": "",
        "period": "2025",
        "currency": "gbp",
        "price_year": "2024",
        "rate_kind": "greenbook",
        "rate": "",
        "convention": "start",
        "draws": "0",
        "seed": "",
    }
    response = client.post(f"/sroi/{analysis.pk}/settings/", form)
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.impact_map["discount"] == {"rate": "greenbook", "convention": "start"}
    assert analysis.impact_map["currency"] == "GBP" and analysis.seed == 11
    assert analysis.result["title"] == "Befriending, Green Book"
    assert "monte_carlo" not in analysis.result
    expected = calculate(parse_impact_map(analysis.impact_map)).to_dict()
    assert analysis.result == expected

    response = client.post(
        f"/sroi/{analysis.pk}/settings/", form | {"rate_kind": "constant", "draws": "-1"}
    )
    html = _text(response)
    assert "Enter the discount rate, for example 3.5" in html
    assert "Enter 0 or more" in html


def test_add_an_outcome_with_its_range_then_remove_it(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    fields = {
        "description": "Back in work",
        "stakeholder": "Older people",
        "quantity": "3",
        "proxy_value": "9234",
        "duration": "2",
        "start": "1",
        "deadweight": "40",
        "displacement": "10",
        "attribution": "20",
        "drop_off": "30",
        "quantity_low": "1",
        "quantity_high": "5",
    }
    response = client.post(f"/sroi/{analysis.pk}/outcomes/new/", fields | {"id": "less-lonely"})
    assert "&#x27;less-lonely&#x27; is already used by outcomes[0]" in _text(response)
    response = client.post(f"/sroi/{analysis.pk}/outcomes/new/", fields)
    assert response.status_code == 302
    analysis.refresh_from_db()
    added = analysis.outcomes[2]
    assert added["id"] == "o3" and added["displacement"] == 0.1
    assert added["uncertainty"] == {
        "quantity": {"dist": "triangular", "low": 1, "mode": 3, "high": 5}
    }
    client.post(f"/sroi/{analysis.pk}/outcomes/2/", {"remove": "1", "outcome": "o3"})
    analysis.refresh_from_db()
    assert [o["id"] for o in analysis.outcomes] == ["less-lonely", "fewer-gp-visits"]
    assert client.get(f"/sroi/{analysis.pk}/outcomes/2/").status_code == 404


def test_a_map_the_template_cannot_hold_says_so(client, demo_world):
    data = small_map()
    data["outcomes"][1]["uncertainty"] = {
        "deadweight": {"dist": "uniform", "low": 0.1, "high": 0.3}
    }
    analysis = analysis_for(demo_world.alice_org, impact_map=data)
    client.force_login(demo_world.viewer)
    response = client.get(f"/sroi/{analysis.pk}/downloads/impact-map.xlsx", follow=True)
    assert "Cannot download impact-map.xlsx" in _text(response)
    assert client.get(f"/sroi/{analysis.pk}/downloads/impact-map.yaml").status_code == 200


def test_changes_are_in_the_audit_trail_and_delete_removes(client, demo_world):
    from socialvalue.web.audit.models import AuditEvent

    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    client.post(
        f"/sroi/{analysis.pk}/map/outcomes/", _outcome_post(analysis, **{"1-quantity": "50"})
    )
    event = AuditEvent.objects.filter(object_type="analyses.Analysis", action="update").get()
    assert event.organisation_id == demo_world.alice_org.pk
    assert event.actor_email == demo_world.editor.email
    assert "impact_map" in event.changes and "result" not in event.changes
    assert "Delete Befriending (forecast)?" in _text(client.get(f"/sroi/{analysis.pk}/delete/"))
    assert client.post(f"/sroi/{analysis.pk}/delete/").url == "/sroi/"
    assert not Analysis.objects.exists()


def test_a_table_changed_by_someone_else_is_not_overwritten(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    page_as_drawn = _outcome_post(analysis, **{"1-quantity": "70"})
    services.remove_outcome(analysis, 0)  # another editor removes the first outcome meanwhile
    client.force_login(demo_world.editor)
    for extra, status in (({}, 409), (HTMX, 200)):  # htmx swaps in only successful answers
        response = client.post(f"/sroi/{analysis.pk}/map/outcomes/", page_as_drawn, **extra)
        assert response.status_code == status
        assert "Someone changed the outcomes while you were editing" in _text(response)
    analysis.refresh_from_db()
    assert [o["quantity"] for o in analysis.outcomes] == [40]


def test_an_outcome_page_left_open_while_rows_moved_saves_nothing(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    response = client.post(
        f"/sroi/{analysis.pk}/outcomes/1/", {"remove": "1", "outcome": "less-lonely"}, follow=True
    )
    assert "Someone changed the outcomes while you were editing" in _text(response)
    analysis.refresh_from_db()
    assert len(analysis.outcomes) == 2


def test_the_results_page_links_its_report_with_the_analysis_chosen(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = client.get(f"/sroi/{analysis.pk}/").content.decode()
    link = f"/reports/sroi/?analysis={analysis.pk}"
    assert f'href="{link}"' in page
    form = client.get(link).content.decode()
    assert re.search(rf'<option value="{analysis.pk}"[^>]*selected', form), form
