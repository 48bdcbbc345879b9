"""A provider's lead builds a small SROI: start it, add a stakeholder, an input and an outcome,
see the ratio, change a cell and watch the ratio follow without a reload; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _add_row(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_lead_builds_a_small_sroi(page):
    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    MembershipFactory(
        user=UserFactory(email="lead@brightwater.example"),
        organisation=organisation,
        role="admin",
        champion=True,
    )

    page.goto("/sroi/")
    page.check_accessibility()
    page.get_by_label("Email address").fill("lead@brightwater.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="SROI analyses", level=1).wait_for()
    expect(page.get_by_text("There are no analyses yet.")).to_be_visible()
    page.check_accessibility()

    page.get_by_role("link", name="Start an analysis").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start the analysis").click()
    page.get_by_role("link", name="Enter a name for the analysis").wait_for()
    page.check_accessibility()
    page.get_by_label("Name", exact=True).fill("Lunch club")
    page.get_by_label("Period of activity").fill("2025 to 2026")
    page.get_by_role("button", name="Start the analysis").click()
    page.get_by_role("heading", name="Impact map: Lunch club").wait_for()
    expect(page.get_by_text("Not calculated yet. Add at least one input.")).to_be_visible()
    page.check_accessibility()

    page.get_by_label("Stakeholder, new stakeholder").fill("Members")
    page.get_by_label("How they are involved or affected, new stakeholder").fill("Come to lunch")
    _add_row(page, "Add this stakeholder")

    page.get_by_label("Stakeholder, new input").select_option("Members")
    page.get_by_label("Description, new input").fill("Subscriptions")
    page.get_by_label("Value (£), new input").fill("1,000")
    _add_row(page, "Add this input")

    for label, value in [
        ("Quantity", "10"),
        ("Proxy (£)", "300"),
        ("Years", "1"),
        ("Deadweight (%)", "20"),
        ("Displacement (%)", "0"),
        ("Attribution (%)", "0"),
        ("Drop-off (%)", "0"),
    ]:
        page.get_by_label(f"{label}, new outcome").fill(value)
    page.get_by_label("Outcome, new outcome").fill("Eat better")
    page.get_by_label("Stakeholder, new outcome").select_option("Members")
    _add_row(page, "Add this outcome")
    # 10 x £300 less 20 % deadweight, discounted a year at 3.5 %, over £1,000 invested.
    assert page.locator("#figure-ratio").inner_text() == "2.32 : 1"

    # Live recalculation: leave a changed cell of a saved row and the ratio follows, no reload.
    loads = len(page.loaded)
    quantity = page.get_by_label("Quantity, Eat better")
    quantity.fill("20")
    quantity.press("Tab")
    page.wait_for_function(
        "() => document.querySelector('#figure-ratio').textContent.trim() === '4.64 : 1'"
    )
    assert len(page.loaded) == loads
    assert page.evaluate("document.activeElement.id") == "id_outcomes-0-proxy_value"
    page.check_accessibility()

    # A bad value is shown at its cell and nothing changes.
    deadweight = page.get_by_label("Deadweight (%), Eat better")
    deadweight.fill("150")
    deadweight.press("Tab")
    page.get_by_text("Row 1, Deadweight (%): Enter a percentage from 0 to 100").wait_for()
    assert page.locator("#figure-ratio").inner_text() == "4.64 : 1"
    page.check_accessibility()
    page.screenshot_as("sroi-map-error")

    page.get_by_role("link", name="Back to the results").click()
    page.get_by_role("heading", name="Lunch club", level=1).wait_for()
    expect(page.get_by_text("Every £1 invested creates £4.64 of social value")).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("sroi-results")


def test_demo_forecast_against_its_evaluation_and_the_download(page, tmp_path):
    import openpyxl

    from socialvalue.reports.formatting import money, ratio
    from socialvalue.web.analyses.demo import load_demo_analyses

    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    MembershipFactory(
        user=UserFactory(email="lead@brightwater.example"), organisation=organisation, role="admin"
    )
    load_demo_analyses()

    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_label("Email address").fill("lead@brightwater.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Brightwater Care", level=1).wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="SROI", exact=True).click()
    page.check_accessibility()

    page.get_by_role("link", name="Community meals for older people").first.click()
    page.get_by_role("heading", name="Community meals for older people", level=1).wait_for()
    chart = page.get_by_role("img", name="Tornado chart")
    assert chart.get_attribute("alt").startswith("Tornado chart: What moves the result most")
    expect(page.get_by_role("table", name="The figures behind the chart")).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("sroi-demo-results")

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("heading", name="Settings", level=1).wait_for()
    page.check_accessibility()
    page.go_back()
    page.check_accessibility()

    page.get_by_role("link", name="Edit the impact map").click()
    page.get_by_role("link", name="Details and ranges of Less lonely and more connected").click()
    page.get_by_role("heading", name="Change an outcome").wait_for()
    assert page.get_by_label("Proxy value (£): low").input_value() == "2000"
    page.check_accessibility()
    page.go_back()
    page.check_accessibility()
    page.get_by_role("link", name="Back to the results").click()
    page.check_accessibility()

    page.get_by_role("link", name="Compare the forecast and the evaluation").click()
    page.get_by_role("heading", name="Forecast and evaluation side by side").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Community meals for older people (evaluative)").click()
    page.get_by_role("heading", name="Community meals for older people", level=1).wait_for()
    page.check_accessibility()
    on_screen = page.locator("#figure-ratio").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Results (Excel)").click()
    saved = tmp_path / download.value.suggested_filename
    assert saved.name == "community-meals-for-older-people-evaluative-results.xlsx"
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    figures = {row[0]: row[1] for row in workbook["Results"].iter_rows(values_only=True)}
    assert ratio(figures["SROI ratio"]) == on_screen
    expect(page.get_by_text(money(figures["Present value"])).first).to_be_visible()

    page.goto("/sroi/upload/")
    page.check_accessibility()
    page.get_by_label("Impact map file").set_input_files(
        {"name": "map.yaml", "mimeType": "text/yaml", "buffer": b"title: Broken\ninputs: []\n"}
    )
    page.get_by_role("button", name="Upload and calculate").click()
    expect(page.get_by_text("map.yaml has 2 problems").first).to_be_visible()
    expect(page.get_by_text("at least one outcome is required")).to_be_visible()
    page.check_accessibility()
