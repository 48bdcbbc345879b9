"""Reminders: a return or a statement review falling due, and again when it becomes overdue.

`send_reminders(today)` is a plain function of the day (the scheduled job passes today's date,
a test any other): a reminder goes SOCIALVALUE_REMINDER_DAYS days before the due date (or on
the first run inside that window), and one more once the date has passed. Each is keyed by what
it is about, so running the job twice, or every day of the window, reminds nobody twice. Only
what became overdue within OVERDUE_WINDOW days is chased, so a long-missed return is not
announced afresh when reminders are first switched on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.contracts.models import Contract, Return
from socialvalue.web.notifications import services as notifications
from socialvalue.web.notifications.models import Kind
from socialvalue.web.statements.models import Statement

from .services import review_date

#: How long after its due date something overdue is still chased by a reminder.
OVERDUE_WINDOW = 30


@dataclass
class Sent:
    due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.due + self.overdue


def send_reminders(today: dt.date, days_before: int | None = None) -> Sent:
    """Remind each provider's editors of returns and statement reviews falling due or overdue."""
    days_before = settings.SOCIALVALUE_REMINDER_DAYS if days_before is None else days_before
    sent = Sent()
    _returns(today, days_before, sent)
    _reviews(today, days_before, sent)
    return sent


def _returns(today: dt.date, days_before: int, sent: Sent) -> None:
    returns = Return.objects.filter(
        status__in=[Return.Status.DUE, Return.Status.DRAFT],
        contract__provider__isnull=False,
        contract__status=Contract.Status.ACTIVE,
        period_end__gte=today - dt.timedelta(days=OVERDUE_WINDOW),
        period_end__lte=today + dt.timedelta(days=days_before),
    ).select_related("contract__provider")
    for period_return in returns:
        contract = period_return.contract
        link = reverse("contracts:return", kwargs={"return_id": period_return.pk})
        if period_return.period_end < today:
            made = notifications.notify_members(
                Kind.RETURN_OVERDUE,
                contract.provider,
                title=f"Your return for {contract.title}, {period_return.period_label}, "
                f"is overdue: it was due on {period_return.period_end:%-d %B %Y}",
                link=link,
                key=f"return-overdue:{period_return.pk}",
            )
            sent.overdue += len(made)
        else:
            made = notifications.notify_members(
                Kind.RETURN_DUE,
                contract.provider,
                title=f"Your return for {contract.title}, {period_return.period_label}, "
                f"is due on {period_return.period_end:%-d %B %Y}",
                link=link,
                key=f"return-due:{period_return.pk}",
            )
            sent.due += len(made)


def _reviews(today: dt.date, days_before: int, sent: Sent) -> None:
    with_statements = Organisation.objects.filter(
        pk__in=Statement.objects.values("organisation_id"), status=Organisation.Status.ACTIVE
    )
    for organisation in with_statements:
        found = review_date(organisation)
        if found is None:
            continue
        statement, date = found
        if date > today + dt.timedelta(days=days_before):
            continue
        if date < today - dt.timedelta(days=OVERDUE_WINDOW):
            continue
        link = reverse("statements:detail", kwargs={"statement_id": statement.pk})
        overdue = date < today
        made = notifications.notify_members(
            Kind.REVIEW_OVERDUE if overdue else Kind.REVIEW_DUE,
            organisation,
            title=f"The review of your social value statement “{statement.title}” "
            + (f"was due on {date:%-d %B %Y}" if overdue else f"is due on {date:%-d %B %Y}"),
            link=link,
            key=f"review-{'overdue' if overdue else 'due'}:{statement.pk}:{date.isoformat()}",
        )
        if overdue:
            sent.overdue += len(made)
        else:
            sent.due += len(made)
