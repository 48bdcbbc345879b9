"""The daily summary of notifications, sent by the task queue's scheduler."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="0", hour="7"))
def send_daily_digests() -> int:
    """Daily at 07:00 UTC: each person's summary of what they chose to hear of once a day."""
    return services.send_digests()
