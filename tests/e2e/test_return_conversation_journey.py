"""A provider submits a return; the council sees it in its to-do list and by email, queries a line;
the provider answers in the line's conversation and resubmits that line alone; the council
accepts it, and both to-do lists are empty."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email: str) -> None:
    page.goto("/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="To do").wait_for()
    page.check_accessibility()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_query_answered_in_the_thread_and_the_line_resubmitted(page, smtp_sink):
    from socialvalue.web.contracts.services import CommitmentSpec, create_contract
    from tests.web.contracts.factories import measures, parties

    p = parties()
    fiscal, economic = measures()
    today = timezone.localdate()
    contract = create_contract(
        commissioner=p.council,
        provider=p.provider,
        title="Home care east",
        value=Decimal(100000),
        start_date=today - dt.timedelta(days=90),
        end_date=today - dt.timedelta(days=1),
        reporting_frequency="annual",
        commitments=[
            CommitmentSpec(measure=fiscal, target_quantity=Decimal(4)),
            CommitmentSpec(measure=economic, target_quantity=Decimal(6)),
        ],
    )
    due = contract.returns.get()

    # The provider's to-do list sends it to the overdue return; it fills it in and submits it.
    _sign_in(page, p.provider_lead.email)
    item = page.locator("#todo-items").get_by_role("link", name="Return for Home care east")
    expect(page.locator("#todo-items")).to_contain_text("Overdue")
    item.click()
    page.get_by_role("heading", name="Home care east").or_(
        page.get_by_role("link", name="Fill in this return")
    ).first.wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Fill in this return").click()
    page.check_accessibility()
    quantities = page.locator("input[name^=quantity_]")
    quantities.nth(0).fill("2")
    quantities.nth(1).fill("3")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your return before you submit it").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Submit the return").click()
    page.get_by_text("Return submitted").wait_for()
    page.check_accessibility()
    _sign_out(page)

    # The council was emailed (through a real SMTP server), and its to-do list has the return.
    assert [m["To"] for m in smtp_sink.messages] == [p.commissioner.email]
    assert f"/returns/{due.pk}/" in smtp_sink.text(smtp_sink.messages[0])
    _sign_in(page, p.commissioner.email)
    expect(page.locator("#todo-items")).to_contain_text("Verify Bright Care’s return")
    expect(page.locator("#navigation")).to_contain_text("To do (1)")
    page.locator("#todo-items").get_by_role("link", name="Verify Bright Care").click()
    page.get_by_role("button", name="Save decisions").wait_for()
    page.check_accessibility()
    page.locator("select[name^=decision_]").nth(0).select_option("queried")
    page.locator("textarea[name^=reason_]").nth(0).fill("Which hospital were they kept out of?")
    page.locator("select[name^=decision_]").nth(1).select_option("accepted")
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_text("Decisions saved").wait_for()
    page.check_accessibility()
    page.goto("/")
    expect(page.locator("#todo-empty")).to_be_visible()
    page.check_accessibility()
    _sign_out(page)

    # The provider answers in the line's conversation and resubmits that line alone.
    _sign_in(page, p.provider_lead.email)
    expect(page.locator("#todo-items")).to_contain_text("1 queried line")
    page.locator("#todo-items").get_by_role("link", name="1 queried line").click()
    page.get_by_role("link", name="Answer this query").click()
    page.get_by_role("heading", name="Conversation").wait_for()
    expect(page.get_by_text("Which hospital were they kept out of?").first).to_be_visible()
    page.check_accessibility()
    page.get_by_label("Quantity delivered").fill("4")
    page.get_by_label("Your answer to the query").fill("St Mary's: four admissions avoided.")
    page.get_by_role("button", name="Send the answer and resubmit").click()
    page.get_by_text("Answer sent and the line resubmitted").wait_for()
    expect(page.locator("#thread")).to_contain_text("St Mary's: four admissions avoided.")
    page.check_accessibility()
    page.goto("/")
    expect(page.locator("#todo-empty")).to_be_visible()
    page.check_accessibility()
    _sign_out(page)

    # The council sees the reply, accepts the line; nothing is left to do on either side.
    _sign_in(page, p.commissioner.email)
    expect(page.locator("#todo-items")).to_contain_text("answered your query")
    page.locator("#todo-items").get_by_role("link", name="answered your query").click()
    page.get_by_role("button", name="Save decisions").wait_for()
    page.check_accessibility()
    page.locator("select[name^=decision_]").nth(0).select_option("accepted")
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_text("Decisions saved").wait_for()
    page.check_accessibility()
    page.goto("/")
    expect(page.locator("#todo-empty")).to_be_visible()
    page.check_accessibility()
    _sign_out(page)
    _sign_in(page, p.provider_lead.email)
    expect(page.locator("#todo-empty")).to_be_visible()
    due.refresh_from_db()
    assert due.status == "reviewed"
    assert set(due.lines.values_list("verification", flat=True)) == {"accepted"}
