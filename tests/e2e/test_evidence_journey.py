"""On the demo: Brightwater's lead records evidence with a file, exports it, writes a case study and finds it in the library."""

import io

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import choose
from tests.factories import PASSWORD
from tests.web.files.samples import EXE_BYTES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def demo_chart_png() -> bytes:
    from socialvalue.web.casestudies.demo import demo_chart_png as chart

    return chart()


def _pdf() -> bytes:
    from socialvalue.web.evidence.demo import demo_summary_pdf

    return demo_summary_pdf("Volunteer hours, October", ["120 hours from the befriending rota"])


def test_record_evidence_write_a_case_study_find_it(page):
    from django.apps import apps

    from socialvalue.web.demo import load_demo
    from socialvalue.web.measures.models import Measure
    from socialvalue.web.measures.shipped import load_all

    load_all(
        apps
    )  # browser tests empty the database between tests; the shipped data comes back here
    load_demo(password=PASSWORD)
    volunteering = Measure.objects.get(
        code="SV-VOL-01", value_set__shipped_key="socialvalue-starter"
    )

    page.goto("/evidence/")
    page.check_accessibility()
    page.get_by_label("Email address").fill("lead@brightwater.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Evidence", level=1).wait_for()
    page.check_accessibility()

    # The rejected record explains itself.
    page.get_by_label("Verification", exact=True).select_option("rejected")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**verification=rejected**")
    page.check_accessibility()
    page.locator("table a").first.click()
    page.get_by_role("heading", name="Rejected").wait_for()
    page.check_accessibility()

    # Record evidence: a program renamed .pdf is refused, a real PDF is kept.
    page.goto("/evidence/record/")
    page.check_accessibility()
    choose(page, "Activity", "befriending", "Community befriending")
    # The activity's own measures are suggested first.
    page.get_by_role("combobox", name="Measure", exact=True).fill("SV")
    expect(page.get_by_role("option").nth(2)).to_be_visible()
    first = {page.get_by_role("option").nth(i).inner_text()[:9] for i in range(3)}
    assert first == {"SV-LON-01", "SV-LON-03", "SV-VOL-01"}
    choose(page, "Measure", "volunteer hours", "SV-VOL-01 Volunteer hours given")
    assert page.locator("select[name=measure]").input_value() == str(volunteering.pk)
    page.get_by_label("Quantity", exact=True).fill("120")
    page.get_by_label("Note (optional)").fill("Befriending rota, October")
    page.get_by_label("Files (optional)").set_input_files(
        {"name": "rota.pdf", "mimeType": "application/pdf", "buffer": EXE_BYTES}
    )
    page.get_by_role("button", name="Record evidence", exact=True).click()
    page.get_by_text("There is a problem").wait_for()
    expect(page.get_by_text("rota.pdf is not an allowed type").first).to_be_visible()
    page.check_accessibility()
    page.get_by_label("Files (optional)").set_input_files(
        {"name": "rota.pdf", "mimeType": "application/pdf", "buffer": _pdf()}
    )
    page.get_by_role("button", name="Record evidence", exact=True).click()
    page.get_by_role("heading", name="How the value was worked out").wait_for()
    expect(page.get_by_text("120 × £11.44 (2024 prices) = £1,373 in 2024 prices")).to_be_visible()
    expect(page.get_by_text("Evidenced", exact=True)).to_be_visible()
    page.check_accessibility()
    page.screenshot_as("evidence-recorded")
    file_url = page.get_by_role("link", name="rota.pdf").get_attribute("href")
    download = page.request.get(file_url)
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.body().startswith(b"%PDF-")

    # The Excel export holds the figure on the screen.
    page.goto("/evidence/")
    page.check_accessibility()
    on_screen = page.locator("#total-value").get_attribute("data-value")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Excel").click()
    from decimal import Decimal

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(open(caught.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    value, verification = rows[0].index("value"), rows[0].index("verification")
    exported = sum(
        Decimal(str(r[value]))
        for r in rows[1:]
        if r[value] is not None and r[verification] != "Rejected"
    )
    assert exported == Decimal(on_screen)

    # Write a case study, share it, find it in the library.
    page.get_by_role("link", name="Case studies").first.click()
    page.get_by_role("heading", name="Case studies", level=1).wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Write a case study").or_(
        page.get_by_role("link", name="Write a case study")
    ).first.click()
    page.get_by_role("heading", name="Write a case study").wait_for()
    page.check_accessibility()
    page.get_by_label("Title", exact=True).fill("A wheelchair-accessible allotment")
    page.get_by_label("Summary", exact=True).fill(
        "Members of the lunch club now grow their own vegetables."
    )
    page.get_by_label("Story", exact=True).fill(
        "## How it started\n\nA member asked for **raised beds**."
    )
    page.get_by_label("Team", exact=True).fill("Community services")
    page.get_by_label("Area", exact=True).fill("Riverside South")
    page.get_by_label("What another team would need to repeat this").fill(
        "Raised beds, a tap, and two volunteers."
    )
    page.get_by_text("Themes, outcomes and SDGs").click()
    page.get_by_label("Goal 3: Good health and well-being", exact=False).first.check()
    page.get_by_label("Date consent was given").fill("2026-10-20")
    page.get_by_label("How consent was given and where it is recorded").fill(
        "Signed forms in the community file"
    )
    page.get_by_label("Images and files (optional)").set_input_files(
        {"name": "beds.png", "mimeType": "image/png", "buffer": demo_chart_png()}
    )
    page.get_by_label("What the images show (optional)").fill("Raised beds beside the lunch club")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("heading", name="A wheelchair-accessible allotment").wait_for()
    page.get_by_role("img", name="Raised beds beside the lunch club").wait_for()
    page.check_accessibility()
    page.get_by_role("button", name="Share in the library").click()
    page.get_by_text("Shared in the good-practice library.").wait_for()
    page.check_accessibility()
    page.screenshot_as("case-study-shared")

    page.get_by_role("link", name="Back to case studies").click()
    page.check_accessibility()
    page.get_by_label("Search the library").fill("raised beds")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    page.wait_for_url("**q=raised+beds**")
    expect(page.get_by_role("link", name="A wheelchair-accessible allotment")).to_be_visible()
    expect(page.get_by_role("heading", name="1 case study")).to_be_visible()
    page.check_accessibility()
