"""On the demo: Brightwater's social value lead plans, writes and publishes a statement, and exports it to Word.

Each part of the provider's journey is its own test function on the same demo; evidence, case
studies and SROI analyses have theirs in this file or their own journey files.
"""

import datetime as dt
import io

import docx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _demo() -> None:
    from django.apps import apps

    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.shipped import load_all

    load_all(
        apps
    )  # browser tests empty the database between tests; the shipped data comes back here
    load_demo(password=PASSWORD)


def _sign_in(page) -> None:
    page.goto("/")
    page.check_accessibility()
    page.get_by_label("Email address").fill("lead@brightwater.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Brightwater Care", level=1).wait_for()
    page.check_accessibility()


def test_dashboard_then_plan_an_objective_and_an_activity(page):
    _demo()
    _sign_in(page)
    expect(page.get_by_text("Value by theme and quarter").first).to_be_visible()
    expect(page.get_by_role("heading", name="Evidence awaiting verification")).to_be_visible()
    page.get_by_text("Show the data: Value by theme").first.click()
    page.check_accessibility()
    page.screenshot_as("provider-dashboard")

    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_role("heading", name="Objectives", level=1).wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Add an objective").click()
    page.check_accessibility()
    page.get_by_role("button", name="Save the objective").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.check_accessibility()
    page.get_by_label("Objective", exact=True).fill("Support unpaid carers to keep caring")
    page.get_by_label("Reference").fill("BP5")
    page.get_by_label("Target date").fill("2027-03-31")
    page.get_by_role("button", name="Save the objective").click()
    page.get_by_role("heading", name="Support unpaid carers to keep caring").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Add an activity for this objective").click()
    page.check_accessibility()
    page.get_by_label("Activity", exact=True).fill("Carers' café")
    page.get_by_label("Team").fill("Community services")
    page.get_by_label("Area").fill("Eastbank")
    choose(page, "Measures", "unpaid carers", "SV-CAR-01 Unpaid carers supported")
    expect(
        page.get_by_role("button", name="Remove SV-CAR-01 Unpaid carers supported")
    ).to_be_visible()
    page.get_by_label("Start date").fill("2026-04-01")
    page.get_by_label("End date").fill("2026-01-01")
    page.get_by_role("button", name="Save the activity").click()
    expect(
        page.get_by_text("The end date must be on or after the start date.").first
    ).to_be_visible()
    page.check_accessibility()
    page.get_by_label("End date").fill("2027-03-31")
    page.get_by_role("button", name="Save the activity").click()
    page.get_by_role("heading", name="Carers' café").wait_for()
    expect(
        page.get_by_role("link", name="BP5 Support unpaid carers to keep caring")
    ).to_be_visible()
    page.check_accessibility()

    page.goto("/plan/activities/?team=Community+services")
    page.check_accessibility()
    expect(page.get_by_role("link", name="Carers' café")).to_be_visible()
    expect(page.get_by_role("link", name="Community befriending")).to_be_visible()
    expect(page.get_by_role("link", name="Care apprenticeships")).not_to_be_visible()


def test_write_publish_and_export_a_statement(page):
    _demo()
    _sign_in(page)
    page.get_by_role("link", name="Statement", exact=True).click()
    page.get_by_role("heading", name="Social value statement", level=1).wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Brightwater Care social value statement 2025 to 2026").click()
    page.get_by_text("has changes that are not published yet").wait_for()
    page.check_accessibility()
    page.screenshot_as("statement-builder")

    page.get_by_role("link", name="Mission and principles").click()
    page.check_accessibility()
    page.get_by_label("Mission", exact=True).fill(
        "Brightwater Care helps older and disabled people in Riverside live well at home, "
        "and puts every pound back into care."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved mission and principles.").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Commitments").click()
    page.check_accessibility()
    page.get_by_role("link", name="Add a commitment").click()
    page.check_accessibility()
    page.get_by_label("Commitment", exact=True).fill("We will support unpaid carers")
    page.get_by_label("Target").fill("300 carers supported a year")
    choose(page, "Measures", "carer breaks", "SV-CAR-02 Hours of carer breaks provided")
    page.get_by_role("button", name="Save the commitment").click()
    page.get_by_text("Added the commitment.").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Return to the statement's sections").click()
    page.get_by_role("link", name="Preview the draft").click()
    page.get_by_role("heading", name="We will support unpaid carers").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Back to the statement").click()
    page.get_by_role("link", name="Publish a new version").click()
    expect(page.get_by_text("Added: We will support unpaid carers.")).to_be_visible()
    expect(
        page.get_by_text("Added: We will halve the carbon of our home care rounds.")
    ).to_be_visible()
    page.check_accessibility()
    page.get_by_label("What changed and why (optional)").fill("Carers and carbon added.")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role(
        "heading", name="Brightwater Care social value statement 2025 to 2026"
    ).wait_for()
    expect(page.get_by_text("Published version 2")).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("statement-version-2")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Word (.docx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("version-2.docx")
    document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "puts every pound back into care" in text
    assert "We will support unpaid carers" in text and "300 carers supported a year" in text
    assert "Version 2" in text

    page.goto(page.url.split("/versions/")[0] + "/history/")
    expect(page.get_by_text("Carers and carbon added.")).to_be_visible()
    page.check_accessibility()

    page.goto(page.url.replace("/history/", "/"))
    page.get_by_role("button", name="Switch on a public link").click()
    page.get_by_text("Anyone with the public link can now read").wait_for()
    page.check_accessibility()
    public_url = page.locator(".sv-code a").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()
    page.goto(public_url)
    page.get_by_role("heading", name="We will support unpaid carers").wait_for()
    page.check_accessibility()
    assert dt.date.today().strftime("%B %Y") in page.content()
