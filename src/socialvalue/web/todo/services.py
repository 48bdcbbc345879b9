"""The signed-in person's to-do list, derived from the data: nothing is ticked off by hand.

An item is open while the work it names is undone (a return not submitted, a line queried, a
submitted return not verified, a bid without moderated scores...) and leaves the list when the
work is done. Each kind of item is one SQL query over all the person's organisations, so the
list costs the same few queries however many contracts, returns or bids there are; only the
statement in force is looked up per organisation (a person belongs to a handful).

Only work the person may do is listed: an editor's or an admin's, and never a verification the
four-eyes rule keeps from them (a return they submitted, evidence they recorded or changed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from socialvalue.web.accounts.models import Role
from socialvalue.web.commissioning.models import (
    METHOD_STATEMENT,
    Bid,
    ModeratedScore,
    Procurement,
    ProcurementQuestion,
    QualityCriterion,
)
from socialvalue.web.contracts.models import Contract, LineReview, Return, ReturnLine
from socialvalue.web.evidence.models import Evidence, Verification
from socialvalue.web.statements import services as statements

#: How far ahead a due date puts an item on the list.
SOON_DAYS = 14


class Kind:
    RETURN_DUE = "return_due"
    RETURN_OVERDUE = "return_overdue"
    RETURN_QUERIED = "return_queried"
    EVIDENCE_TO_VERIFY = "evidence_to_verify"
    REVIEW_DUE = "statement_review_due"
    BID_CLOSING = "bid_closing"
    RETURN_TO_VERIFY = "return_to_verify"
    REPLY_TO_QUERY = "reply_to_query"
    BIDS_TO_SCORE = "bids_to_score"
    PROCUREMENT_CLOSING = "procurement_closing"
    QUESTIONS_TO_ANSWER = "questions_to_answer"
    QUESTION_ANSWERED = "question_answered"

    LABELS = {
        RETURN_DUE: "Return due",
        RETURN_OVERDUE: "Return overdue",
        RETURN_QUERIED: "Queried return lines",
        EVIDENCE_TO_VERIFY: "Evidence to verify",
        REVIEW_DUE: "Statement review",
        BID_CLOSING: "Bid not yet submitted",
        RETURN_TO_VERIFY: "Return to verify",
        REPLY_TO_QUERY: "Reply to a query",
        BIDS_TO_SCORE: "Bids to score and moderate",
        PROCUREMENT_CLOSING: "Bidding closes",
        QUESTIONS_TO_ANSWER: "Questions to answer",
        QUESTION_ANSWERED: "Question answered",
    }


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    organisation_id: int
    organisation: str
    due: dt.date | None
    link: str
    overdue: bool = False

    @property
    def label(self) -> str:
        return Kind.LABELS[self.kind]


def _editor_organisations(actor: Any) -> tuple[dict[int, Any], dict[int, Any]]:
    """The actor's organisations where they may do the work (editor or admin): councils, providers."""
    councils, providers = {}, {}
    for organisation_id, membership in actor.memberships.items():
        if membership is None or not membership.allows(Role.EDITOR):
            continue
        organisation = membership.organisation
        (councils if organisation.is_commissioner else providers)[organisation_id] = organisation
    return councils, providers


def items_for(actor: Any, today: dt.date | None = None) -> list[Item]:
    """Every open item of the actor across their organisations, the most pressing first."""
    today = today or timezone.localdate()
    councils, providers = _editor_organisations(actor)
    user = actor.user
    items: list[Item] = []
    if providers:
        items += _provider_returns(providers, today)
        items += _queried_returns(providers)
        items += _evidence_to_verify(providers, user)
        items += _statement_reviews(providers.values(), today)
        items += _draft_bids_closing(providers, today)
        items += _questions_answered(providers, today)
    if councils:
        items += _returns_to_verify(councils, user)
        items += _bids_to_score(councils)
        items += _procurements_closing(councils, today)
        items += _questions_to_answer(councils)
    far = dt.date.max
    return sorted(items, key=lambda i: (not i.overdue, i.due or far, i.organisation, i.title))


def count_for(actor: Any, today: dt.date | None = None) -> int:
    return len(items_for(actor, today))


def items_for_request(request: Any) -> list[Item]:
    """The list for the signed-in person, worked out once per request (the navigation and the
    home page both show it)."""
    cached = getattr(request, "_todo_items", None)
    if cached is None:
        actor = getattr(request, "actor", None)
        cached = items_for(actor) if actor is not None and actor.user is not None else []
        request._todo_items = cached
    return cached


def _return_link(return_id: int) -> str:
    return reverse("contracts:return", kwargs={"return_id": return_id})


