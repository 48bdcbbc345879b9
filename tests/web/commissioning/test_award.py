"""The award: refused while bidding is open or a score is unmoderated, a reason for any bid not
ranked first, assessment summaries for every bidder, the standstill, the contract after it, and
closing, cancelling and removing asked for confirmation and undone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import TestCase

from socialvalue.web.commissioning import services, signals
from socialvalue.web.commissioning.models import (
    AssessmentSummary,
    AwardDecision,
    ModeratedScore,
    Procurement,
)
from socialvalue.web.commissioning.notices import tell_councils_of_standstills_ended
from socialvalue.web.contracts.models import Contract
from socialvalue.web.notifications.models import Notification
from socialvalue.web.tenancy import Actor
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, bearer
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db

#: A Thursday: eight working days from it skip a weekend, Christmas Day (Friday) and Boxing
#: Day's substitute (Monday 28th), so the standstill's last day is Wednesday 30 December.
THURSDAY = dt.datetime(2026, 12, 17, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(demo_world):
    """Alice's council evaluating bids from two registered providers with people, and one more."""
    f.charter(demo_world.alice_org)
    tender = f.procurement(demo_world.alice_org, state="evaluating")
    first_org = OrganisationFactory(name="Firstcare")
    second_org = OrganisationFactory(name="Secondcare")
    first_user, second_user = UserFactory(), UserFactory()
    MembershipFactory(user=first_user, organisation=first_org, role="editor")
    MembershipFactory(user=second_user, organisation=second_org, role="editor")
    first = f.bid(tender, "Firstcare", 900_000, (5, 5, 5), bidder=first_org)
    second = f.bid(tender, "Secondcare", 950_000, (4, 4, 4), bidder=second_org)
    third = f.bid(tender, "Thirdcare", 1_000_000, (2, 2, 2))
    ModeratedScore.objects.filter(bid=second, criterion="q1").update(
        rationale='=HYPERLINK("http://x") Clear plan for continuity of care.'
    )
    demo_world.tender, demo_world.bids = tender, (first, second, third)
    demo_world.first_user, demo_world.second_user = first_user, second_user
    return demo_world


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def _clock(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(services, "now", lambda: moment)


def test_the_recommended_bid_is_the_one_ranked_first(world):
    found = services.recommendation(world.tender)
    assert found.recommended == world.bids[0]
    assert [found.rank_of(b) for b in world.bids] == [1, 2, 3]


def test_award_while_bidding_is_open_is_409_with_the_reason(client, world):
    Procurement.objects.filter(pk=world.tender.pk).update(state="published")
    response = _post(
        client,
        f"/api/v1/procurements/{world.tender.id}/award",
        {"bid_id": world.bids[0].id},
        world.admin,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "Bidding is still open: close bidding before awarding."
    assert not AwardDecision.objects.exists()


def test_award_with_a_score_not_moderated_is_409_naming_it(client, world):
    ModeratedScore.objects.filter(bid=world.bids[2], criterion="q2").delete()
    response = _post(
        client,
        f"/api/v1/procurements/{world.tender.id}/award",
        {"bid_id": world.bids[0].id},
        world.admin,
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "moderated score" in detail and "Thirdcare" in detail and "Safeguarding" in detail


def test_the_second_ranked_bid_needs_a_reason(client, world):
    url = f"/api/v1/procurements/{world.tender.id}/award"
    refused = _post(client, url, {"bid_id": world.bids[1].id}, world.admin)
    assert refused.status_code == 400
    assert "reason" in refused.json()["detail"]
    assert not AwardDecision.objects.exists()
    accepted = _post(
        client,
        url,
        {"bid_id": world.bids[1].id, "reason": "Firstcare cannot start until next spring."},
        world.admin,
    )
    assert accepted.status_code == 201, accepted.json()
    body = accepted.json()
    assert body["bid_id"] == world.bids[1].id
    assert body["recommended_bid_id"] == world.bids[0].id
    assert body["reason"] == "Firstcare cannot start until next spring."
    assert body["state"] == "standstill" and body["standstill"] == "mandatory"
    assert {s["bid_id"] for s in body["assessment_summaries"]} == {b.id for b in world.bids}
    read = client.get(f"/api/v1/procurements/{world.tender.id}/award", **bearer(world.admin))
    assert read.status_code == 200 and read.json()["id"] == body["id"]


def test_on_the_page_another_bid_needs_a_reason_and_a_confirmation(client, world):
    client.force_login(world.admin)
    url = f"/procurements/{world.tender.id}/award/"
    form = client.get(url).content.decode()
    assert "Firstcare is ranked first and recommended" in form
    choice = {"bid": world.bids[1].id, "standstill": "mandatory", "reason": ""}
    refused = client.post(url, choice).content.decode()
    assert "Secondcare is ranked 2, not first (Firstcare is): give the reason" in refused
    choice["reason"] = "Firstcare cannot start until next spring."
    confirm = client.post(url, choice).content.decode()
    assert "Confirm the award" in confirm and "is not the bid ranked first" in confirm
    assert not AwardDecision.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(url, {**choice, "confirm": "yes"})
    assert done.status_code == 302
    decision = AwardDecision.objects.get()
    assert decision.bid == world.bids[1] and decision.decided_by == world.admin
    assert decision.reason == "Firstcare cannot start until next spring."
    assert decision.summaries.count() == 3
    world.tender.refresh_from_db()
    assert world.tender.state == "awarded" and world.tender.awarded_bid == world.bids[1]
    page = client.get(f"/procurements/{world.tender.id}/").content.decode()
    assert "In standstill" in page and "Withdraw the award decision" in page


def test_the_decision_is_told_to_listeners_once_saved(world):
    heard = []

    def listener(decision, **_):
        heard.append(decision)

    signals.award_decided.connect(listener, weak=False, dispatch_uid="test-listener")
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            decision = services.award(
                procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0]
            )
    finally:
        signals.award_decided.disconnect(dispatch_uid="test-listener")
    assert heard == [decision]


def _told(user, kind):
    return list(
        Notification.objects.filter(user=user, kind=kind)
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_every_bidder_is_told_the_outcome_and_both_sides_the_contract(client, world, monkeypatch):
    _clock(monkeypatch, THURSDAY)
    with TestCase.captureOnCommitCallbacks(execute=True):
        _post(
            client,
            f"/api/v1/procurements/{world.tender.id}/award",
            {"bid_id": world.bids[0].id},
            world.admin,
        )
    (won,) = _told(world.first_user, "bid_outcome")
    (lost,) = _told(world.second_user, "bid_outcome")
    assert won.startswith(f"Your bid for {world.tender.title}: awarded.")
    assert lost.startswith(f"Your bid for {world.tender.title}: not successful.")
    assert "ends on 30 December 2026" in lost
    link = Notification.objects.get(user=world.second_user).link
    assert link == f"/bids/{world.bids[1].id}/assessment-summary/"
    client.force_login(world.second_user)
    assert client.get(link).status_code == 200
    client.logout()

    # The daily job tells the council once the standstill is over, and only once.
    assert tell_councils_of_standstills_ended(dt.date(2026, 12, 30)) == 0
    told = tell_councils_of_standstills_ended(dt.date(2026, 12, 31))
    assert told == Notification.objects.filter(kind="standstill_ended").count() >= 1
    assert len(_told(world.admin, "standstill_ended")) == 1
    assert tell_councils_of_standstills_ended(dt.date(2027, 1, 2)) == 0

    _clock(monkeypatch, dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC))
    with TestCase.captureOnCommitCallbacks(execute=True):
        entered = _post(
            client,
            f"/api/v1/procurements/{world.tender.id}/enter-contract",
            {"start_date": "2027-04-01", "end_date": "2029-03-31"},
            world.admin,
        )
    assert entered.status_code == 201
    assert len(_told(world.first_user, "contract_entered")) == 1
    assert len(_told(world.admin, "contract_entered")) == 1
    assert _told(world.second_user, "contract_entered") == []


def test_the_standstill_skips_weekends_and_bank_holidays_and_holds_the_contract(
    client, world, monkeypatch
):
    _clock(monkeypatch, THURSDAY)
    awarded = _post(
        client,
        f"/api/v1/procurements/{world.tender.id}/award",
        {"bid_id": world.bids[0].id},
        world.admin,
    )
    assert awarded.status_code == 201
    assert awarded.json()["standstill_ends"] == "2026-12-30"
    assert awarded.json()["contract_may_be_entered_from"] == "2026-12-31"
    url = f"/api/v1/procurements/{world.tender.id}/enter-contract"
    dates = {"start_date": "2027-04-01", "end_date": "2029-03-31"}
    _clock(monkeypatch, dt.datetime(2026, 12, 30, 23, 0, tzinfo=dt.UTC))
    early = _post(client, url, dates, world.admin)
    assert early.status_code == 409
    assert "The standstill ends at midnight on 30 December 2026" in early.json()["detail"]
    assert not Contract.objects.exists()
    _clock(monkeypatch, dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC))
    entered = _post(client, url, dates, world.admin)
    assert entered.status_code == 201, entered.json()
    contract = Contract.objects.get(pk=entered.json()["contract_id"])
    winner = world.bids[0]
    assert contract.bid == winner and contract.provider == winner.bidder
    assert sorted(c.target_quantity for c in contract.commitments.all()) == sorted(
        c.quantity for c in winner.commitments.all()
    )
    decision = AwardDecision.objects.get()
    assert decision.state == "contract_entered" and decision.contract_id == contract.pk
    again = _post(client, url, dates, world.admin)
    assert again.status_code == 409
    withdraw = _post(
        client,
        f"/api/v1/procurements/{world.tender.id}/award/withdraw",
        {"reason": "Too late"},
        world.admin,
    )
    assert withdraw.status_code == 409


def test_a_light_touch_contract_may_have_a_voluntary_standstill_or_none(client, world):
    url = f"/api/v1/procurements/{world.tender.id}/award"
    refused = _post(client, url, {"bid_id": world.bids[0].id, "standstill": "none"}, world.admin)
    assert refused.status_code == 400 and "standstill" in refused.json()["detail"]
    Procurement.objects.filter(pk=world.tender.pk).update(light_touch=True)
    no_days = _post(
        client, url, {"bid_id": world.bids[0].id, "standstill": "voluntary"}, world.admin
    )
    assert no_days.status_code == 400 and "standstill_days" in no_days.json()["detail"]
    none = _post(client, url, {"bid_id": world.bids[0].id, "standstill": "none"}, world.admin)
    assert none.status_code == 201 and none.json()["standstill_ends"] is None
    entered = _post(client, f"/api/v1/procurements/{world.tender.id}/enter-contract", {
        "start_date": "2027-04-01", "end_date": "2028-03-31"
    }, world.admin)  # fmt: skip
    assert entered.status_code == 201


def test_a_voluntary_standstill_counts_the_days_chosen(world):
    Procurement.objects.filter(pk=world.tender.pk).update(light_touch=True)
    world.tender.refresh_from_db()
    decision = services.award(
        procurement=world.tender,
        actor=Actor.for_user(world.admin),
        bid=world.bids[0],
        standstill="voluntary",
        standstill_days=3,
        at=THURSDAY,
    )
    # Thursday 17th, Friday 18th, Monday 21st.
    assert decision.standstill_ends == dt.date(2026, 12, 21)


def test_each_bidder_reads_its_own_summary_and_no_other(client, world):
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    first, second, _ = world.bids
    own = client.get(f"/api/v1/bids/{second.id}/assessment-summary", **bearer(world.second_user))
    assert own.status_code == 200
    content = own.json()["content"]
    assert content["bidder"] == "Secondcare" and content["winner"] == "Firstcare"
    assert content["successful"] is False and content["own_rank"] == 2
    care = next(c for c in content["criteria"] if c["key"] == "q1")
    assert care["own"]["score"] == 4 and care["winner"]["score"] == 5
    assert "continuity of care" in care["own"]["reason"]
    other = client.get(f"/api/v1/bids/{first.id}/assessment-summary", **bearer(world.second_user))
    assert other.status_code == 404
    council = client.get(f"/api/v1/bids/{first.id}/assessment-summary", **bearer(world.admin))
    assert council.status_code == 200 and council.json()["content"]["successful"] is True
    client.force_login(world.first_user)
    assert client.get(f"/bids/{second.id}/assessment-summary/").status_code == 404
    assert client.get(f"/bids/{second.id}/assessment-summary.docx").status_code == 404
    page = client.get(f"/bids/{first.id}/assessment-summary/").content.decode()
    assert "Your bid was chosen" in page


def test_the_summary_downloads_as_word_and_as_formula_safe_csv(client, world):
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    client.force_login(world.second_user)
    second = world.bids[1]
    word = client.get(f"/bids/{second.id}/assessment-summary.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert "attachment" in word["Content-Disposition"]
    data = client.get(f"/bids/{second.id}/assessment-summary.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    reasons = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert reasons and all(not cell.startswith("=") for cell in reasons)
    assert client.get(f"/bids/{second.id}/assessment-summary.exe").status_code == 404
    pdf = client.get(f"/bids/{second.id}/assessment-summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_every_bidder_sees_the_outcome_not_submitted(client, world):
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    client.force_login(world.second_user)
    listing = client.get("/procurements/").content.decode()
    assert "Not successful" in listing
    page = client.get(f"/procurements/{world.tender.id}/").content.decode()
    assert "Not successful" in page and "Read your assessment summary" in page
    bid_page = client.get(f"/bids/{world.bids[1].id}/").content.decode()
    assert "Not successful" in bid_page and ">Submitted<" not in bid_page
    api = client.get(f"/api/v1/procurements/{world.tender.id}/bids", **bearer(world.first_user))
    assert api.json()["items"][0]["outcome"] == "awarded"


def test_the_decision_can_be_withdrawn_during_the_standstill_with_a_reason(client, world):
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    url = f"/api/v1/procurements/{world.tender.id}/award/withdraw"
    refused = _post(client, url, {"reason": " "}, world.admin)
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    done = _post(client, url, {"reason": "A scoring error was found."}, world.admin)
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert done.json()["withdrawal_reason"] == "A scoring error was found."
    world.tender.refresh_from_db()
    assert world.tender.state == "evaluating" and world.tender.awarded_bid is None
    assert services.bid_outcome(world.bids[1]) == "withdrawn"
    entered = _post(
        client, f"/api/v1/procurements/{world.tender.id}/enter-contract", {}, world.admin
    )
    assert entered.status_code == 409
    # The summaries written for the withdrawn decision are kept; a new decision writes more.
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    assert AssessmentSummary.objects.count() == 6
    # Bidding cannot reopen once a decision has been made on the bids.
    reopen = _post(client, f"/api/v1/procurements/{world.tender.id}/reopen", {}, world.admin)
    assert reopen.status_code == 409


def test_cancelling_asks_for_confirmation_and_can_be_undone(client, world):
    client.force_login(world.admin)
    published = f.procurement(world.alice_org, state="published")
    url = f"/procurements/{published.id}/state/"
    asked = client.get(url, {"state": "cancelled"}).content.decode()
    assert "Are you sure you want to cancel this procurement?" in asked
    unconfirmed = client.post(url, {"state": "cancelled"})
    assert unconfirmed.status_code == 200
    published.refresh_from_db()
    assert published.state == "published"
    client.post(url, {"state": "cancelled", "confirm": "yes"})
    published.refresh_from_db()
    assert (published.state, published.cancelled_from) == ("cancelled", "published")
    page = client.get(f"/procurements/{published.id}/").content.decode()
    assert "Restore the procurement" in page
    client.post(url, {"state": "restore"})
    published.refresh_from_db()
    assert (published.state, published.cancelled_from) == ("published", "")


def test_closing_bidding_asks_for_confirmation_and_reopens(client, world):
    client.force_login(world.admin)
    published = f.procurement(world.alice_org, state="published")
    url = f"/procurements/{published.id}/state/"
    assert (
        "Are you sure you want to close bidding?"
        in client.get(url, {"state": "evaluating"}).content.decode()
    )
    client.post(url, {"state": "evaluating", "confirm": "yes"})
    published.refresh_from_db()
    assert published.state == "evaluating"
    response = _post(client, f"/api/v1/procurements/{published.id}/reopen", {}, world.admin)
    assert response.status_code == 200 and response.json()["state"] == "published"
    closed = _post(client, f"/api/v1/procurements/{published.id}/close", {}, world.admin)
    assert closed.json()["state"] == "evaluating"
    cancelled = _post(client, f"/api/v1/procurements/{published.id}/cancel", {}, world.admin)
    assert cancelled.json()["state"] == "cancelled"
    restored = _post(client, f"/api/v1/procurements/{published.id}/restore", {}, world.admin)
    assert restored.json()["state"] == "evaluating"


def test_an_awarded_procurement_cannot_be_cancelled(client, world):
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    response = _post(client, f"/api/v1/procurements/{world.tender.id}/cancel", {}, world.admin)
    assert (
        response.status_code == 409 and "withdraw the award decision" in response.json()["detail"]
    )


def test_removing_a_criterion_asks_for_confirmation(client, world):
    client.force_login(world.admin)
    draft = f.procurement(world.alice_org)
    criterion = draft.criteria.first()
    url = f"/procurements/{draft.id}/criteria/{criterion.id}/remove/"
    asked = client.post(url).content.decode()
    assert f"Are you sure you want to remove the quality criterion “{criterion.name}”?" in asked
    assert draft.criteria.filter(pk=criterion.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not draft.criteria.filter(pk=criterion.pk).exists()


def test_the_award_and_its_withdrawal_are_in_the_audit_trail(world):
    from socialvalue.web.audit.models import AuditEvent

    actor = Actor.for_user(world.admin)
    services.award(procurement=world.tender, actor=actor, bid=world.bids[0])
    services.withdraw_award(procurement=world.tender, actor=actor, reason="Recount")
    events = AuditEvent.objects.filter(object_type__icontains="awarddecision")
    assert events.count() >= 2


def test_the_pages_withdraw_and_enter_the_contract(client, world, monkeypatch):
    _clock(monkeypatch, THURSDAY)
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    client.force_login(world.admin)
    enter = f"/procurements/{world.tender.id}/enter-contract/"
    dates = {"start_date": "2027-04-01", "end_date": "2029-03-31", "reporting_frequency": "annual"}
    assert "can be entered from 31 December 2026" in client.get(enter).content.decode()
    early = client.post(enter, dates).content.decode()
    assert "The standstill ends at midnight on 30 December 2026" in early
    withdraw = f"/procurements/{world.tender.id}/award/withdraw/"
    assert "Give the reason" in client.post(withdraw, {"reason": ""}).content.decode()
    client.post(withdraw, {"reason": "A scoring error was found."})
    assert AwardDecision.objects.get().state == "withdrawn"
    services.award(procurement=world.tender, actor=Actor.for_user(world.admin), bid=world.bids[0])
    _clock(monkeypatch, dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC))
    entered = client.post(enter, dates)
    contract = Contract.objects.get()
    assert entered.status_code == 302 and entered["Location"] == f"/contracts/{contract.id}/"
    assert contract.reporting_frequency == "annual"


def test_the_councils_home_keeps_a_procurement_in_standstill(client, world, monkeypatch):
    actor = Actor.for_user(world.admin)
    services.award(procurement=world.tender, actor=actor, bid=world.bids[0], at=THURSDAY)
    client.force_login(world.admin)
    assert world.tender.title in client.get("/").content.decode()
    services.enter_contract(
        procurement=world.tender,
        actor=actor,
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2028, 3, 31),
        on=dt.date(2026, 12, 31),
    )
    Procurement.objects.filter(pk=world.tender.pk).update(title="Entered and done")
    assert "Entered and done" not in client.get("/").content.decode()
