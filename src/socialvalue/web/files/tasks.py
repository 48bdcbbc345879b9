"""Files work on the task queue: forgetting the files kept for a form that was never posted again."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .forms import forget_old_kept_uploads

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="40", hour="3"))
def remove_old_kept_uploads() -> int:
    """Daily: delete files kept across a refused post once they are no longer offered back."""
    removed = forget_old_kept_uploads()
    if removed:
        log.info("Deleted %s files kept for forms that were not posted again", removed)
    return removed
