"""Help where the words are hard, and long choices made by typing: the glossary passes axe and the
SROI settings link into it; an activity's measures are found by typing, added to a list, one
removed again, and what is saved is what the list showed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email: str) -> None:
    page.goto("/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_glossary_and_choosing_measures_by_typing(page):
    from django.apps import apps

    from socialvalue.web.measures.shipped import load_all
    from socialvalue.web.planning.models import Activity
    from tests.web.analyses.factories import analysis_for

    load_all(apps)  # browser tests empty the database between tests
    organisation = OrganisationFactory(name="Brightwater Care", slug="brightwater")
    MembershipFactory(
        user=UserFactory(email="lead@brightwater.example"), organisation=organisation, role="admin"
    )
    analysis = analysis_for(organisation)

    page.goto("/glossary/")
    page.get_by_role("heading", name="Glossary", level=1).wait_for()
    expect(page.locator("#excels-npv")).to_contain_text("discounts the first value too")
    page.check_accessibility()

    _sign_in(page, "lead@brightwater.example")
    page.goto(f"/sroi/{analysis.pk}/settings/")
    page.check_accessibility()
    page.get_by_role("link", name="Glossary: Green Book schedule").click()
    page.wait_for_url("**/glossary/#green-book-schedule")
    page.check_accessibility()

    page.goto("/plan/activities/new/")
    page.check_accessibility()
    page.get_by_label("Activity", exact=True).fill("Carers' café")
    choose(page, "Measures", "carers supported", "SV-CAR-01 Unpaid carers supported")
    choose(page, "Measures", "breaks hours", "SV-CAR-02 Hours of carer breaks provided")
    choose(page, "Measures", "volunteer", "SV-VOL-01 Volunteer hours given")
    expect(page.get_by_text("Chosen (3):")).to_be_visible()
    page.check_accessibility()
    page.get_by_role("button", name="Remove SV-VOL-01 Volunteer hours given").click()
    expect(page.get_by_text("Chosen (2):")).to_be_visible()
    # Focus goes back to the box, so the next measure can be typed straight away.
    expect(page.get_by_role("combobox", name="Measures", exact=True)).to_be_focused()
    page.get_by_label("Start date").fill("2026-04-01")
    page.get_by_label("End date").fill("2027-03-31")
    page.get_by_role("button", name="Save the activity").click()
    page.get_by_role("heading", name="Carers' café").wait_for()
    page.check_accessibility()
    activity = Activity.objects.get(name="Carers' café")
    assert sorted(activity.measures.values_list("code", flat=True)) == ["SV-CAR-01", "SV-CAR-02"]
