"""Early engagement in the browser, axe on every page.

A council creates a consultation on its charter's priorities and opens it; a person with the link
ranks them on a 375 px phone, by keyboard alone, without signing in; the council sees the
aggregated ranks (Borda) and carries the result into its charter as evidence. Then a market
engagement on a draft procurement: two providers answer, the council closes it, publishes what it
heard and did, links an answer to a new outcome of the procurement and publishes the procurement;
a provider reading the published notice sees where that outcome came from."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CheckedPage
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}


def _sign_in(page, email):
    page.goto("/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).first.wait_for()
    page.check_accessibility()


def _provider(browser, live_server, name, slug, email):
    organisation = OrganisationFactory(name=name, slug=slug)
    MembershipFactory(user=UserFactory(email=email), organisation=organisation, role="editor")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = CheckedPage(context.new_page())
    _sign_in(page, email)
    return context, page


def _all_checked(page):
    assert [u for u in page.loaded if u not in page.checked] == []


def test_consultation_and_market_engagement(page, browser, live_server):
    from django.apps import apps

    from socialvalue.web.commissioning.models import Priority, Procurement
    from socialvalue.web.engagements import services
    from socialvalue.web.engagements.models import Engagement, Response
    from socialvalue.web.measures.shipped import load_all
    from tests.web.commissioning.factories import charter, procurement

    load_all(apps)
    council = OrganisationFactory(name="Riverside Borough Council", slug="riverside")
    MembershipFactory(
        user=UserFactory(email="buyer@example.org"), organisation=council, role="admin"
    )
    book = charter(council)
    for rank, title in ((2, "Tackling loneliness"), (3, "Cleaner air")):
        Priority.objects.create(organisation=council, charter=book, rank=rank, title=title)
    draft = procurement(council)
    closes = (dt.date.today() + dt.timedelta(days=21)).isoformat()

    # The council drafts a consultation on its priorities and opens it.
    _sign_in(page, "buyer@example.org")
    page.get_by_role("link", name="Engagements", exact=True).click()
    page.get_by_role("heading", name="Early engagement").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Start an engagement").click()
    page.check_accessibility()
    page.get_by_label("Consultation on local priorities").check()
    page.get_by_label("Title").fill("What matters most in Riverside")
    page.get_by_label("Purpose").fill("Tell us which of our priorities matter most to you.")
    page.get_by_label("Closing date").fill(closes)
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("heading", name="What matters most in Riverside").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Open the consultation").click()
    page.get_by_text("The consultation is open: share its public link.").wait_for()
    page.check_accessibility()
    link = page.locator("#public-link").inner_text()
    consultation = Engagement.objects.get(kind=Engagement.Kind.PRIORITIES)
    assert link.endswith(f"/c/{consultation.public_token}/")

    # A person with the link, on a phone, by keyboard alone, signed in to nothing.
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    person = CheckedPage(phone.new_page())
    person.goto(link)
    person.get_by_role("heading", name="What matters most in Riverside", level=1).wait_for()
    person.check_accessibility()
    assert person.evaluate("document.documentElement.scrollWidth") <= 375
    person.screenshot_as("engagement-public-consultation-375")
    person.get_by_role("link", name="Easy-read version").click()
    person.get_by_role("heading", name="What matters most in Riverside", level=1).wait_for()
    person.check_accessibility()
    assert person.evaluate("document.documentElement.scrollWidth") <= 375
    person.screenshot_as("engagement-public-consultation-easy-read-375")
    person.get_by_role("link", name="Standard version").click()
    person.get_by_role("heading", name="What matters most in Riverside", level=1).wait_for()
    person.check_accessibility()
    person.get_by_label("Good local jobs").focus()
    person.keyboard.type("2")
    person.keyboard.press("Tab")
    person.keyboard.type("1")
    person.keyboard.press("Tab")
    person.keyboard.type("3")
    person.keyboard.press("Tab")
    expect(person.get_by_label("Your comment (optional)")).to_be_focused()
    person.keyboard.type("Loneliness first, please.")
    person.get_by_label("A carer").focus()
    person.keyboard.press("Space")
    assert person.evaluate("document.documentElement.scrollWidth") <= 375
    person.wait_for_timeout(services.MIN_SECONDS_TO_ANSWER * 1000 + 300)
    person.get_by_role("button", name="Send my answer").focus()
    person.keyboard.press("Enter")
    person.get_by_role("heading", name="Thank you").wait_for()
    person.check_accessibility()
    _all_checked(person)
    phone.close()
    answer = Response.objects.get(engagement=consultation)
    ranks = {r.priority.title: r.rank for r in answer.ranks.select_related("priority")}
    assert ranks == {"Good local jobs": 2, "Tackling loneliness": 1, "Cleaner air": 3}
    assert (answer.respondent, answer.name, answer.email) == ("carer", "", "")
    # Two more people answered at a drop-in session.
    priorities = {p.title: p.pk for p in consultation.priorities.all()}
    for order in (("Tackling loneliness", "Cleaner air"), ("Tackling loneliness",)):
        services.record_response(
            engagement=consultation,
            actor=None,
            answer=services.Answer(ranks={priorities[t]: i + 1 for i, t in enumerate(order)}),
        )

    # The council closes it, reads the aggregated ranks and carries them into the charter.
    page.reload()
    page.check_accessibility()
    page.get_by_role("button", name="Close the consultation").click()
    page.get_by_text("The engagement is closed").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Results: aggregated ranks").click()
    page.get_by_role("heading", name="Aggregated ranks").wait_for()
    page.check_accessibility()
    first_row = page.locator("table[aria-labelledby='ranks-heading'] tbody tr").first
    expect(first_row).to_contain_text("Tackling loneliness")
    expect(page.locator("#rule")).to_contain_text("Borda count")
    expect(page.get_by_text("A carer").first).to_be_visible()
    page.screenshot_as("engagement-results")
    page.get_by_role("link", name="Carry into the charter as evidence").click()
    page.get_by_role("heading", name="Carry the result into the charter?").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Carry into the charter as evidence").click()
    page.get_by_text("The consultation's result is the evidence of 3 priorities").wait_for()
    page.check_accessibility()
    expect(
        page.get_by_text("Consultation “What matters most in Riverside”, 3 responses").first
    ).to_be_visible()

    # A market engagement on the draft procurement, with one question.
    page.goto("/engagements/new/")
    page.check_accessibility()
    page.get_by_label("Preliminary market engagement").check()
    page.get_by_label("Title").fill("Homecare market engagement")
    page.get_by_label("Purpose").fill("Shape the homecare tender with providers.")
    page.get_by_label("Closing date").fill(closes)
    page.get_by_label("Draft procurement it is about").select_option(label=draft.title)
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("heading", name="Homecare market engagement").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Ask a question").click()
    page.check_accessibility()
    page.get_by_label("Question", exact=True).fill("What outcome should we ask for?")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_text("Question added.").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Open the engagement").click()
    page.get_by_text("The engagement is open").wait_for()
    page.check_accessibility()
    market = Engagement.objects.get(kind=Engagement.Kind.MARKET)

    # Two providers answer.
    providers = []
    for name, slug, email, said in (
        ("Brook Care", "brook", "brook@example.org", "Carers paid the real living wage"),
        ("Fern Support", "fern", "fern@example.org", "Visits of at least 30 minutes"),
    ):
        context, provider = _provider(browser, live_server, name, slug, email)
        provider.goto(f"/engagements/{market.id}/")
        provider.check_accessibility()
        provider.get_by_role("link", name="Answer", exact=True).click()
        provider.check_accessibility()
        provider.get_by_label("What outcome should we ask for? (optional)").fill(said)
        provider.get_by_role("button", name="Send your answer").click()
        provider.get_by_text("Your answer was sent to Riverside Borough Council.").wait_for()
        provider.check_accessibility()
        providers.append((context, provider))
    assert market.responses.count() == 2

    # The council closes it, publishes what it heard and did, and links an answer to an outcome.
    page.goto(f"/engagements/{market.id}/")
    page.check_accessibility()
    page.get_by_role("button", name="Close the engagement").click()
    page.get_by_text("The engagement is closed").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Publish what we heard and what we did").click()
    page.check_accessibility()
    page.get_by_label("What we heard").fill("Providers want carers paid the real living wage.")
    page.get_by_label("What we did").fill("The tender asks for it as an outcome.")
    page.get_by_role("button", name="Publish the summary").click()
    page.get_by_text("is published").wait_for()
    page.check_accessibility()
    page.get_by_role("link", name="Link to an outcome (answer of Brook Care)").click()
    page.check_accessibility()
    page.get_by_label("Or add a new outcome to this draft procurement").select_option(
        label=draft.title
    )
    page.get_by_label("New outcome title").fill("Carers paid the real living wage")
    page.get_by_role("button", name="Link the outcome").click()
    page.get_by_text("now shows it came from this engagement").wait_for()
    page.check_accessibility()
    page.screenshot_as("engagement-market-answers")

    # The council publishes the procurement.
    page.goto(f"/procurements/{draft.id}/")
    page.check_accessibility()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: registered providers can now bid.").wait_for()
    page.check_accessibility()
    draft.refresh_from_db()
    assert draft.state == Procurement.State.PUBLISHED

    # A provider reads the notice: the outcome says it came from market engagement.
    context, provider = providers[1]
    provider.goto(f"/procurements/{draft.id}/")
    provider.check_accessibility()
    expect(provider.get_by_text("This outcome came from market engagement").first).to_be_visible()
    provider.goto(f"/engagements/{market.id}/")
    provider.check_accessibility()
    expect(provider.get_by_text("The tender asks for it as an outcome.")).to_be_visible()
    for context, other in providers:
        _all_checked(other)
        context.close()
