"""Running reports on the web and through the API: parameters, progress, the screen and every download."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from socialvalue.core.errors import InputError
from socialvalue.reports.formatting import money
from socialvalue.web.files import storage
from socialvalue.web.reports import registry, services
from socialvalue.web.reports.models import ReportRun
from socialvalue.web.tenancy import Actor
from tests.factories import bearer
from tests.reports.readers import csv_rows, docx_text, pdf_text, xlsx_values
from tests.web.reports.factories import FIGURES, INJECTION, finished_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def figures_report():
    registry.register(FIGURES)
    yield FIGURES
    registry._reports.pop(FIGURES.name, None)


def _run(client, world, year="2025"):
    client.force_login(world.editor)
    return client.post("/reports/test-figures/", {"year": year})


def test_the_list_shows_the_reports_for_the_organisations_kind(client, demo_world):
    client.force_login(demo_world.viewer)
    page = client.get("/reports/").content.decode()
    assert "Test figures" in page
    commissioner_only = registry.ReportType(
        "council-only", "Council only", "x", FIGURES.build, audience=("commissioner",)
    )
    registry.register(commissioner_only)
    try:
        assert "Council only" not in client.get("/reports/").content.decode()
        assert client.get("/reports/council-only/").status_code == 404
    finally:
        registry._reports.pop("council-only")


def test_running_a_report_shows_it_on_screen_with_every_download(client, demo_world):
    response = _run(client, demo_world)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/runs/{run.pk}/"
    assert run.status == "done" and run.progress == 1.0 and run.title == "Test figures 2025/26"
    assert run.parameters == {"year": "2025"} and run.requested_by == demo_world.editor
    page = client.get(response["Location"]).content.decode()
    delivered = money(25_000.4)
    assert delivered in page and "62.5%" in page
    assert "<script>alert" not in page
    for fmt in ("pdf", "docx", "xlsx", "csv"):
        assert f"/reports/runs/{run.pk}/download.{fmt}" in page


def test_every_download_carries_the_screens_figures(client, demo_world):
    _run(client, demo_world, "2024")
    run = ReportRun.objects.get()
    files = {}
    for fmt in ("pdf", "docx", "xlsx", "csv"):
        response = client.get(f"/reports/runs/{run.pk}/download.{fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert f'filename="test-figures-2024-25.{fmt}"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        files[fmt] = b"".join(response.streaming_content)
    shown = money(24_000.4)
    assert shown in pdf_text(files["pdf"]) and shown in docx_text(files["docx"])
    summary = xlsx_values(files["xlsx"])["Summary"]
    assert ("Value delivered", 24000.4, None) in summary
    assert ["Value delivered", "24000.4", ""] in csv_rows(files["csv"])


def test_a_formula_in_a_case_study_title_downloads_as_text(client, demo_world):
    _run(client, demo_world)
    run = ReportRun.objects.get()
    data = b"".join(client.get(f"/reports/runs/{run.pk}/download.xlsx").streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Case studies"]
    cell = sheet["A5"]
    assert cell.data_type == "s" and cell.value == "'" + INJECTION
    rows = csv_rows(b"".join(client.get(f"/reports/runs/{run.pk}/download.csv").streaming_content))
    assert ["'" + INJECTION, "10.0"] in rows


def test_a_bad_parameter_is_shown_next_to_its_field_and_nothing_runs(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post("/reports/test-figures/", {"year": "1999"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_year"' in page
    assert "govuk-error-message" in page
    assert not ReportRun.objects.exists()


def test_a_missing_parameter_is_named(client, demo_world):
    client.force_login(demo_world.editor)
    page = client.post("/reports/test-figures/", {}).content.decode()
    assert "Choose the financial year" in page
    assert not ReportRun.objects.exists()


def test_links_from_other_pages_fill_in_the_parameters(client, demo_world):
    client.force_login(demo_world.viewer)
    page = client.get("/reports/test-figures/?year=2023").content.decode()
    assert '<option value="2023" selected>' in page


def test_a_report_that_fails_says_why_on_its_page(client, demo_world):
    def broken(**kwargs):
        raise InputError("contract 12: has no commitments to report on")

    registry.register(registry.ReportType("broken", "Broken", "x", broken))
    try:
        client.force_login(demo_world.editor)
        response = client.post("/reports/broken/", {})
        run = ReportRun.objects.get()
        assert run.status == "failed" and "no commitments" in run.error
        page = client.get(response["Location"]).content.decode()
        assert "The report could not be made" in page and "has no commitments" in page
    finally:
        registry._reports.pop("broken")


def test_an_unexpected_failure_is_recorded_without_leaking_details(client, demo_world):
    def crashing(**kwargs):
        raise ZeroDivisionError("secret internals")

    registry.register(registry.ReportType("crashing", "Crashing", "x", crashing))
    try:
        client.force_login(demo_world.editor)
        client.post("/reports/crashing/", {})
        run = ReportRun.objects.get()
        assert run.status == "failed" and "secret" not in run.error
        assert "ZeroDivisionError" in run.error
    finally:
        registry._reports.pop("crashing")


def test_progress_polls_while_running_and_redirects_when_done(client, demo_world):
    run = ReportRun.objects.create(
        organisation=demo_world.alice_org, report="test-figures", progress=0.42, message="Counting"
    )
    client.force_login(demo_world.viewer)
    page = client.get(f"/reports/runs/{run.pk}/").content.decode()
    assert f'hx-get="/reports/runs/{run.pk}/progress/"' in page
    assert "Counting" in page and 'value="42"' in page
    partial = client.get(f"/reports/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in partial
    services.execute(run.pk, actor=Actor.for_user(demo_world.viewer))
    run.refresh_from_db()
    assert run.status == "failed"  # the row was made without its parameter
    done = client.get(f"/reports/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == f"/reports/runs/{run.pk}/"
    assert "hx-get" not in done.content.decode()


def test_a_queued_run_finishes_when_executed_later(demo_world):
    run = ReportRun.objects.create(
        organisation=demo_world.alice_org,
        requested_by=demo_world.viewer,
        report="test-figures",
        parameters={"year": "2022"},
    )
    services.execute(run.pk)  # as the background thread does: the actor rebuilt from the row
    run.refresh_from_db()
    assert run.status == "done" and set(run.files) == {"pdf", "docx", "xlsx", "csv"}
    assert money(22_000.4) in services.screen_html(run)


def test_deleting_a_run_removes_its_files(demo_world, django_capture_on_commit_callbacks):
    run = finished_run(demo_world.alice_org, demo_world.admin)
    folder = services.run_folder(run)
    assert storage.exists(f"{folder}/report.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        run.delete()
    assert list(storage.walk(folder)) == []


def test_api_lists_runs_and_downloads(client, demo_world):
    headers = bearer(demo_world.editor)
    listed = client.get("/api/v1/reports", **headers).json()
    [figures] = [r for r in listed if r["name"] == "test-figures"]
    assert figures["organisation_ids"] == [demo_world.alice_org.id]
    assert figures["parameters"][0]["name"] == "year"
    response = client.post(
        "/api/v1/reports/test-figures/runs",
        json.dumps({"parameters": {"year": 2021}}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["status"] == "done" and run["title"] == "Test figures 2021/22"
    urls = {d["format"]: d["url"] for d in run["downloads"]}
    assert set(urls) == {"pdf", "docx", "xlsx", "csv"}
    pdf = b"".join(client.get(urls["pdf"], **headers).streaming_content)
    assert money(21_000.4) in pdf_text(pdf)
    assert client.get(f"/api/v1/reports/runs/{run['id']}", **headers).json()["progress"] == 1.0
    assert [r["id"] for r in client.get("/api/v1/reports/runs", **headers).json()["items"]] == [
        run["id"]
    ]


def test_api_names_each_bad_parameter(client, demo_world):
    response = client.post(
        "/api/v1/reports/test-figures/runs",
        json.dumps({"parameters": {"year": "soon", "colour": "red"}}),
        content_type="application/json",
        **bearer(demo_world.editor),
    )
    assert response.status_code == 400
    places = {p["place"]: p["message"] for p in response.json()["problems"]}
    assert places["year"] == "'soon' is not a year, for example 2025"
    assert "colour" in places
    assert not ReportRun.objects.exists()


def test_api_unknown_report_is_404(client, demo_world):
    response = client.post(
        "/api/v1/reports/nothing/runs",
        "{}",
        content_type="application/json",
        **bearer(demo_world.editor),
    )
    assert response.status_code == 404


def test_a_csv_download_states_its_notes_unless_asked_not_to(client, demo_world):
    _run(client, demo_world, "2024")
    run = ReportRun.objects.get()
    noted = b"".join(client.get(f"/reports/runs/{run.pk}/download.csv").streaming_content)
    assert noted.decode("utf-8-sig").splitlines()[:2] == [
        "# Notes on these figures",
        "# Price basis: every value is in 2024 prices.",
    ]
    for url in (
        f"/reports/runs/{run.pk}/download.csv?notes=0",
        f"/api/v1/reports/runs/{run.pk}/download/csv?notes=false",
    ):
        response = client.get(url, **bearer(demo_world.editor))
        bare = b"".join(response.streaming_content)
        assert response["Content-Length"] == str(len(bare))
        assert bare.decode("utf-8-sig").startswith("Test figures 2024/25")
        assert ["Value delivered", "24000.4", ""] in csv_rows(bare)
