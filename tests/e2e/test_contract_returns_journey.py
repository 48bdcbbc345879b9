"""On the demo: Brightwater submits a quarterly return with evidence, Riverside verifies it, and the portfolio shows it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(page, email: str) -> None:
    page.goto("/contracts/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Contracts", level=1).wait_for()
    page.check_accessibility()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_provider_returns_commissioner_verifies_portfolio_shows(page):
    from django.apps import apps

    from socialvalue.web.contracts.models import Contract, Return
    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.shipped import load_all

    load_all(
        apps
    )  # browser tests empty the database between tests; the shipped data comes back here
    load_demo(password=PASSWORD)
    contract = Contract.objects.get(provider__slug="brightwater", commissioner__slug="riverside")
    due = (
        contract.returns.filter(status=Return.Status.DUE, period_end__lt=timezone.localdate())
        .order_by("period_index")
        .first()
    )
    assert due is not None, "the demo leaves an ended quarter for Brightwater to report"

    # The provider fills in the overdue return, with an evidence file, and submits it.
    _sign_in(page, "lead@brightwater.example")
    page.get_by_role("link", name=contract.title).click()
    page.get_by_role("heading", name="Commitments").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name=due.period_label).click()
    page.check_accessibility()
    page.get_by_role("link", name="Fill in this return").click()
    page.check_accessibility()
    quantities = page.locator("input[name^=quantity_]")
    lines = quantities.count()
    for i in range(lines):
        quantities.nth(i).fill(str(2 + i))
    page.get_by_label("What happened this period").fill(
        "Twelve new befriending pairs this quarter."
    )
    page.get_by_label("Evidence files").set_input_files(
        {"name": "attendance-register.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Continue").click()
    # The provider checks every line before sending it, on a narrow phone screen too.
    page.get_by_role("heading", name="Check your return before you submit it").wait_for()
    expect(page.get_by_text("attendance-register.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="Change", exact=False).first).to_be_visible()
    page.check_accessibility()
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot_as("contract-return-check-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Submit the return").click()
    page.get_by_text("Return submitted").wait_for()
    expect(page.get_by_role("link", name="attendance-register.pdf")).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("contract-return-submitted")
    _sign_out(page)

    # The commissioner accepts every line but queries the last one, then the portfolio shows it.
    _sign_in(page, "commissioner@riverside.example")
    page.goto(f"/returns/{due.pk}/")
    page.check_accessibility()
    decisions = page.locator("select[name^=decision_]")
    count = decisions.count()
    assert count == lines
    page.get_by_role("button", name="Save decisions").click()
    expect(page.get_by_text("Choose a decision for at least one line").first).to_be_visible()
    page.check_accessibility()
    decisions = page.locator("select[name^=decision_]")
    for i in range(count):
        decisions.nth(i).select_option("accepted" if i < count - 1 else "queried")
    page.get_by_role("button", name="Save decisions").click()
    expect(page.get_by_text("Give the reason for the query").first).to_be_visible()
    page.check_accessibility()
    page.locator("textarea[name^=reason_]").nth(count - 1).fill("Please send the pairing log.")
    for i in range(count):
        page.locator("select[name^=decision_]").nth(i).select_option(
            "accepted" if i < count - 1 else "queried"
        )
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_text("Decisions saved").wait_for()
    expect(page.get_by_text("Please send the pairing log.")).to_be_visible()
    page.check_accessibility()

    due.refresh_from_db()
    accepted = due.lines.filter(verification="accepted")
    assert accepted.count() == count - 1
    page.goto(f"/portfolio/?year={due.year}")
    page.get_by_role("heading", name="Charter compliance").wait_for()
    page.check_accessibility()
    page.screenshot_as("contract-portfolio")
    page.get_by_role("link", name="verified: show the return lines").first.click()
    page.get_by_role("heading", name="Verified value: the return lines behind it").wait_for()
    page.check_accessibility()
    expect(
        page.get_by_role("link", name=f"{contract.title}, {due.period_label}").first
    ).to_be_visible()
