"""An admin reads the audit trail, filters it and opens what was recorded; it passes axe, and at
375 px long unbroken values wrap instead of widening the page."""

import pytest

from socialvalue.web.audit.registry import record_event
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_audit_trail_reads_filters_and_fits_a_phone(page):
    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    admin = UserFactory(email="priya@example.org", full_name="Priya Shah")
    MembershipFactory(user=admin, organisation=organisation, role="admin")
    long_word = "x" * 280
    record_event(
        action="update",
        object_type="planning.Objective",
        object_id=1,
        object_repr=long_word,
        organisations=organisation,
        changes={"description": ["short", long_word], "title": [long_word, "A title"]},
        actor=admin,
    )

    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()
    page.check_accessibility()

    page.goto("/organisation/")
    page.get_by_label("Name").fill("Brightwater Care CIO")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    page.check_accessibility()

    page.goto("/organisation/audit/")
    page.get_by_text(
        "Priya Shah changed the organisation ‘Brightwater Care CIO’: "
        "name Brightwater Care → Brightwater Care CIO."
    ).wait_for()
    page.check_accessibility()

    page.get_by_label("Type of record").select_option(label="Objective")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_text("1 event matches the filters").wait_for()
    page.check_accessibility()

    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot_as("audit-trail-375")

    page.goto("/organisation/audit/?date_from=2026-05-01&date_to=2026-04-01")
    page.get_by_text("The end date must be the same as or after the start date.").first.wait_for()
    page.check_accessibility()
