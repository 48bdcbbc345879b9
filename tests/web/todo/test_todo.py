"""The to-do list is derived from the data: items appear when work waits and leave when it is done."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from socialvalue.web.contracts.models import Return
from socialvalue.web.contracts.services import Decision, LineReport, save_return, verify_return
from socialvalue.web.tenancy import SESSION_KEY, Actor
from socialvalue.web.todo import services
from socialvalue.web.todo.services import Kind
from tests.factories import MembershipFactory, UserFactory, bearer
from tests.web.contracts.factories import contract_between, parties
from tests.web.evidence.factories import evidence

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 25)


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.get(period_index=0)  # 1 Apr to 30 Jun 2024
    p.colleague = UserFactory(email="second@bright.example")
    MembershipFactory(user=p.colleague, organisation=p.provider, role="editor")
    return p


def _kinds(user, today=TODAY):
    return [(i.kind, i.link) for i in services.items_for(Actor.for_user(user), today)]


def _submit(w, by=None):
    lines = [LineReport(line.commitment_id, Decimal(2)) for line in w.first.lines.all()]
    return save_return(w.first, by=by or w.provider_lead, narrative="Q1", lines=lines, submit=True)


def test_a_return_due_soon_then_overdue_then_gone_once_submitted(world):
    link = f"/returns/{world.first.pk}/"
    assert (Kind.RETURN_DUE, link) in _kinds(world.provider_lead)
    assert _kinds(world.provider_lead, dt.date(2024, 6, 1)) == []  # more than 14 days ahead
    assert (Kind.RETURN_OVERDUE, link) in _kinds(world.provider_lead, dt.date(2024, 7, 2))
    assert _kinds(world.commissioner) == []
    _submit(world)
    assert _kinds(world.provider_lead, dt.date(2024, 7, 2)) == []
    assert _kinds(world.commissioner) == [(Kind.RETURN_TO_VERIFY, link)]


def test_a_query_goes_to_the_provider_and_its_answer_back_to_the_council(world):
    link = f"/returns/{world.first.pk}/"
    _submit(world)
    fiscal, economic = world.first.lines.order_by("commitment__position")
    verify_return(
        world.first,
        by=world.commissioner,
        decisions=[
            Decision(fiscal.pk, "queried", "Which hospital?"),
            Decision(economic.pk, "accepted"),
        ],
    )
    assert _kinds(world.commissioner) == []
    assert (Kind.RETURN_QUERIED, link) in _kinds(world.provider_lead)
    save_return(
        Return.objects.get(pk=world.first.pk),
        by=world.provider_lead,
        narrative="Q1",
        lines=[LineReport(fiscal.commitment_id, Decimal(3), response="St Mary's")],
        submit=True,
    )
    assert (Kind.RETURN_QUERIED, link) not in _kinds(world.provider_lead)
    assert _kinds(world.commissioner) == [(Kind.REPLY_TO_QUERY, link)]
    verify_return(world.first, by=world.commissioner, decisions=[Decision(fiscal.pk, "accepted")])
    assert _kinds(world.commissioner) == []


def test_the_person_who_submitted_is_not_sent_to_verify_it(world):
    both = UserFactory(email="both@riverbank.example")
    MembershipFactory(user=both, organisation=world.council, role="editor")
    MembershipFactory(user=both, organisation=world.provider, role="editor")
    _submit(world, by=both)
    assert Kind.RETURN_TO_VERIFY not in [k for k, _ in _kinds(both)]
    assert Kind.RETURN_TO_VERIFY in [k for k, _ in _kinds(world.commissioner)]


def test_evidence_to_verify_is_someone_elses_and_a_viewer_has_nothing_to_do(world):
    evidence(world.provider, recorded_by=world.provider_lead)
    evidence_items = lambda user: [k for k, _ in _kinds(user) if k == Kind.EVIDENCE_TO_VERIFY]  # noqa: E731
    assert evidence_items(world.provider_lead) == []
    assert evidence_items(world.colleague) == [Kind.EVIDENCE_TO_VERIFY]
    viewer = UserFactory(email="viewer@bright.example")
    MembershipFactory(user=viewer, organisation=world.provider, role="viewer")
    assert _kinds(viewer) == []


def test_the_list_costs_a_few_queries_however_many_returns(world, django_assert_max_num_queries):
    for n in range(4):
        contract_between(world, title=f"Extra {n}", start=dt.date(2023, 4, 1))
    actor = Actor.for_user(world.provider_lead)
    list(actor.memberships.values())[0].organisation  # noqa: B018 - loaded with the actor
    with django_assert_max_num_queries(8):
        items = services.items_for(actor, TODAY)
    assert sum(1 for i in items if i.kind == Kind.RETURN_OVERDUE) > 4


def test_the_api_the_page_and_the_navigation_show_the_items(client, world):
    response = client.get("/api/v1/tasks", **bearer(world.provider_lead))
    assert response.status_code == 200
    body = response.json()
    today = timezone.localdate()
    expected = len(services.items_for(Actor.for_user(world.provider_lead), today))
    assert body["count"] == expected == len(body["items"])
    assert {"kind", "title", "organisation", "due", "link"} <= set(body["items"][0])
    client.force_login(world.provider_lead)
    session = client.session
    session[SESSION_KEY] = world.provider.pk
    session.save()
    page = client.get("/to-do/").content.decode()
    assert body["items"][0]["title"] in page.replace("&#x27;", "'").replace("&rsquo;", "’")
    home = client.get("/").content.decode()
    assert 'To do <span class="sv-nav-count"' in home
    assert 'id="todo-heading"' in home


def test_council_bids_to_score_and_procurements_closing_and_a_provider_draft_bid(demo_world):
    from socialvalue.web.commissioning.models import ModeratedScore, Procurement
    from tests.web.commissioning import factories as f

    council, admin = demo_world.alice_org, demo_world.admin
    evaluating = f.procurement(council, state=Procurement.State.EVALUATING)
    scored = f.bid(evaluating, "Scored", 1000, commitments=())
    unscored = f.bid(evaluating, "Unscored", 1200, commitments=())
    ModeratedScore.objects.filter(bid=unscored, criterion="q2").delete()
    published = f.procurement(council, state=Procurement.State.PUBLISHED)
    Procurement.objects.filter(pk=published.pk).update(
        closing_date=TODAY + dt.timedelta(days=5), title="Day care south"
    )
    items = services.items_for(Actor.for_user(admin), TODAY)
    by_kind = {i.kind: i for i in items}
    assert by_kind[Kind.BIDS_TO_SCORE].title.startswith("1 bid to score")
    assert by_kind[Kind.BIDS_TO_SCORE].link == f"/procurements/{evaluating.pk}/evaluation/"
    assert by_kind[Kind.PROCUREMENT_CLOSING].due == TODAY + dt.timedelta(days=5)
    ModeratedScore.objects.create(bid=unscored, criterion="q2", score=3)
    kinds = [i.kind for i in services.items_for(Actor.for_user(admin), TODAY)]
    assert Kind.BIDS_TO_SCORE not in kinds
    assert scored.pk

    # A provider that started a bid for the published procurement is reminded before it closes.
    provider = demo_world.outsider.memberships.get().organisation
    draft = f.bid(published, "Outsider Care", 900, commitments=(), bidder=provider)
    draft.submitted_at = None
    draft.save()
    items = services.items_for(Actor.for_user(demo_world.outsider), TODAY)
    assert [(i.kind, i.link) for i in items] == [(Kind.BID_CLOSING, f"/bids/{draft.pk}/")]
