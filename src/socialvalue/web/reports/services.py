"""Running a report: check its parameters, build its document once, render every format to files;
and keeping runs honest when the worker building one dies (heartbeat, reaper, retention)."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from socialvalue.core.errors import InputError
from socialvalue.reports import Document, html_fragment, render
from socialvalue.web.accounts.models import Membership, Organisation, Role
from socialvalue.web.files import storage
from socialvalue.web.tenancy import Actor

from . import registry
from .models import (
    DOWNLOAD_FORMATS,
    FORMAT_NAMES,
    QUEUED_STALE_AFTER,
    WORKER_STOPPED,
    ReportRun,
    heartbeat_timeout,
    new_folder,
)

log = logging.getLogger(__name__)

#: Share of the progress bar the builder gets; rendering the formats takes the rest.
BUILD_SHARE = 0.6
SCREEN_FILE = "screen.html"
#: Seconds between progress writes to the database: often enough for a bar, rarely enough to be cheap.
PROGRESS_INTERVAL = 0.5


#: The storage folder every run's files are kept under, each run in its own random-named folder.
REPORTS_ROOT = "reports"


def run_folder(run: ReportRun) -> str:
    """The run's folder in storage (a storage name, not a path on this machine)."""
    return f"{REPORTS_ROOT}/{run.folder}"


def stored_name(run: ReportRun, file: str) -> str:
    return f"{run_folder(run)}/{file}"


def operator_actor(organisation: Organisation) -> Actor:
    """The command line acts as an administrator of the organisation it names (it holds the database)."""
    membership = Membership(organisation=organisation, role=Role.ADMIN)
    return Actor(user=None, memberships={organisation.id: membership})


def check_request(
    *, actor: Actor, organisation: Organisation, report: registry.ReportType, raw: dict[str, Any]
) -> dict[str, Any]:
    """The resolved parameters, after the actor's role and the report's audience are checked."""
    actor.require(organisation.id, report.role)
    if not report.is_available_to(organisation):
        raise InputError(
            f"The {registry.in_sentence(report.title)} is not available to {organisation.name}."
        )
    return report.resolve(actor, organisation, raw)


def start_run(
    *,
    actor: Actor,
    organisation: Organisation,
    report: registry.ReportType,
    raw: dict[str, Any],
    wait: bool | None = None,
) -> ReportRun:
    """Check the request, record the run, and run it: now, or on the task queue for a long report.

    `wait` forces one or the other; by default long reports go to a worker except under tests
    (settings.TESTING), where everything runs now so tests see the finished run. The task is
    queued once the transaction commits, so a worker never looks for a row it cannot see yet.
    """
    check_request(actor=actor, organisation=organisation, report=report, raw=raw)
    clean = {k: v for k, v in raw.items() if v not in (None, "")}
    run = ReportRun.objects.create(
        organisation=organisation,
        requested_by=actor.user if getattr(actor.user, "pk", None) else None,
        report=report.name,
        parameters={k: str(v) for k, v in clean.items()},
        title=report.title,
    )
    if wait is None:
        wait = not report.background or getattr(settings, "TESTING", False)
    if wait:
        execute(run.pk, actor=actor)
        run.refresh_from_db()
    else:
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


# The task module builds on this one, so this one does not import it: once the app is ready it
# names here the task a queued run is handed to (registrations.py).
_queue_task: list[Callable[[int], Any]] = []


def queue_runs_with(task: Callable[[int], Any]) -> None:
    _queue_task[:] = [task]


def enqueue(run_id: int) -> None:
    """Hand the run to a worker; a queue that cannot be reached fails the run with a sentence."""
    try:
        _queue_task[0](run_id)
    except Exception as exc:
        log.exception("Report run %s could not be queued", run_id)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.FAILED,
            error=f"The report could not be queued: the task queue is unreachable ({type(exc).__name__}).",
            message="Failed",
            finished_at=timezone.now(),
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Superseded(Exception):
    """This attempt no longer owns the run: it was reaped as dead and failed or started again."""


class _Attempt:
    """One attempt at a run: every write is conditional on the run still being this attempt's."""

    def __init__(self, run_id: int, attempt: int):
        self.run_id, self.attempt = run_id, attempt
        self.superseded = threading.Event()

    def rows(self):
        return ReportRun.objects.filter(
            pk=self.run_id, status=ReportRun.Status.RUNNING, attempts=self.attempt
        )

    def write(self, **fields: Any) -> None:
        if self.superseded.is_set():
            raise Superseded
        if not self.rows().update(heartbeat_at=timezone.now(), **fields):
            self.superseded.set()
            raise Superseded


