"""On the demo, on a 375 px phone: the pages a provider and a council use most never scroll sideways
(a wide table scrolls in a region of its own), the navigation waits behind a Menu button instead of
filling the first screen, and axe finds nothing on any page."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}

#: The elements that stick out past the screen's right edge while their parent does not, and that
#: no scrolling region holds: the culprits.
WIDEST = """() => {
  const past = (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5;
  const clipped = (e) => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  return [...document.body.querySelectorAll('*')]
    .filter((e) => past(e) && e.parentElement && !past(e.parentElement) && !clipped(e))
    .slice(0, 5)
    .map((e) => `${name(e)} in ${name(e.parentElement)} (${Math.round(e.getBoundingClientRect().right)} px)`);
}"""


def _demo() -> None:
    from django.apps import apps

    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.shipped import load_all

    load_all(apps)  # browser tests empty the database between tests; the shipped data comes back
    load_demo(password=PASSWORD)


def _sign_in(page, email: str) -> None:
    page.goto("/")
    expect(page.get_by_label("Email address")).to_be_visible()
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_visible()


def _fits(page, name: str, too_wide: list[str]) -> None:
    """Whether the page, loaded and headed, is wider than the phone (noted in `too_wide`); axe must
    find nothing on it."""
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    page.wait_for_load_state("load")
    width, screen = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    print(f"{name}: {width} px wide on a {screen} px screen")
    if width > screen:
        too_wide.append(
            f"{name} is {width} px wide on a {screen} px screen: {page.evaluate(WIDEST)}"
        )
    page.check_accessibility()


def _visit(page, url: str, name: str, too_wide: list[str]) -> None:
    page.goto(url)
    _fits(page, name, too_wide)


def _navigation_is_behind_the_menu(page, link: str) -> None:
    """The first screen of the home page shows the page, not a list of links; the Menu button
    opens and closes them."""
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    links = page.locator("#navigation")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links).to_be_hidden()
    heading = page.get_by_role("heading", level=1).first
    expect(heading).to_be_visible()
    assert heading.bounding_box()["y"] < PHONE["height"] / 2, (
        "the page starts below half the screen"
    )
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_role("link", name=link, exact=True)).to_be_visible()
    page.check_accessibility()  # with the menu open
    menu.click()
    expect(links).to_be_hidden()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_a_provider_s_pages_fit_a_phone(page):
    from socialvalue.web.analyses.models import Analysis
    from socialvalue.web.contracts.models import Contract, Return
    from socialvalue.web.engagements.models import Engagement
    from socialvalue.web.evidence.models import Evidence
    from socialvalue.web.surveys.models import Survey

    _demo()
    page.set_viewport_size(PHONE)
    too_wide: list[str] = []
    _sign_in(page, "lead@brightwater.example")
    _fits(page, "The provider's home page", too_wide)

    evidence = Evidence.objects.filter(organisation__slug="brightwater").order_by("pk").first()
    contract = Contract.objects.filter(provider__slug="brightwater").order_by("pk").first()
    reviewed = contract.returns.filter(status=Return.Status.REVIEWED).order_by("pk").first()
    analysis = Analysis.objects.filter(organisation__slug="brightwater").order_by("pk").first()
    survey = Survey.objects.filter(organisation__slug="brightwater").order_by("pk").first()
    market = Engagement.objects.get(kind=Engagement.Kind.MARKET, organisation__slug="riverside")
    pages = [
        ("/evidence/", "the evidence list"),
        (f"/evidence/{evidence.pk}/", "an evidence record"),
        ("/plan/activities/", "the activities"),
        ("/statements/", "the statements"),
        ("/sroi/", "the SROI analyses"),
        (f"/sroi/{analysis.pk}/", "an SROI analysis"),
        ("/contracts/", "the contracts list"),
        (f"/contracts/{contract.pk}/", "a contract"),
        (f"/returns/{reviewed.pk}/", "a reviewed return"),
        ("/surveys/", "the surveys"),
        (f"/surveys/{survey.pk}/", "a survey"),
        ("/reports/", "the reports"),
        ("/case-studies/", "the case studies"),
        ("/plan/", "the plan"),
        ("/measures/", "the measures"),
        ("/to-do/", "the to-do list"),
        ("/notifications/", "the notifications"),
        ("/engagements/", "the engagements"),
        (f"/engagements/{market.pk}/", "a market engagement"),
        ("/pipeline/", "the councils' pipelines"),
        ("/proposals/", "the proposals"),
        ("/search/?q=home+care", "search results"),
        ("/search/?q=volunteer&kind=evidence", "search results of one kind"),
    ]
    for url, name in pages:
        _visit(page, url, f"The provider's {name} ({url})", too_wide)
    _navigation_is_behind_the_menu(page, "Evidence")
    assert not too_wide, "pages that scroll sideways:\n" + "\n".join(too_wide)
    _sign_out(page)


def test_a_council_s_pages_fit_a_phone(page):
    from socialvalue.web.commissioning.models import Procurement
    from socialvalue.web.contracts.models import Contract, Return
    from socialvalue.web.engagements.models import Engagement

    _demo()
    page.set_viewport_size(PHONE)
    too_wide: list[str] = []
    _sign_in(page, "commissioner@riverside.example")
    _fits(page, "The council's home page", too_wide)

    awarded = (
        Procurement.objects.filter(organisation__slug="riverside", state=Procurement.State.AWARDED)
        .order_by("pk")
        .first()
    )
    contract = Contract.objects.get(provider__slug="brightwater", commissioner__slug="riverside")
    submitted = contract.returns.filter(status=Return.Status.SUBMITTED).order_by("pk").first()
    assert submitted is not None, "the demo leaves a return for the council to review"
    consultation = Engagement.objects.get(
        kind=Engagement.Kind.PRIORITIES, organisation__slug="riverside"
    )
    pages = [
        ("/portfolio/", "the portfolio"),
        (f"/portfolio/?year={submitted.year}", "the portfolio of a year with returns"),
        ("/procurements/", "the procurements"),
        (f"/procurements/{awarded.pk}/", "an awarded procurement"),
        (f"/procurements/{awarded.pk}/evaluation/", "a procurement's evaluation"),
        ("/contracts/", "the contracts list"),
        (f"/contracts/{contract.pk}/", "a contract"),
        (f"/returns/{submitted.pk}/", "a return to review"),
        ("/charter/", "the charter"),
        ("/to-do/", "the to-do list"),
        ("/pipeline/", "the pipeline"),
        ("/engagements/", "the engagements"),
        (f"/engagements/{consultation.pk}/", "a consultation"),
        (f"/engagements/{consultation.pk}/results/", "a consultation's results"),
        ("/proposals/", "the proposals received"),
        # Last: the annual evaluation below starts from its link here.
        ("/reports/", "the reports"),
    ]
    for url, name in pages:
        _visit(page, url, f"The council's {name} ({url})", too_wide)

    # The annual evaluation, run and read on screen.
    page.get_by_role("link", name="Annual social value evaluation", exact=True).click()
    expect(
        page.get_by_role("heading", name="Annual social value evaluation", level=1)
    ).to_be_visible()
    _fits(page, "The council's annual evaluation form", too_wide)
    page.get_by_role("button", name="Run report").click()
    expect(page.get_by_role("heading", name="Download this report")).to_be_visible()
    _fits(page, "The council's annual evaluation, run", too_wide)
    page.screenshot_as("small-screen-annual-evaluation")
    _navigation_is_behind_the_menu(page, "Portfolio")
    assert not too_wide, "pages that scroll sideways:\n" + "\n".join(too_wide)
    _sign_out(page)


def test_the_public_pages_fit_a_phone(page):
    """Signed out: a council's public pipeline and its consultation's public link, plain and easy
    read."""
    from socialvalue.web.engagements.models import Engagement

    _demo()
    page.set_viewport_size(PHONE)
    too_wide: list[str] = []
    consultation = Engagement.objects.get(
        kind=Engagement.Kind.PRIORITIES, organisation__slug="riverside"
    )
    pages = [
        ("/councils/riverside/pipeline/", "Riverside's public pipeline"),
        (f"/c/{consultation.public_token}/", "the consultation's public page"),
        (f"/c/{consultation.public_token}/easy-read/", "the consultation in easy read"),
    ]
    for url, name in pages:
        _visit(page, url, f"{name} ({url})", too_wide)
    assert not too_wide, "pages that scroll sideways:\n" + "\n".join(too_wide)
