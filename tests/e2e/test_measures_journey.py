"""An editor searches measures, opens one, imports a CSV with a bad row, sees the report, fixes it and imports."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BAD = b"code,theme,measure,unit,proxy_value,price_year\nLC-1,Jobs,Local people hired,people,1500,2023\nLC-2,Jobs,Apprentices,weeks,lots,2023\n"
GOOD = BAD.replace(b"lots", b"240")


def _upload(page, content: bytes) -> None:
    page.get_by_label("Value set file").set_input_files(
        {"name": "local.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_label("Name of the set", exact=True).fill("Local outcomes")
    page.get_by_label("Version", exact=True).fill("2025")
    page.get_by_label("Licence", exact=True).fill("Licensed to Brightwater Care")
    page.get_by_role("button", name="Check the file").click()


def test_search_open_and_import_a_value_set(page):
    from django.apps import apps

    from socialvalue.web.measures.shipped import load_all

    load_all(
        apps
    )  # browser tests empty the database between tests; the shipped data comes back here
    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    MembershipFactory(
        user=UserFactory(email="lead@example.org"), organisation=organisation, role="editor"
    )

    page.goto("/measures/")
    page.check_accessibility()
    page.get_by_label("Email address").fill("lead@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Measures", level=1).wait_for()
    page.check_accessibility()

    page.get_by_label("Search measures").fill("wellby")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    page.wait_for_url("**q=wellby**")
    page.check_accessibility()
    page.get_by_role("link", name="SV-WB-01 Life satisfaction gained by people supported").click()
    expect(page.get_by_text("2019 prices").first).to_be_visible()
    expect(page.get_by_text("Open Government Licence v3.0").first).to_be_visible()
    expect(page.get_by_text("Not used yet.")).to_be_visible()
    page.check_accessibility()

    page.goto("/value-sets/")
    page.check_accessibility()
    page.get_by_role("link", name="Import a value set").click()
    page.check_accessibility()

    _upload(page, BAD)
    page.get_by_text("There is a problem").wait_for()
    expect(page.get_by_role("cell", name='"lots" is not an amount')).to_be_visible()
    page.check_accessibility()

    _upload(page, GOOD)
    page.get_by_role("heading", name="Check before importing").wait_for()
    expect(page.get_by_role("cell", name="Apprentices")).to_be_visible()
    page.check_accessibility()

    page.get_by_role("button", name="Import 2 measures").click()
    page.get_by_role("heading", name="Local outcomes (2025)").wait_for()
    expect(page.get_by_text("Imported Local outcomes (2025): 2 measures.")).to_be_visible()
    expect(page.get_by_text("Licensed to Brightwater Care").first).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("measures-imported")