class _Heartbeat:
    """A thread in the worker that stamps the run while a long step (a big PDF) runs without progress.

    It has its own database connection, so it only runs in a worker, where the run's row is
    committed; a run built in the caller's transaction (tests, `wait=True`) writes progress only.
    """

    def __init__(self, attempt: _Attempt):
        self.attempt = attempt
        self.stop = threading.Event()
        # Four beats within the bound: one slow write does not make a live run look dead.
        self.interval = max(1.0, settings.SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT / 4)
        self.thread = threading.Thread(
            target=self._beat, name=f"report-heartbeat-{attempt.run_id}", daemon=True
        )

    def _beat(self) -> None:
        try:
            while not self.stop.wait(self.interval):
                try:
                    self.attempt.write()
                except Superseded:
                    return
                except Exception:  # a database hiccup: the next beat tries again
                    log.warning(
                        "Heartbeat of report run %s failed", self.attempt.run_id, exc_info=True
                    )
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


class _Progress:
    """Writes progress (and so a heartbeat) to the run's row at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, attempt: _Attempt, start: float, share: float):
        self.attempt, self.start, self.share = attempt, start, share
        self.last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.attempt.superseded.is_set():
            raise Superseded
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and fraction < 1:
            return
        self.last = now
        value = self.start + self.share * max(0.0, min(1.0, float(fraction)))
        self.attempt.write(progress=value, message=message[:300])


def build_document(
    *,
    actor: Actor,
    organisation: Organisation,
    report: registry.ReportType,
    raw: dict,
    progress=None,
) -> Document:
    """The report's document (the command line renders it itself)."""
    params = check_request(actor=actor, organisation=organisation, report=report, raw=raw)
    return report.build(
        actor=actor,
        organisation=organisation,
        progress=progress or (lambda f, m="": None),
        **params,
    )


def execute(run_id: int, *, actor: Actor | None = None, heartbeat: bool = False) -> None:
    """Build and render one run, recording progress; a failure is recorded on the run, not raised.

    Only a queued run is started (a second delivery of the same task finds it taken and returns).
    `heartbeat` adds the heartbeat thread: a worker's runs have it, runs built in a request do not.
    """
    started = timezone.now()
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING,
        started_at=started,
        heartbeat_at=started,
        attempts=F("attempts") + 1,
        worker=worker_name()[:200],
    )
    if not claimed:
        log.info("Report run %s is not queued any more; nothing to do", run_id)
        return
    run = ReportRun.objects.select_related("organisation", "requested_by").get(pk=run_id)
    attempt = _Attempt(run.pk, run.attempts)
    try:
        with _Heartbeat(attempt) if heartbeat else contextlib.nullcontext():
            document, files = _build(run, attempt, actor)
        attempt.write(
            status=ReportRun.Status.DONE,
            title=document.title[:300],
            progress=1.0,
            message="Ready",
            files=files,
            finished_at=timezone.now(),
        )
    except Superseded:
        # The reaper took this run from us (it looked dead): our half of its files is no one's.
        log.warning("Report run %s attempt %s was superseded", run.pk, attempt.attempt)
        delete_run_files(run)
    except InputError as exc:
        _fail(attempt, run, exc.describe())
    except KeyboardInterrupt:
        # The worker is stopping (Ctrl+C, or SIGTERM past the shutdown timeout): queue it again now
        # rather than leave it for the reaper.
        _requeue(
            run, attempt.attempt, "The worker stopped; the report will start again.", stopped=True
        )
        raise
    except Exception as exc:  # a report that cannot be made must say so on the page, not vanish
        log.exception("Report run %s (%s) failed", run.pk, run.report)
        _fail(
            attempt,
            run,
            f"The report could not be made ({type(exc).__name__}). The error has been logged.",
        )


def _build(run: ReportRun, attempt: _Attempt, actor: Actor | None) -> tuple[Document, dict]:
    report = registry.get(run.report)
    if actor is None:
        # A worker acts for whoever asked, with their role today; the command line's runs have no one.
        actor = (
            Actor.for_user(
                run.requested_by,
                Membership.objects.filter(user=run.requested_by, organisation=run.organisation),
            )
            if run.requested_by
            else operator_actor(run.organisation)
        )
    document = build_document(
        actor=actor,
        organisation=run.organisation,
        report=report,
        raw=dict(run.parameters),
        progress=_Progress(attempt, 0.0, BUILD_SHARE),
    )
    files = write_files(run, document, progress=_Progress(attempt, BUILD_SHARE, 1 - BUILD_SHARE))
    return document, files


def _fail(attempt: _Attempt, run: ReportRun, error: str) -> None:
    try:
        attempt.write(
            status=ReportRun.Status.FAILED,
            error=error,
            message="Failed",
            finished_at=timezone.now(),
        )
    except Superseded:
        delete_run_files(run)


def _requeue(run: ReportRun, attempt: int, message: str, *, stopped: bool = False) -> bool:
    """Put a running run back in the queue, in a fresh folder; False if someone else already did.

    A run its worker `stopped` cleanly (a deploy) gets its attempt back: only deaths count.
    """
    moved = ReportRun.objects.filter(
        pk=run.pk, status=ReportRun.Status.RUNNING, attempts=attempt
    ).update(
        attempts=attempt - 1 if stopped else attempt,
        status=ReportRun.Status.QUEUED,
        folder=new_folder(),
        progress=0.0,
        message=message[:300],
        heartbeat_at=None,
        worker="",
    )
    if moved:
        delete_run_files(run)  # `run` still names the old folder
        transaction.on_commit(lambda: enqueue(run.pk))
    return bool(moved)


