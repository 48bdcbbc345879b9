"""The scheduled reminders, with the clock moved: one before a return is due, one when it is
overdue, and none twice however often the job runs."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from socialvalue.web.notifications.models import Kind, Notification
from socialvalue.web.statements.models import Statement
from socialvalue.web.todo.reminders import send_reminders
from socialvalue.web.todo.tasks import send_daily_reminders
from tests.web.contracts.factories import contract_between, parties

pytestmark = pytest.mark.django_db

DUE = dt.date(2024, 6, 30)  # the first quarter's return of the contract


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.get(period_index=0)
    assert p.first.period_end == DUE
    return p


def _reminders(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", "link"))


def test_a_return_due_in_seven_days_then_overdue_with_no_duplicates(world):
    link = f"/returns/{world.first.pk}/"
    assert send_reminders(DUE - dt.timedelta(days=8)).total == 0  # not yet
    assert send_reminders(DUE - dt.timedelta(days=7)).due == 1
    assert send_reminders(DUE - dt.timedelta(days=7)).total == 0  # run twice: nothing more
    assert send_reminders(DUE - dt.timedelta(days=3)).total == 0  # later in the window
    assert _reminders(world.provider_lead) == [(Kind.RETURN_DUE, link)]
    assert send_reminders(DUE + dt.timedelta(days=1)).overdue == 1
    assert send_reminders(DUE + dt.timedelta(days=1)).total == 0
    assert send_reminders(DUE + dt.timedelta(days=2)).total == 0
    assert _reminders(world.provider_lead) == [
        (Kind.RETURN_DUE, link),
        (Kind.RETURN_OVERDUE, link),
    ]
    assert [m.to for m in mail.outbox] == [[world.provider_lead.email]] * 2
    assert "overdue" in mail.outbox[1].subject
    assert _reminders(world.commissioner) == []


def test_a_submitted_return_is_not_chased(world):
    world.first.status = "submitted"
    world.first.save()
    assert send_reminders(DUE + dt.timedelta(days=1)).total == 0


@override_settings(SOCIALVALUE_REMINDER_DAYS=3)
def test_the_days_before_are_a_setting(world):
    assert send_reminders(DUE - dt.timedelta(days=7)).total == 0
    assert send_reminders(DUE - dt.timedelta(days=3)).due == 1


def test_a_statement_review_due_and_overdue(world):
    statement = Statement.objects.create(
        organisation=world.provider, title="Our promise", review_date=dt.date(2025, 1, 10)
    )
    assert send_reminders(dt.date(2025, 1, 3)).due == 1
    assert send_reminders(dt.date(2025, 1, 3)).total == 0
    assert send_reminders(dt.date(2025, 1, 11)).overdue == 1
    kinds = [k for k, link in _reminders(world.provider_lead) if "statements" in link]
    assert kinds == [Kind.REVIEW_DUE, Kind.REVIEW_OVERDUE]
    assert statement.pk


def test_the_scheduled_job_runs_the_reminders_for_today(world):
    assert send_daily_reminders.call_local() == 0  # the test world's returns are long past