def _provider_returns(providers: dict[int, Any], today: dt.date) -> list[Item]:
    """Returns of active contracts not yet submitted, whose period has started and ends within
    SOON_DAYS, or has ended (overdue)."""
    rows = Return.objects.filter(
        contract__provider_id__in=list(providers),
        contract__status=Contract.Status.ACTIVE,
        status__in=[Return.Status.DUE, Return.Status.DRAFT],
        period_start__lte=today,
        period_end__lte=today + dt.timedelta(days=SOON_DAYS),
    ).values_list("pk", "period_start", "period_end", "contract__title", "contract__provider_id")
    items = []
    for pk, start, end, title, provider_id in rows:
        overdue = end < today
        items.append(
            Item(
                Kind.RETURN_OVERDUE if overdue else Kind.RETURN_DUE,
                f"Return for {title}, {start:%-d %b %Y} to {end:%-d %b %Y}",
                provider_id,
                providers[provider_id].name,
                end,
                _return_link(pk),
                overdue,
            )
        )
    return items


def _queried_returns(providers: dict[int, Any]) -> list[Item]:
    rows = (
        ReturnLine.objects.filter(
            commitment__contract__provider_id__in=list(providers),
            verification=LineReview.QUERIED,
        )
        .values(
            "period_return_id",
            "period_return__period_end",
            "commitment__contract__title",
            "commitment__contract__provider_id",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        Item(
            Kind.RETURN_QUERIED,
            f"{row['n']} queried line{'s' if row['n'] != 1 else ''} in the return for "
            f"{row['commitment__contract__title']} to {row['period_return__period_end']:%-d %b %Y}",
            row["commitment__contract__provider_id"],
            providers[row["commitment__contract__provider_id"]].name,
            None,
            _return_link(row["period_return_id"]),
        )
        for row in rows
    ]


def _evidence_to_verify(providers: dict[int, Any], user: Any) -> list[Item]:
    """Records awaiting verification that this person may verify: never their own (four eyes)."""
    waiting = Evidence.objects.filter(
        organisation_id__in=list(providers),
        verification__in=[Verification.SELF_REPORTED, Verification.EVIDENCED],
    )
    if user is not None and user.pk is not None:
        waiting = waiting.exclude(recorded_by=user).exclude(changed_by=user)
    rows = waiting.values("organisation_id").annotate(n=Count("*")).order_by()
    return [
        Item(
            Kind.EVIDENCE_TO_VERIFY,
            f"{row['n']} evidence record{'s' if row['n'] != 1 else ''} awaiting your verification",
            row["organisation_id"],
            providers[row["organisation_id"]].name,
            None,
            reverse("evidence:list"),
        )
        for row in rows
    ]


def _statement_reviews(organisations: Iterable[Any], today: dt.date) -> list[Item]:
    items = []
    for organisation in organisations:
        found = review_date(organisation)
        if found is None or found[1] > today + dt.timedelta(days=SOON_DAYS):
            continue
        statement, date = found
        items.append(
            Item(
                Kind.REVIEW_DUE,
                f"Review the social value statement “{statement.title}”",
                organisation.pk,
                organisation.name,
                date,
                reverse("statements:detail", kwargs={"statement_id": statement.pk}),
                date < today,
            )
        )
    return items


def review_date(organisation: Any) -> tuple[Any, dt.date] | None:
    """The statement in force and its review date (its latest published version's, else the draft's)."""
    statement = statements.current_statement(organisation)
    if statement is None:
        return None
    published = statements.latest_version(statement)
    date = published.review_date if published else statement.review_date
    return None if date is None else (statement, date)


def _draft_bids_closing(providers: dict[int, Any], today: dt.date) -> list[Item]:
    """Procurements the provider has started a bid for, still unsubmitted, closing soon."""
    rows = Bid.objects.filter(
        bidder_id__in=list(providers),
        submitted_at__isnull=True,
        procurement__state=Procurement.State.PUBLISHED,
        procurement__closing_date__gte=today,
        procurement__closing_date__lte=today + dt.timedelta(days=SOON_DAYS),
    ).values_list("pk", "bidder_id", "procurement__title", "procurement__closing_date")
    return [
        Item(
            Kind.BID_CLOSING,
            f"Submit your bid for {title}",
            bidder_id,
            providers[bidder_id].name,
            closing,
            reverse("commissioning:bid", kwargs={"bid_id": pk}),
        )
        for pk, bidder_id, title, closing in rows
    ]


def _returns_to_verify(councils: dict[int, Any], user: Any) -> list[Item]:
    """Submitted returns with lines awaiting a decision; a resubmitted queried line is a reply.

    A return the person submitted is left out (four eyes), so they are not sent to work they may
    not do.
    """
    returns = Return.objects.filter(
        contract__commissioner_id__in=list(councils), status=Return.Status.SUBMITTED
    )
    if user is not None and user.pk is not None:
        returns = returns.exclude(submitted_by=user)
    pending = Q(lines__verification=LineReview.PENDING)
    rows = (
        returns.annotate(
            pending=Count("lines", filter=pending),
            replies=Count("lines", filter=pending & ~Q(lines__response="")),
        )
        .filter(pending__gt=0)
        .values_list(
            "pk",
            "contract__title",
            "contract__commissioner_id",
            "contract__provider__name",
            "contract__provider_name",
            "period_end",
            "replies",
        )
    )
    items = []
    for pk, title, council_id, provider, provider_name, end, replies in rows:
        who = provider or provider_name
        if replies:
            kind = Kind.REPLY_TO_QUERY
            text = f"{who} answered your query on the return for {title} to {end:%-d %b %Y}"
        else:
            kind = Kind.RETURN_TO_VERIFY
            text = f"Verify {who}’s return for {title} to {end:%-d %b %Y}"
        items.append(
            Item(kind, text, council_id, councils[council_id].name, None, _return_link(pk))
        )
    return items


def _bids_to_score(councils: dict[int, Any]) -> list[Item]:
    """Procurements being evaluated with a submitted bid still missing a moderated score."""
    procurements = (
        Procurement.objects.filter(
            organisation_id__in=list(councils), state=Procurement.State.EVALUATING
        )
        .annotate(criteria_count=Count("criteria", distinct=True))
        .values_list("pk", "title", "organisation_id", "criteria_count")
    )
    # Each quality criterion and the method statement need a moderated score.
    needed = {pk: (title, org, n + 1) for pk, title, org, n in procurements}
    if not needed:
        return []
    bids = Bid.objects.filter(procurement_id__in=list(needed), submitted_at__isnull=False)
    counted = Q(criterion=METHOD_STATEMENT) | Exists(
        QualityCriterion.objects.filter(
            procurement_id=OuterRef("bid__procurement_id"), code=OuterRef("criterion")
        )
    )
    scored = dict(
        ModeratedScore.objects.filter(bid__in=bids)
        .filter(counted)
        .values("bid_id")
        .annotate(n=Count("criterion", distinct=True))
        .values_list("bid_id", "n")
        .order_by()
    )
    unscored: dict[int, int] = {}
    for bid_id, procurement_id in bids.values_list("pk", "procurement_id"):
        if scored.get(bid_id, 0) < needed[procurement_id][2]:
            unscored[procurement_id] = unscored.get(procurement_id, 0) + 1
    return [
        Item(
            Kind.BIDS_TO_SCORE,
            f"{n} bid{'s' if n != 1 else ''} to score and moderate for {needed[pk][0]}",
            needed[pk][1],
            councils[needed[pk][1]].name,
            None,
            reverse("commissioning:evaluation", kwargs={"procurement_id": pk}),
        )
        for pk, n in unscored.items()
    ]


def _procurements_closing(councils: dict[int, Any], today: dt.date) -> list[Item]:
    """Published procurements whose bidding closes within SOON_DAYS, or has closed and is still open."""
    rows = Procurement.objects.filter(
        organisation_id__in=list(councils),
        state=Procurement.State.PUBLISHED,
        closing_date__lte=today + dt.timedelta(days=SOON_DAYS),
    ).values_list("pk", "title", "organisation_id", "closing_date")
    items = []
    for pk, title, organisation_id, closing in rows:
        passed = closing < today
        text = (
            f"Bidding for {title} closed: close it to start the evaluation"
            if passed
            else f"Bidding for {title} closes"
        )
        items.append(
            Item(
                Kind.PROCUREMENT_CLOSING,
                text,
                organisation_id,
                councils[organisation_id].name,
                closing,
                reverse("commissioning:procurement", kwargs={"procurement_id": pk}),
                passed,
            )
        )
    return items


def _questions_link(procurement_id: int) -> str:
    link = reverse("commissioning:procurement", kwargs={"procurement_id": procurement_id})
    return f"{link}#questions"


def _questions_to_answer(councils: dict[int, Any]) -> list[Item]:
    """Procurements open for bids or being evaluated with clarification questions unanswered."""
    rows = (
        ProcurementQuestion.objects.filter(
            procurement__organisation_id__in=list(councils),
            procurement__state__in=(Procurement.State.PUBLISHED, Procurement.State.EVALUATING),
            state=ProcurementQuestion.State.OPEN,
        )
        .values_list(
            "procurement_id",
            "procurement__title",
            "procurement__organisation_id",
            "procurement__closing_date",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    items = []
    for pk, title, organisation_id, closing, n in rows:
        items.append(
            Item(
                Kind.QUESTIONS_TO_ANSWER,
                f"{n} question{'s' if n != 1 else ''} to answer on {title}",
                organisation_id,
                councils[organisation_id].name,
                closing,
                _questions_link(pk),
            )
        )
    return items


def _questions_answered(providers: dict[int, Any], today: dt.date) -> list[Item]:
    """The provider's own questions answered in the last SOON_DAYS days, while bidding is open:
    the answer may change its bid."""
    rows = ProcurementQuestion.objects.filter(
        asked_by_organisation_id__in=list(providers),
        procurement__state=Procurement.State.PUBLISHED,
        state=ProcurementQuestion.State.ANSWERED,
        answered_at__date__gte=today - dt.timedelta(days=SOON_DAYS),
    ).values_list(
        "procurement_id",
        "procurement__title",
        "asked_by_organisation_id",
        "procurement__closing_date",
    )
    rows = rows.order_by().distinct()
    items = []
    for pk, title, organisation_id, closing in rows:
        items.append(
            Item(
                Kind.QUESTION_ANSWERED,
                f"Your question on {title} was answered",
                organisation_id,
                providers[organisation_id].name,
                closing,
                _questions_link(pk),
            )
        )
    return items
