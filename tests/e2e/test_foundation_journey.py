"""A member signs in, switches organisation, looks at settings and signs out; axe finds nothing on any page."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_organisation_and_sign_out(page):
    first = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    second = OrganisationFactory(
        name="Oakways Support", slug="oakways", organisation_type="social_enterprise"
    )
    user = UserFactory(email="adviser@example.org")
    MembershipFactory(user=user, organisation=first, role="admin", champion=True)
    MembershipFactory(user=user, organisation=second, role="viewer")

    page.goto("/")
    page.check_accessibility()  # visitors are asked to sign in at the home address
    page.get_by_label("Email address").fill("adviser@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("The email address or password is not right.").first.wait_for()
    page.check_accessibility()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Brightwater Care"
    page.check_accessibility()
    page.screenshot_as("home")

    page.get_by_label("Organisation", exact=True).select_option(label="Oakways Support")
    page.wait_for_url("**/")
    page.get_by_role("heading", name="Oakways Support", level=1).wait_for()
    expect(page.get_by_text("You are now working in Oakways Support")).to_be_visible()
    page.check_accessibility()

    page.get_by_role("link", name="Organisation", exact=True).click()
    page.get_by_text("Only an organisation admin can change these settings.").wait_for()
    page.check_accessibility()

    page.get_by_role("link", name="Members").click()
    page.check_accessibility()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    page.check_accessibility()
