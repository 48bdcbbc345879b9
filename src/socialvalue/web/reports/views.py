"""Pages for reports: what the organisation can run, a report's parameters, a run's progress and result."""

from __future__ import annotations

import io
from typing import IO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from socialvalue.core.errors import InputError
from socialvalue.reports import FORMATS
from socialvalue.reports.to_csv import without_notes
from socialvalue.web.downloads import notes_wanted
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import registry, services
from .forms import RunReportForm
from .models import ReportRun

#: A downloaded report is never a page of this site: no scripts, nothing it can reach.
ATTACHMENT_POLICY = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
RECENT_RUNS = 20


def _organisation(request: HttpRequest):
    if request.organisation is None:
        raise Http404("You are not a member of an organisation.")
    return request.organisation


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    services.recover_stale_runs(visible(ReportRun, request.actor).filter(organisation=organisation))
    runs = visible(ReportRun, request.actor).filter(organisation=organisation)[:RECENT_RUNS]
    titles = {r.name: r.title for r in registry.all_reports()}
    return render(
        request,
        "reports/report_list.html",
        {"reports": registry.available_to(organisation), "runs": runs, "titles": titles},
    )


@login_required
def report_form(request: HttpRequest, name: str) -> HttpResponse:
    organisation = _organisation(request)
    report = registry.get(name)
    if not report.is_available_to(organisation):
        raise Http404("No such report.")
    actor = request.actor
    # Other pages link here with the parameters filled in (?contract=12); the user still presses Run.
    form = RunReportForm(
        request.POST if request.method == "POST" else None,
        initial=request.GET.dict(),
        report=report,
        actor=actor,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                actor=actor, organisation=organisation, report=report, raw=form.cleaned_data
            )
        except InputError as exc:
            for problem in exc.problems:
                form.add_error(
                    problem.place if problem.place in form.fields else None, problem.message
                )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("reports:run", run_id=run.pk)
    runs = visible(ReportRun, actor).filter(organisation=organisation, report=report.name)[
        :RECENT_RUNS
    ]
    return render(
        request, "reports/report_form.html", {"report": report, "form": form, "runs": runs}
    )


def _run(request: HttpRequest, run_id: int) -> ReportRun:
    # A run whose worker died is started again or failed here, before the reaper's next round:
    # a page never shows "running" past the heartbeat bound.
    services.recover_stale_runs(visible(ReportRun, request.actor).filter(pk=run_id))
    return get_visible_or_404(ReportRun, request.actor, pk=run_id)


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    report = (
        registry.get(run.report) if run.report in {r.name for r in registry.all_reports()} else None
    )
    context = {
        "run": run,
        "report": report,
        "screen": services.screen_html(run) if run.status == ReportRun.Status.DONE else "",
    }
    return render(request, "reports/run_detail.html", context)


@login_required
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress panel, polled by htmx; once the run has finished, the page reloads to show it."""
    run = _run(request, run_id)
    response = render(request, "reports/_progress.html", {"run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Redirect"] = reverse("reports:run", args=[run.pk])
    return response


@login_required
def run_download(request: HttpRequest, run_id: int, file_format: str) -> HttpResponse:
    run = _run(request, run_id)
    opened = services.open_file(run, file_format)
    if opened is None:
        raise Http404("No such file.")
    return attachment(
        opened, run.files[file_format]["name"], file_format, notes=notes_wanted(request)
    )


def attachment(
    opened: tuple[IO[bytes], int], name: str, file_format: str, *, notes: bool = True
) -> FileResponse:
    """Stream a stored file (from `services.open_file`) as a download, never a link to the storage.

    ``notes=False`` serves a CSV without its leading ``#`` notes lines (``?notes=0``).
    """
    handle, size = opened
    if file_format == "csv" and not notes:
        with handle:
            data = without_notes(handle.read())
        handle, size = io.BytesIO(data), len(data)
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=FORMATS[file_format]
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
