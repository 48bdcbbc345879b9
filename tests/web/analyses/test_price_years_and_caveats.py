"""The analysis page in one price basis, and saying plainly what the figures cannot show: no range
when nothing is uncertain, no payback when the horizon does not reach it, and no switching value a
proxy could only reach by changing sign (sroi-method.md sections 6 and 7)."""

import re

import pytest

from socialvalue.core.sroi import calculate, parse_impact_map
from socialvalue.web.analyses import services
from socialvalue.web.analyses.models import Analysis
from tests.web.analyses.factories import analysis_for, small_map

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _switching_rows(html: str) -> list[str]:
    table = html.split("Switching values</caption>", 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table)


def test_a_proxy_of_another_year_is_restated_on_the_page(client, demo_world):
    data = small_map()
    data["outcomes"][0]["proxy"]["price_year"] = 2019
    analysis = analysis_for(demo_world.alice_org, name="Restated", impact_map=data)
    stored = analysis.result
    restated = stored["outcomes"][0]
    assert restated["restatement_factor"] == pytest.approx(100 / 81.1085, rel=1e-12)
    assert restated["proxy_value_restated"] == pytest.approx(1300 * 100 / 81.1085, rel=1e-12)
    assert analysis.sroi_ratio == pytest.approx(
        calculate(parse_impact_map(data)).sroi_ratio, rel=1e-12
    )
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert "Figures are in 2024 prices" in page
    assert f"{analysis.sroi_ratio:.2f} : 1" in page


def test_no_uncertainty_given_instead_of_a_range(client, demo_world):
    data = small_map()
    del data["outcomes"][0]["uncertainty"]
    analysis = analysis_for(demo_world.alice_org, name="Certain", impact_map=data, draws=500)
    assert analysis.result["monte_carlo"]["uncertain_fields"] == 0
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert "No uncertainty given" in page
    assert "Ratio in 90% of Monte Carlo draws" not in page
    assert "In 90% of draws" not in page
    assert "of draws gave less than £1" not in page
    assert "Monte Carlo was asked for but no field carries a distribution" in page


def test_a_map_with_a_range_still_shows_it(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert "Ratio in 90% of Monte Carlo draws" in page
    assert "No uncertainty given" not in page


def test_payback_not_reached_within_the_horizon_is_said_not_printed_in_months(client, demo_world):
    data = small_map()
    data["inputs"][0]["value"] = 100000
    analysis = analysis_for(demo_world.alice_org, name="Slow", impact_map=data)
    result = analysis.result
    assert result["payback_within_horizon"] is False
    assert result["payback_months"] is not None
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert "not paid back within the 2-year horizon" in page
    assert "months." not in page.split("not paid back")[0].rsplit("<p", 1)[-1]
    assert f"paid back in {result['payback_months']:.1f} months" not in page


def test_payback_within_the_horizon_keeps_the_months(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = _text(client.get(f"/sroi/{analysis.pk}/"))
    assert f"paid back in {analysis.result['payback_months']:.1f} months" in page


def test_switching_values_leave_out_proxies_that_would_have_to_change_sign(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    result = services.result_of(analysis)
    gp_proxy = next(
        s
        for s in result.switching
        if s.outcome == "fewer-gp-visits" and s.parameter == "proxy_value"
    )
    # The other outcome alone more than covers the investment: the GP proxy would have to be
    # negative for the ratio to fall to 1 : 1. The engine gives it (proxies may be any real).
    assert gp_proxy.value is not None and gp_proxy.value < 0
    client.force_login(demo_world.viewer)
    rows = _switching_rows(client.get(f"/sroi/{analysis.pk}/").content.decode())
    assert rows
    assert not any("Fewer GP visits" in row and "Financial proxy" in row for row in rows)
    assert not any("-£" in row or "&minus;£" in row for row in rows)
    assert any("Less lonely" in row and "Financial proxy" in row for row in rows)


def test_a_stored_map_the_deflator_series_does_not_cover_says_so(client, demo_world):
    analysis = analysis_for(demo_world.alice_org, name="Old year")
    data = dict(analysis.impact_map)
    data["price_year"] = 2031  # saved before the rule; the engine now refuses it
    Analysis.objects.filter(pk=analysis.pk).update(impact_map=data, result=None)
    client.force_login(demo_world.viewer)
    response = client.get(f"/sroi/{analysis.pk}/")
    assert response.status_code == 200
    assert "price_year: 2031 is outside the deflator series 1990-2024" in _text(response)


def test_settings_refuse_a_price_year_outside_the_series(client, demo_world):
    analysis = analysis_for(demo_world.alice_org)
    client.force_login(demo_world.editor)
    response = client.post(
        f"/sroi/{analysis.pk}/settings/",
        {
            "name": analysis.name,
            "currency": "GBP",
            "price_year": "2030",
            "rate_kind": "constant",
            "rate": "3.5",
            "convention": "end",
            "draws": "1000",
            "seed": "3",
        },
    )
    assert response.status_code == 200
    assert "2030 is outside the deflator series 1990-2024" in _text(response)
    analysis.refresh_from_db()
    assert analysis.impact_map["price_year"] == 2024
