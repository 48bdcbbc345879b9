"""New organisations get in through the browser: a provider registers, a council is invited; axe on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from socialvalue.web.accounts import registration
from socialvalue.web.accounts.models import Organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "a-long-and-unusual-passphrase"


def _link(pattern: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(pattern, message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no email with {pattern}: {[m.subject for m in mail.outbox]}")


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_provider_registers_confirms_and_sees_its_first_steps(page):
    page.goto("/")
    page.check_accessibility()
    page.get_by_role("link", name="Register your organisation").click()
    page.check_accessibility()

    page.get_by_role(
        "button", name="Register"
    ).click()  # nothing filled in: every field says what to do
    expect(page.get_by_role("link", name="Enter your full name.")).to_be_visible()
    expect(page.get_by_role("link", name="Choose what kind of organisation it is.")).to_be_visible()
    page.check_accessibility()

    page.get_by_label("Your full name").fill("Nia Patel")
    page.get_by_label("Your email address").fill("nia@greenleaf.example")
    page.get_by_label("Choose a password").fill(PASSPHRASE)
    page.get_by_label("Organisation name").fill("Greenleaf Support")
    page.get_by_label("A provider of care or support services").check()
    page.get_by_label("Legal form").select_option(label="Charity")
    page.get_by_label("Areas served (optional)").fill("Northtown")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.check_accessibility()

    page.goto(_path(_link(r"http\S+/register/confirm/\S+/")))
    page.check_accessibility()
    page.get_by_role("button", name="Confirm and create the organisation").click()
    page.get_by_role("heading", name="Email address confirmed").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Sign in").last.click()
    page.check_accessibility()
    page.get_by_label("Email address").fill("nia@greenleaf.example")
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="First steps").wait_for()
    expect(page.get_by_role("link", name="Set your business-plan objectives")).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("first-steps-provider")

    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.check_accessibility()


def test_a_council_is_created_by_the_operator_and_its_admin_accepts(page, live_server, settings):
    settings.SOCIALVALUE_URL = live_server.url
    organisation, invitation, secret = registration.create_organisation(
        name="Hillside District Council",
        kind="commissioner",
        organisation_type="local_authority",
        admin_email="admin@hillside.example",
    )
    page.goto(_path(_link(r"http\S+/invitations/\S+/")))
    page.check_accessibility()
    page.get_by_label("Your name").fill("Hana Ito")
    page.get_by_label("Choose a password").fill(PASSPHRASE)
    page.get_by_role("button", name="Accept invitation").click()
    page.get_by_role("heading", name="Hillside District Council", level=1).wait_for()
    expect(
        page.get_by_role("link", name="Set your charter and rank your local priorities")
    ).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("first-steps-council")


def test_a_council_registration_waits_for_approval(page):
    registration.register(
        email="lead@eastvale.example",
        password=PASSPHRASE,
        full_name="Lee Chan",
        organisation_name="Eastvale Council",
        kind="commissioner",
        organisation_type="local_authority",
    )
    page.goto(_path(_link(r"http\S+/register/confirm/\S+/")))
    page.get_by_role("button", name="Confirm and create the organisation").click()
    page.get_by_text("waiting for approval").first.wait_for()
    page.check_accessibility()

    page.goto("/")
    page.get_by_label("Email address").fill("lead@eastvale.example")
    page.get_by_label("Password").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="You do not belong to an organisation yet").wait_for()
    expect(page.get_by_text("is waiting for a site administrator's approval")).to_be_visible()
    page.check_accessibility()

    registration.approve_organisation(
        organisation=Organisation.objects.get(name="Eastvale Council")
    )
    page.goto("/")
    page.get_by_role("heading", name="Eastvale Council", level=1).wait_for()
    page.check_accessibility()
