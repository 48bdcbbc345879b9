"""Report work on the task queue: building a run, and the jobs that keep runs honest and small."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from . import services

log = logging.getLogger(__name__)


# No queue-level retries: a run that fails says why on its page, and a run whose worker died is
# started again by the reaper, which knows how many attempts it has had.
@db_task()
def build_report_run(run_id: int) -> None:
    services.execute(run_id, heartbeat=not HUEY.immediate)


@db_periodic_task(crontab(minute="*"))
def recover_stale_report_runs() -> dict[str, int]:
    """Every minute: runs whose worker died are started again or failed (the bound is in the docs)."""
    counts = services.recover_stale_runs()
    if any(counts.values()):
        log.warning("Stale report runs: %s", counts)
    return counts


@db_periodic_task(crontab(minute="20", hour="3"))
def remove_expired_report_files() -> int:
    """Daily: delete the files of runs older than SOCIALVALUE_REPORT_RETENTION_DAYS."""
    removed = services.remove_expired_files()
    if removed:
        log.info("Deleted the files of %s report runs past their retention", removed)
    return removed
