"""The contract pages as the commissioner, the provider and an outsider see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.contracts.models import LineReview, Return, ReturnLine
from tests.web.contracts.factories import contract_between, parties, submit_checked

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.order_by("period_index").first()
    return p


def _lines(r):
    return list(r.lines.order_by("commitment__position"))


def test_commissioner_sees_the_rag_list_and_the_status_rule(client, world):
    client.force_login(world.commissioner)
    page = client.get("/contracts/").content.decode()
    assert "Home care north" in page and "Bright Care" in page
    detail = client.get(f"/contracts/{world.contract.pk}/").content.decode()
    assert "at least 110% of the target to date" in detail
    assert "Hospital admissions avoided" in detail


def test_provider_sees_its_contract_and_an_outsider_gets_404(client, world):
    client.force_login(world.provider_lead)
    assert "Home care north" in client.get("/contracts/").content.decode()
    assert client.get(f"/contracts/{world.contract.pk}/").status_code == 200
    client.force_login(world.outsider)
    assert "Home care north" not in client.get("/contracts/").content.decode()
    assert client.get(f"/contracts/{world.contract.pk}/").status_code == 404
    assert client.get(f"/returns/{world.first.pk}/").status_code == 404


def test_provider_submits_with_evidence_and_the_commissioner_verifies(client, world):
    fiscal, economic = _lines(world.first)
    client.force_login(world.provider_lead)
    response = client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{fiscal.pk}": "2",
            f"quantity_{economic.pk}": "",
            "narrative": "Busy quarter",
            "continue": "1",
        },
    )
    assert response.status_code == 200
    assert "Enter the quantity delivered for Local people hired" in response.content.decode()
    response = client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{fiscal.pk}": "2",
            f"quantity_{economic.pk}": "3",
            "narrative": "Busy quarter",
            "evidence": [SimpleUploadedFile("register.pdf", PDF)],
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert submit_checked(client, world.first).status_code == 302
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.SUBMITTED
    stored = world.first.files.get()
    assert stored.original_name == "register.pdf"
    # The provider cannot verify its own return.
    assert client.post(f"/returns/{world.first.pk}/verify/", {}).status_code == 403

    client.force_login(world.commissioner)
    page = client.get(f"/returns/{world.first.pk}/").content.decode()
    assert "register.pdf" in page and "Verify this return" in page
    # Each line's decision and reason say which line they are for.
    for line in (fiscal, economic):
        assert f"Decision on “{line.commitment.title}”" in page
        assert f"Reason for the decision on “{line.commitment.title}”" in page
    download = client.get(f"/returns/{world.first.pk}/files/{stored.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    missing_reason = client.post(
        f"/returns/{world.first.pk}/verify/",
        {f"decision_{fiscal.pk}": "accepted", f"decision_{economic.pk}": "queried"},
    )
    assert missing_reason.status_code == 400
    assert "Give the reason for the query of Local people hired" in missing_reason.content.decode()
    client.post(
        f"/returns/{world.first.pk}/verify/",
        {
            f"decision_{fiscal.pk}": "accepted",
            f"decision_{economic.pk}": "queried",
            f"reason_{economic.pk}": "Which people?",
        },
    )
    economic.refresh_from_db()
    assert economic.verification == LineReview.QUERIED and economic.reason == "Which people?"
    assert AuditEvent.objects.filter(
        object_type="contracts.ReturnLine", object_id=str(economic.pk), action="update"
    ).exists()

    # The provider answers the query and resubmits only that line.
    client.force_login(world.provider_lead)
    form = client.get(f"/returns/{world.first.pk}/report/").content.decode()
    assert "Which people?" in form and f"quantity_{fiscal.pk}" not in form
    client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{economic.pk}": "3",
            f"response_{economic.pk}": "Three care assistants from Riverside North",
            "narrative": "Busy quarter",
            "continue": "1",
        },
    )
    submit_checked(client, world.first)
    economic.refresh_from_db()
    assert economic.verification == LineReview.PENDING
    assert ReturnLine.objects.get(pk=fiscal.pk).verification == LineReview.ACCEPTED


def test_outsider_cannot_download_evidence(client, world):
    fiscal, economic = _lines(world.first)
    client.force_login(world.provider_lead)
    client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{fiscal.pk}": "1",
            f"quantity_{economic.pk}": "1",
            "evidence": [SimpleUploadedFile("a.pdf", PDF)],
            "draft": "1",
        },
    )
    stored = world.first.files.get()
    client.force_login(world.outsider)
    assert client.get(f"/returns/{world.first.pk}/files/{stored.pk}/").status_code == 404


def test_a_file_that_is_not_what_it_claims_is_refused_by_name(client, world):
    fiscal, economic = _lines(world.first)
    client.force_login(world.provider_lead)
    response = client.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{fiscal.pk}": "1",
            f"quantity_{economic.pk}": "1",
            "evidence": [SimpleUploadedFile("photo.pdf", b"MZ\x90\x00 not a pdf")],
            "continue": "1",
        },
    )
    assert response.status_code == 200
    assert "photo.pdf" in response.content.decode()
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.DUE


def test_commissioner_enters_a_contract_and_adds_a_commitment(client, world):
    from tests.web.contracts.factories import measures

    fiscal, _ = measures()
    client.force_login(world.commissioner)
    bad = client.post(
        "/contracts/new/",
        {
            "title": "Meals",
            "value": "10",
            "start_date": "2025-04-01",
            "end_date": "2025-01-01",
            "reporting_frequency": "quarterly",
        },
    )
    body = bad.content.decode()
    assert "The end date must be on or after the start date" in body
    assert "Choose the provider" in body
    response = client.post(
        "/contracts/new/",
        {
            "title": "Meals on wheels",
            "provider": world.provider.pk,
            "value": "120000",
            "start_date": "2025-04-01",
            "end_date": "2026-03-31",
            "reporting_frequency": "quarterly",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    response = client.post(url, {"measure": fiscal.pk, "target_quantity": "4", "profile": "even"})
    assert response.status_code == 302
    contract = world.council.commissioned_contracts.get(title="Meals on wheels")
    assert contract.commitments.get().committed_value == 8000
    assert contract.returns.count() == 4
    # The provider cannot add commitments to it.
    client.force_login(world.provider_lead)
    assert client.get(url).status_code == 403


def test_portfolio_shows_figures_with_drill_down(client, world):
    fiscal, economic = _lines(world.first)
    from socialvalue.web.contracts.services import Decision, LineReport, save_return, verify_return

    save_return(
        world.first,
        by=world.provider_lead,
        narrative="",
        submit=True,
        lines=[LineReport(fiscal.commitment_id, 1), LineReport(economic.commitment_id, 2)],
    )
    verify_return(world.first, by=world.commissioner, decisions=[Decision(fiscal.pk, "accepted")])
    client.force_login(world.commissioner)
    page = client.get("/portfolio/?year=2024").content.decode()
    assert "Social value portfolio: 2024/25" in page
    assert "£2,000" in page  # the verified fiscal value
    assert "By theme" in page and "Health" in page and "data:image/svg+xml;base64," in page
    lines = client.get(
        "/portfolio/lines/?dimension=total&key=all&figure=verified&year=2024"
    ).content.decode()
    assert "1 line adding up to <strong>£2,000.00</strong>" in lines
    assert "Hospital admissions avoided" in lines
    assert client.get("/portfolio/lines/?dimension=nonsense&key=1").status_code == 404
    # A provider has no portfolio of contracts it commissions.
    client.force_login(world.provider_lead)
    assert client.get("/portfolio/").status_code == 404


def test_portfolio_downloads_read_back_in_excel_and_csv(client, world):
    import csv
    import io

    import openpyxl

    from socialvalue.web.contracts.services import LineReport, save_return

    fiscal, economic = _lines(world.first)
    save_return(
        world.first,
        by=world.provider_lead,
        narrative="",
        submit=True,
        lines=[LineReport(fiscal.commitment_id, 1), LineReport(economic.commitment_id, 2)],
    )
    client.force_login(world.commissioner)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get("/portfolio/download.xlsx?year=2024").content)
    )
    assert "By theme" in workbook.sheetnames
    rows = list(workbook["By theme"].iter_rows(values_only=True))
    themes = {row[0]: row for row in rows if row and row[0] in ("Health", "Jobs")}
    assert themes["Health"][3] == 2000  # delivered £
    text = client.get("/portfolio/download.csv").content.decode("utf-8-sig")
    assert "By provider" in text and any("Bright Care" in r for r in csv.reader(io.StringIO(text)))
    notes = [line for line in text.splitlines() if line.startswith("#")]
    assert text.startswith("# Notes on these figures")
    assert any("Price basis: every pound is in 2024 prices" in line for line in notes)
    assert any("gross" in line for line in notes) and any("claim" in line for line in notes)
    assert "Notes" in workbook.sheetnames
    bare = client.get("/portfolio/download.csv?notes=0").content.decode("utf-8-sig")
    assert not bare.startswith("#") and "By provider" in bare
    assert client.get("/portfolio/download.pdf").status_code == 404


def test_commissioner_removes_a_commitment_only_while_nothing_is_reported(client, world):
    fiscal, economic = _lines(world.first)
    from socialvalue.web.contracts.services import LineReport, save_return

    save_return(
        world.first,
        by=world.provider_lead,
        narrative="",
        lines=[LineReport(fiscal.commitment_id, 1)],
    )
    client.force_login(world.provider_lead)
    url = f"/contracts/{world.contract.pk}/commitments/{economic.commitment_id}/remove/"
    assert client.post(url).status_code == 403
    client.force_login(world.commissioner)
    client.post(f"/contracts/{world.contract.pk}/commitments/{fiscal.commitment_id}/remove/")
    assert world.contract.commitments.filter(pk=fiscal.commitment_id).exists()
    client.post(url)
    assert not world.contract.commitments.filter(pk=economic.commitment_id).exists()
