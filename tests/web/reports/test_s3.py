"""A report run's files written to an S3 bucket (moto's server), shown and downloaded from it."""

from __future__ import annotations

import pytest

from socialvalue.reports.formatting import money
from socialvalue.web.reports import registry, services
from socialvalue.web.reports.models import ReportRun
from tests.factories import bearer
from tests.reports.readers import pdf_text
from tests.web.reports.factories import FIGURES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def figures_report():
    registry.register(FIGURES)
    yield FIGURES
    registry._reports.pop(FIGURES.name, None)


def test_a_run_writes_its_files_to_the_bucket_and_they_download_on_web_and_api(
    client, demo_world, s3, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # anything written locally by mistake would land here
    client.force_login(demo_world.editor)
    response = client.post("/reports/test-figures/", {"year": "2025"})
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    folder = services.run_folder(run)
    assert s3.keys("reports/") == sorted(
        f"{folder}/{name}"
        for name in ("screen.html", "report.pdf", "report.docx", "report.xlsx", "report.csv")
    )
    assert not any(tmp_path.rglob("*.*"))

    page = client.get(response["Location"]).content.decode()
    assert money(25_000.4) in page  # the screen's HTML, read back from the bucket

    web = client.get(f"/reports/runs/{run.pk}/download.pdf")
    assert web.status_code == 200 and "Location" not in web
    pdf = b"".join(web.streaming_content)
    assert pdf.startswith(b"%PDF") and int(web["Content-Length"]) == len(pdf)
    assert money(25_000.4) in pdf_text(pdf)
    stored = s3.client.get_object(Bucket=s3.name, Key=f"{folder}/report.pdf")["Body"].read()
    assert pdf == stored

    api = client.get(f"/api/v1/reports/runs/{run.pk}/download/csv", **bearer(demo_world.editor))
    assert api.status_code == 200
    assert b"".join(api.streaming_content) == services.read_file(run, "csv")


def test_a_missing_object_is_a_404_not_a_500(client, demo_world, s3):
    client.force_login(demo_world.editor)
    client.post("/reports/test-figures/", {"year": "2025"})
    run = ReportRun.objects.get()
    s3.client.delete_object(Bucket=s3.name, Key=f"{services.run_folder(run)}/report.docx")
    assert client.get(f"/reports/runs/{run.pk}/download.docx").status_code == 404
    assert client.get(f"/reports/runs/{run.pk}/download.pdf").status_code == 200


def test_deleting_a_run_deletes_its_objects(
    client, demo_world, s3, django_capture_on_commit_callbacks
):
    client.force_login(demo_world.editor)
    client.post("/reports/test-figures/", {"year": "2025"})
    assert len(s3.keys("reports/")) == 5
    with django_capture_on_commit_callbacks(execute=True):
        ReportRun.objects.get().delete()
    assert s3.keys("reports/") == []
