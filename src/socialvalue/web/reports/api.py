"""API routes for reports: which can be run, run one, follow its progress and download its files."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from socialvalue.web.accounts.models import Organisation
from socialvalue.web.api.schemas import Pages, answers
from socialvalue.web.tenancy import get_visible_or_404, organisation_to_act_for, visible

from . import registry, services
from .models import ReportRun
from .views import attachment

router = Router(tags=["reports"])


class ParameterOut(Schema):
    name: str
    label: str
    required: bool
    hint: str


class ReportTypeOut(Schema):
    name: str
    title: str
    description: str
    background: bool
    parameters: list[ParameterOut]
    organisation_ids: list[int] = Field(description="Your organisations that can run it.")


class DownloadOut(Schema):
    format: str
    name: str
    size: int
    url: str


class RunOut(Schema):
    id: int
    report: str
    title: str
    organisation_id: int
    parameters: dict[str, str]
    status: str
    progress: float
    message: str
    error: str
    created_at: datetime
    finished_at: datetime | None
    downloads: list[DownloadOut]

    @staticmethod
    def resolve_downloads(obj: ReportRun) -> list[dict]:
        return [
            {
                "format": d["format"],
                "name": d["name"],
                "size": d["size"],
                "url": reverse("api:report_run_download", args=[obj.pk, d["format"]]),
            }
            for d in obj.downloads
        ]


class RunIn(Schema):
    organisation_id: int | None = Field(
        None, description="The organisation to run it for; needed when you belong to several."
    )
    parameters: dict[str, str | int] = Field(
        default_factory=dict, description='For example {"year": 2025, "contract": 12}.'
    )


@router.get("/reports", response=answers(list[ReportTypeOut]), summary="Reports you can run")
def list_reports(request: HttpRequest):
    organisations = list(visible(Organisation, request.actor))
    out = []
    for report in registry.all_reports():
        ids = [o.id for o in organisations if report.is_available_to(o)]
        if ids:
            out.append(
                {
                    "name": report.name,
                    "title": report.title,
                    "description": report.description,
                    "background": report.background,
                    "parameters": [
                        {"name": p.name, "label": p.label, "required": p.required, "hint": p.hint}
                        for p in report.parameters
                    ],
                    "organisation_ids": ids,
                }
            )
    return out


@router.post(
    "/reports/{name}/runs",
    response=answers(RunOut, 403, 404, status=201),
    summary="Run a report",
)
def run_report(request: HttpRequest, name: str, body: RunIn):
    """Starts the run and answers at once for long reports (follow `status` and `progress` at
    `GET /reports/runs/{id}`); a short report answers when it is done. Bad parameters are a 400
    naming each one."""
    report = registry.get(name)
    organisation = organisation_to_act_for(request.actor, body.organisation_id, report.role)
    run = services.start_run(
        actor=request.actor, organisation=organisation, report=report, raw=dict(body.parameters)
    )
    return Status(201, run)


@router.get("/reports/runs", response=answers(list[RunOut]), summary="Reports run, latest first")
@paginate(Pages)
def list_runs(request: HttpRequest, report: str = ""):
    runs = visible(ReportRun, request.actor)
    services.recover_stale_runs(runs)  # never list as running a run whose worker died
    return runs.filter(report=report) if report else runs


@router.get(
    "/reports/runs/{run_id}", response=answers(RunOut, 404), summary="One run and its progress"
)
def get_run(request: HttpRequest, run_id: int):
    services.recover_stale_runs(visible(ReportRun, request.actor).filter(pk=run_id))
    return get_visible_or_404(ReportRun, request.actor, pk=run_id)


@router.get(
    "/reports/runs/{run_id}/download/{file_format}",
    response=answers(None, 404),
    url_name="report_run_download",
    summary="Download a finished run's file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment.",
                "content": {
                    "application/pdf": {},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "text/csv": {},
                },
            }
        }
    },
)
def download_run(
    request: HttpRequest,
    run_id: int,
    file_format: Literal["pdf", "docx", "xlsx", "csv"],
    notes: bool = Query(
        True,
        description="CSV only: false leaves out the leading '#' lines that state the price "
        "basis and caveats, for machine readers. Excel files keep their Notes sheet.",
    ),
):

    run = get_visible_or_404(ReportRun, request.actor, pk=run_id)
    opened = services.open_file(run, file_format)
    if opened is None:
        raise Http404("This run has no such file (yet).")
    return attachment(opened, run.files[file_format]["name"], file_format, notes=notes)