def stale_runs(runs=None):
    """Unfinished runs that will not finish: the heartbeat is past the bound, or none picked it up."""
    runs = ReportRun.objects.all() if runs is None else runs
    now = timezone.now()
    beat_before = now - heartbeat_timeout()
    return runs.filter(
        Q(status=ReportRun.Status.RUNNING, heartbeat_at__lt=beat_before)
        | Q(status=ReportRun.Status.RUNNING, heartbeat_at__isnull=True, started_at__lt=beat_before)
        | Q(status=ReportRun.Status.QUEUED, created_at__lt=now - QUEUED_STALE_AFTER)
    )


def recover_stale_runs(runs=None) -> dict[str, int]:
    """Start again (up to SOCIALVALUE_REPORT_ATTEMPTS in all) or fail every stale run, deleting its
    partial files. Each change is conditional on the row being as it was read, so reapers running
    at once (several workers, a page view) change each run once: no run is queued twice.
    """
    counts = {"restarted": 0, "failed": 0}
    for run in stale_runs(runs):
        if run.status == ReportRun.Status.QUEUED:
            failed = ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.QUEUED).update(
                status=ReportRun.Status.FAILED,
                error="No worker picked this report up: ask the operator to start `socialvalue worker`.",
                message="Failed",
                finished_at=timezone.now(),
            )
            counts["failed"] += failed
            continue
        if run.attempts < settings.SOCIALVALUE_REPORT_ATTEMPTS:
            if _requeue(run, run.attempts, "Starting again: the worker building it stopped"):
                counts["restarted"] += 1
                log.warning(
                    "Report run %s had no heartbeat since %s: queued again",
                    run.pk,
                    run.heartbeat_at,
                )
            continue
        failed = ReportRun.objects.filter(
            pk=run.pk, status=ReportRun.Status.RUNNING, attempts=run.attempts
        ).update(
            status=ReportRun.Status.FAILED,
            error=WORKER_STOPPED,
            message="Failed",
            finished_at=timezone.now(),
        )
        if failed:
            delete_run_files(run)
            counts["failed"] += 1
            log.warning("Report run %s had no heartbeat since %s: failed", run.pk, run.heartbeat_at)
    return counts


def remove_expired_files(*, days: int | None = None) -> int:
    """Delete the files of runs finished more than `days` ago (SOCIALVALUE_REPORT_RETENTION_DAYS);
    the runs stay listed, marked as having no files. Returns how many runs lost their files."""
    days = settings.SOCIALVALUE_REPORT_RETENTION_DAYS if days is None else days
    before = timezone.now() - timedelta(days=days)
    removed = 0
    expired = ReportRun.objects.filter(
        status__in=(ReportRun.Status.DONE, ReportRun.Status.FAILED),
        finished_at__lt=before,
        files_removed_at__isnull=True,
    )
    for run in expired.only("pk", "folder"):
        delete_run_files(run)
        removed += ReportRun.objects.filter(pk=run.pk, files_removed_at__isnull=True).update(
            files={}, files_removed_at=timezone.now()
        )
    return removed


def write_files(run: ReportRun, document: Document, *, progress=None) -> dict[str, dict]:
    """The screen's HTML and every download, written to storage under the run's folder."""
    steps = ("html", *DOWNLOAD_FORMATS)
    files: dict[str, dict] = {}
    for number, fmt in enumerate(steps):
        if progress:
            progress(
                number / len(steps),
                f"Writing the {FORMAT_NAMES[fmt]} file" if fmt != "html" else "Laying out the page",
            )
        if fmt == "html":
            storage.write(stored_name(run, SCREEN_FILE), html_fragment(document).encode("utf-8"))
            continue
        data = render(document, fmt)
        storage.write(stored_name(run, f"report.{fmt}"), data)
        files[fmt] = {"name": document.file_name(fmt), "size": len(data)}
    return files


def screen_html(run: ReportRun) -> str:
    try:
        return storage.read_bytes(stored_name(run, SCREEN_FILE)).decode("utf-8")
    except FileNotFoundError:
        return ""


def open_file(run: ReportRun, fmt: str) -> tuple[IO[bytes], int] | None:
    """A stream of the run's file in `fmt` and its size, or None when it has none (yet)."""
    if fmt not in DOWNLOAD_FORMATS or fmt not in run.files:
        return None
    try:
        return storage.open_stream(stored_name(run, f"report.{fmt}"))
    except FileNotFoundError:
        return None


def read_file(run: ReportRun, fmt: str) -> bytes | None:
    opened = open_file(run, fmt)
    if opened is None:
        return None
    handle, _ = opened
    try:
        return handle.read()
    finally:
        handle.close()


def delete_run_files(run: ReportRun) -> None:
    storage.delete_prefix(run_folder(run))
