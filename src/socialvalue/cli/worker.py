"""`socialvalue worker`: runs the background tasks (reports, email, scheduled jobs) from the queue."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from urllib.parse import urlsplit

import click
from django.conf import settings
from django.db import connections
from django.utils.module_loading import autodiscover_modules

from socialvalue.cli.common import setup_django


def _stop_with_parent(parent_pid: int) -> None:
    """Stop this worker when the process that started it is gone (the demo was killed)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


@click.command()
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Tasks run at once, each in its own process.",
)
@click.option("--stop-with-parent", type=int, hidden=True)
def worker(workers: int, stop_with_parent: int | None) -> None:
    """Run background tasks from the queue (SQLite in $SOCIALVALUE_HOME, or Redis with REDIS_URL).

    SIGTERM lets running tasks finish (up to SOCIALVALUE_WORKER_SHUTDOWN_TIMEOUT seconds) and then
    stops; Ctrl+C (SIGINT) stops at once. A report stopped either way is queued again.
    """
    setup_django()
    from huey.contrib.djhuey import HUEY  # noqa: PLC0415 - it reads Django's settings as it loads: only after setup

    if HUEY.immediate:
        click.echo(
            "SOCIALVALUE_QUEUE is immediate: tasks run where they are asked for, so a worker "
            "has nothing to do. Use sqlite or redis.",
            err=True,
        )
        sys.exit(2)
    where = _check_queue(settings, HUEY)
    # Every app's tasks module registers its tasks; the shared ones live in socialvalue.web.tasks.
    import socialvalue.web.tasks  # noqa: PLC0415, F401 - models load only after Django's setup

    autodiscover_modules("tasks")
    # Worker processes are forks of this one: they must not share its database connections.
    connections.close_all()

    logger = logging.getLogger("huey")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(processName)s %(message)s")
        )
        logger.addHandler(handler)
        # The demo's worker shares the demo's console, where the emails it prints should stand
        # out: only problems there, every task elsewhere.
        logger.setLevel(logging.WARNING if stop_with_parent else logging.INFO)
        logger.propagate = False
    if stop_with_parent:
        _stop_with_parent(stop_with_parent)
    if settings.SOCIALVALUE_WORKER_NICE:
        # Background work yields the processor to the web server on a shared machine: a report
        # takes a little longer, pages stay fast (a dedicated worker machine is not affected).
        os.nice(settings.SOCIALVALUE_WORKER_NICE)
    if settings.SOCIALVALUE_WORKER_IDLE and hasattr(os, "SCHED_IDLE"):
        # Niceness alone still let a report take a fifth of the web's throughput on 2 cores (the
        # scheduler shares idle moments with it); the idle class gives them to pages first.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    click.echo(f"socialvalue worker: {workers} process(es) on {where} (pid {os.getpid()})")
    consumer = HUEY.create_consumer(
        workers=workers,
        # Reports are CPU work (layout, charts, PDF): processes, so several run truly at once and
        # one that crashes takes only itself down (the consumer starts a new one).
        worker_type="process",
        periodic=True,
        # An idle worker polls the SQLite queue (Redis wakes it at once): at most a second's wait.
        max_delay=1.0,
        check_worker_health=True,
        health_check_interval=5,
        graceful_signal="TERM",
        shutdown_timeout=settings.SOCIALVALUE_WORKER_SHUTDOWN_TIMEOUT,
    )
    consumer.run()


def _check_queue(settings, huey) -> str:
    """Where the queue is, after one round trip to it; exits with a sentence when it cannot be reached."""
    if settings.SOCIALVALUE_QUEUE == "redis":
        url = urlsplit(settings.HUEY["connection"]["url"])
        where = f"Redis at {url.hostname}:{url.port or 6379}{url.path or ''}"
    else:
        where = f"the SQLite queue {settings.HUEY['connection']['filename']}"
    try:
        huey.pending_count()
    except Exception as exc:
        click.echo(f"Cannot reach the task queue ({where}): {exc}", err=True)
        sys.exit(2)
    return where


COMMANDS = [worker]
