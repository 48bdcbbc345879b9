"""On the demo: the council runs its annual evaluation, reads it on screen and downloads the PDF; a provider its SROI report."""

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, email: str) -> None:
    page.goto("/reports/")
    page.check_accessibility()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Reports", level=1).wait_for()
    page.check_accessibility()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    page.check_accessibility()


def _pdf_text(download) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        download.save_as(path)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def test_council_runs_reads_and_downloads_its_annual_evaluation(page):
    from django.apps import apps

    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.shipped import load_all

    load_all(apps)  # browser tests empty the database between tests; the shipped data comes back
    load_demo(password=PASSWORD)

    _sign_in(page, "commissioner@riverside.example")
    page.get_by_role("link", name="Annual social value evaluation", exact=True).click()
    page.get_by_role("heading", name="Annual social value evaluation", level=1).wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Run report").click()
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text().startswith("Annual social value evaluation 20")
    page.get_by_role("heading", name="Download this report").wait_for()
    page.check_accessibility()
    page.screenshot_as("report-annual-evaluation")
    delivered = page.locator(".sv-key-figure", has_text="Social value delivered").locator(
        ".sv-key-figure__value"
    )
    figure = delivered.inner_text()
    assert figure.startswith("£")
    # The chart's numbers are a table too, behind "Show the data".
    page.get_by_text("Show the data: Value by theme").click()
    page.get_by_role("table", name="Value by theme").first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.startswith("annual-social-value-evaluation-")
    assert figure in _pdf_text(download.value)
    _sign_out(page)


def test_provider_runs_the_sroi_report_of_its_analysis(page):
    from django.apps import apps

    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.shipped import load_all

    load_all(apps)
    load_demo(password=PASSWORD)

    _sign_in(page, "lead@brightwater.example")
    page.get_by_role("link", name="SROI report", exact=True).click()
    page.check_accessibility()
    page.get_by_role("button", name="Run report").click()  # without choosing: the error says so
    page.get_by_role("link", name="Choose the SROI analysis").wait_for()
    page.check_accessibility()
    page.get_by_label("SROI analysis").select_option(index=1)
    page.get_by_role("button", name="Run report").click()
    page.get_by_role("heading", name="Download this report").wait_for()
    page.check_accessibility()
    page.screenshot_as("report-sroi")
    ratio = page.locator(".sv-key-figure", has_text="SROI ratio").locator(".sv-key-figure__value")
    assert ratio.inner_text().endswith(": 1")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").click()
    assert download.value.suggested_filename.endswith(".docx")
