"""A council sets its charter, is refused publishing a procurement without an outcome, fixes it,
publishes, enters three bids with moderated scores, closes bidding (confirmed), evaluates, awards
the contract (confirmed) and enters it once the standstill is over."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BIDS = [
    ("Brightcare", "950000", "SV-EMP-02", "3", ("4", "4", "4")),
    ("Carewell", "900000", "SV-HSC-02", "10", ("3", "3", "3")),
    ("Homeside", "1000000", "SV-EMP-02", "5", ("5", "4", "5")),
]


def _sign_in(page, email):
    page.goto("/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).first.wait_for()


def test_charter_procurement_bids_evaluation_and_award(page, monkeypatch):
    from django.apps import apps

    from socialvalue.web.measures.models import Measure
    from socialvalue.web.measures.shipped import load_all

    load_all(apps)
    council = OrganisationFactory(
        name="Riverside Borough Council",
        slug="riverside",
        kind="commissioner",
        organisation_type="local_authority",
    )
    MembershipFactory(
        user=UserFactory(email="buyer@example.org"), organisation=council, role="admin"
    )
    measures = {m.code: m.id for m in Measure.objects.filter(value_set__origin="built_in")}

    _sign_in(page, "buyer@example.org")
    page.check_accessibility()

    # The charter: at least 10% social value and one outcome in contracts of £100,000 or more.
    page.get_by_role("link", name="Charter", exact=True).click()
    page.check_accessibility()
    page.get_by_role("link", name="Edit the principles and rules").click()
    page.check_accessibility()
    page.get_by_label("Principles").fill("Every contract should build a fairer borough.")
    page.get_by_label("Minimum social value weighting (%)").fill("10")
    page.get_by_label("Contract value threshold (£)").fill("100000")
    page.get_by_label("Minimum social value outcomes per contract").fill("1")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Charter saved as a new version.").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Add a priority").click()
    page.check_accessibility()
    page.get_by_label("Title").fill("Good local jobs")
    page.get_by_label("Evidence", exact=True).fill(
        "Workforce review 2024: one in nine care posts vacant."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1. Good local jobs").wait_for()
    page.check_accessibility()

    # A procurement asking for no outcome is refused at publish, with the reason.
    page.get_by_role("link", name="Procurements", exact=True).click()
    page.check_accessibility()
    page.get_by_role("link", name="Draft a procurement").click()
    page.check_accessibility()
    page.get_by_label("Title").fill("Homecare in Riverside North")
    page.get_by_label("Estimated contract value (£)").fill("1000000")
    page.get_by_label("Contract start").fill("2027-04-01")
    page.get_by_label("Contract end").fill("2030-03-31")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Procurement drafted.").wait_for()
    page.check_accessibility()
    for name, weight in (("Person-centred care", "25"), ("Safeguarding", "20")):
        page.get_by_role("link", name="Add a quality criterion").click()
        page.check_accessibility()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Weight (points of 100)").fill(weight)
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"Criterion “{name}” added.").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(
        "The tender asks for 0 social value outcomes; the charter requires at least 1."
    ).first.wait_for()
    page.check_accessibility()
    page.screenshot_as("commissioning-publish-refused")

    page.get_by_role("link", name="Ask for an outcome").click()
    page.check_accessibility()
    page.get_by_label("Outcome asked for").fill("Residents moved into care work")
    choose(page, "Charter priority it serves", "local jobs", "1. Good local jobs")
    choose(page, "Measure", "NHS savings work", "SV-EMP-02")
    assert page.locator("select[name=measure]").input_value() == str(measures["SV-EMP-02"])
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Meets the charter").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: registered providers can now bid.").wait_for()
    page.check_accessibility()

    # Three bids entered by the council, each with a commitment and moderated scores.
    for bidder, price, code, quantity, scores in BIDS:
        page.get_by_role("link", name="Enter a bid").click()
        page.check_accessibility()
        page.get_by_label("Bidder", exact=True).fill(bidder)
        page.get_by_label("Price (£)").fill(price)
        page.get_by_label("Social value method statement").fill(f"{bidder} will hire locally.")
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Bid saved.").wait_for()
        page.check_accessibility()
        page.get_by_role("link", name="Add a commitment").click()
        page.check_accessibility()
        # The measure the procurement asks for is suggested first.
        page.get_by_role("combobox", name="Measure", exact=True).fill("SV")
        expect(page.get_by_role("option").first).to_contain_text("SV-EMP-02")
        choose(page, "Measure", code)
        assert page.locator("select[name=measure]").input_value() == str(measures[code])
        page.get_by_label("Quantity").fill(quantity)
        page.get_by_role("button", name="Add commitment").click()
        page.get_by_text("Commitment added.").wait_for()
        page.get_by_role("link", name="Moderate").click()
        page.check_accessibility()
        for label, score in zip(
            ("Person-centred care", "Safeguarding", "Social value method statement"),
            scores,
            strict=True,
        ):
            page.get_by_label(f"{label}: score out of 5").fill(score)
        page.get_by_role("button", name="Save moderated scores").click()
        page.get_by_text("Moderated scores saved").wait_for()
        page.check_accessibility()
        page.get_by_role("link", name="Back to the procurement").click()

    page.get_by_role("link", name="Close bidding and evaluate").click()
    page.get_by_role("heading", name="Are you sure you want to close bidding?").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Close bidding").click()
    page.get_by_text("Bidding is closed").wait_for()

    page.get_by_role("link", name="Evaluation").click()
    page.get_by_role("heading", name="Evaluation").wait_for()
    page.check_accessibility()
    page.screenshot_as("commissioning-evaluation")
    winner = page.locator("#winner").inner_text()
    assert winner in {b[0] for b in BIDS}
    assert page.locator("#scores tbody tr").count() == 3

    page.get_by_role("link", name="Award the contract").click()
    page.get_by_text(f"{winner} is ranked first and recommended").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm the award").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Confirm the award").click()
    page.get_by_text(f"Award decided: {winner}.").wait_for()
    page.check_accessibility()
    page.screenshot_as("commissioning-awarded")

    # A month on, the standstill is over and the contract is entered.
    from django.utils import timezone

    from socialvalue.web.commissioning import services

    later = timezone.now() + dt.timedelta(days=30)
    monkeypatch.setattr(services, "now", lambda: later)
    page.reload()
    page.get_by_role("link", name="Enter the contract").click()
    page.check_accessibility()
    page.get_by_role("button", name="Enter the contract").click()
    page.get_by_text(f"Contract entered with {winner}.").wait_for()
    page.check_accessibility()
    from socialvalue.web.contracts.models import Contract

    contract = Contract.objects.get()
    assert contract.provider_name == winner and contract.commitments.count() == 1
