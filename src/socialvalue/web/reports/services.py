"""Running a report: check its parameters, build its document once, render every format to files."""

from __future__ import annotations

import logging
import threading
import time
from typing import IO, Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from socialvalue.core.errors import InputError
from socialvalue.reports import Document, html_fragment, render
from socialvalue.web.accounts.models import Membership, Organisation, Role
from socialvalue.web.files import storage
from socialvalue.web.tenancy import Actor

from . import registry
from .models import DOWNLOAD_FORMATS, FORMAT_NAMES, ReportRun

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
    """Check the request, record the run, and run it: now, or in a thread for a long report.

    `wait` forces one or the other; by default long reports run in the background except under
    tests (settings.TESTING), where everything runs now so tests see the finished run.
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
        transaction.on_commit(lambda: _start_thread(run.pk, actor))
    return run


def _start_thread(run_id: int, actor: Actor) -> None:
    def target() -> None:
        # The thread has its own database connection: fresh at the start, closed at the end.
        close_old_connections()
        try:
            execute(run_id, actor=actor)
        finally:
            connection.close()

    threading.Thread(target=target, name=f"report-run-{run_id}", daemon=True).start()


class _Progress:
    """Writes progress to the run's row at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, run_id: int, start: float, share: float):
        self.run_id, self.start, self.share = run_id, start, share
        self.last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL and fraction < 1:
            return
        self.last = now
        value = self.start + self.share * max(0.0, min(1.0, float(fraction)))
        ReportRun.objects.filter(pk=self.run_id).update(progress=value, message=message[:300])


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


def execute(run_id: int, *, actor: Actor | None = None) -> None:
    """Build and render one run, recording progress; a failure is recorded on the run, not raised."""
    run = ReportRun.objects.select_related("organisation", "requested_by").get(pk=run_id)
    run.status, run.started_at = ReportRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        report = registry.get(run.report)
        if actor is None:
            actor = Actor.for_user(
                run.requested_by,
                Membership.objects.filter(user=run.requested_by, organisation=run.organisation),
            )
        document = build_document(
            actor=actor,
            organisation=run.organisation,
            report=report,
            raw=dict(run.parameters),
            progress=_Progress(run.pk, 0.0, BUILD_SHARE),
        )
        files = write_files(run, document, progress=_Progress(run.pk, BUILD_SHARE, 1 - BUILD_SHARE))
    except InputError as exc:
        _fail(run, exc.describe())
        return
    except Exception as exc:  # a report that cannot be made must say so on the page, not vanish
        log.exception("Report run %s (%s) failed", run.pk, run.report)
        _fail(
            run, f"The report could not be made ({type(exc).__name__}). The error has been logged."
        )
        return
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        title=document.title[:300],
        progress=1.0,
        message="Ready",
        files=files,
        finished_at=timezone.now(),
    )


def _fail(run: ReportRun, error: str) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED, error=error, message="Failed", finished_at=timezone.now()
    )


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
