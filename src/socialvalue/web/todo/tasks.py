"""The daily reminders, run by the task queue's scheduler."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from socialvalue.web.commissioning.notices import tell_councils_of_standstills_ended

from .reminders import send_reminders


@db_periodic_task(crontab(minute="30", hour="6"))
def send_daily_reminders() -> int:
    """Daily at 06:30 UTC (before the 07:00 summary): returns and statement reviews due or
    overdue, and standstill periods that have ended."""
    today = timezone.localdate()
    return send_reminders(today).total + tell_councils_of_standstills_ended(today)
