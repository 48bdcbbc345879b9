"""A provider builds a wellbeing survey; a participant answers the baseline on the public link on a
375 px phone, by keyboard, without signing in; staff enter the follow-up from paper; the valued
result becomes an evidence record. axe finds nothing on any page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_build_answer_enter_and_record_as_evidence(page, browser, live_server):
    from django.apps import apps

    from socialvalue.web.measures.shipped import load_all
    from socialvalue.web.planning.models import Activity
    from socialvalue.web.surveys.models import Response, Survey
    from tests.web.surveys.factories import respond

    load_all(apps)  # browser tests empty the database between tests; the WELLBY measure comes back
    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    lead = UserFactory(email="lead@example.org")
    MembershipFactory(user=lead, organisation=organisation, role="admin")
    Activity.objects.create(organisation=organisation, name="Community befriending")

    page.goto("/surveys/new/")
    page.check_accessibility()  # the sign-in page first
    page.get_by_label("Email address").fill("lead@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Build a survey", level=1).wait_for()
    page.check_accessibility()
    page.get_by_label("Title").fill("Befriending wellbeing")
    page.get_by_label("Deadweight").fill("0.3")
    page.get_by_label("Attribution").fill("0.2")
    page.get_by_label("Community befriending").check()
    page.get_by_role("button", name="Build the survey").click()
    page.get_by_role("heading", name="Befriending wellbeing", level=1).wait_for()
    page.check_accessibility()
    survey = Survey.objects.get()
    # Five earlier pairs, so the result is shown rather than suppressed.
    for i, (b, f) in enumerate([(4, 6), (5, 6), (3, 5), (6, 6), (5, 7)]):
        respond(survey, f"P0{i}", "baseline", {"life_satisfaction": b}, on=dt.date(2025, 1, 5))
        respond(survey, f"P0{i}", "follow_up", {"life_satisfaction": f}, on=dt.date(2025, 7, 5))

    # The participant, on a phone, signed in to nothing, by keyboard alone.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 800})
    participant = CheckedPage(phone.new_page())
    participant.goto(page.get_by_text("/s/").inner_text())
    participant.get_by_role("heading", name="Befriending wellbeing", level=1).wait_for()
    expect(participant.get_by_text("Your consent")).to_be_visible()
    participant.check_accessibility()
    assert participant.evaluate("document.documentElement.scrollWidth") <= 375
    participant.get_by_label("Participant code").focus()
    participant.keyboard.type("P06")
    participant.keyboard.press("Tab")
    participant.keyboard.press("Space")  # the first wave: baseline
    participant.get_by_role(
        "group", name="Overall, how satisfied are you with your life"
    ).get_by_label("4", exact=True).focus()
    participant.keyboard.press("Space")
    participant.get_by_role("button", name="Send my answers").focus()
    participant.keyboard.press("Enter")
    participant.get_by_role("heading", name="Thank you").wait_for()
    participant.check_accessibility()
    assert [c for c in participant.loaded if c not in participant.checked] == []
    phone.close()
    saved = Response.objects.get(participant="P06")
    assert (saved.wave, saved.source) == ("baseline", "public")

    # Staff enter the follow-up from paper.
    page.get_by_role("link", name="Enter paper answers").click()
    page.get_by_role("heading", name="Enter paper answers").wait_for()
    page.check_accessibility()
    page.get_by_label("Participant code").fill("P06")
    page.get_by_label("Later time (follow-up)").check()
    page.get_by_label("Date answered").fill("2025-07-06")
    page.get_by_role("group", name="Overall, how satisfied are you with your life").get_by_label(
        "6", exact=True
    ).check()
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_role("heading", name="Befriending wellbeing", level=1).wait_for()
    page.check_accessibility()
    expect(page.locator("#wellby-value")).to_contain_text("WELLBYs")

    # The valued result becomes evidence.
    page.get_by_text("Record this value as evidence").click()
    page.get_by_label("Activity the survey measured").select_option(label="Community befriending")
    page.get_by_label("Period start").fill("2025-01-01")
    page.get_by_label("Period end").fill("2025-07-31")
    page.get_by_role("button", name="Record as evidence").click()
    page.wait_for_url("**/evidence/*/")
    expect(page.get_by_text("WELLBY from ONS4 survey").first).to_be_visible()
    page.check_accessibility()

    # The home page counts it among the evidence awaiting someone else's verification.
    page.goto("/")
    page.get_by_role("heading", name="Evidence awaiting verification").wait_for()
    expect(page.get_by_text("SV-WB-01 · Community befriending").first).to_be_visible()
    page.check_accessibility()
