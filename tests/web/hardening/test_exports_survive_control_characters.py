"""Text with control characters stored before the text policy (planted here straight into the
database, past every form) cannot break a download: every writer passes text through one cleaner."""

import io

import docx
import openpyxl
import pytest

from socialvalue.reports import render
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.planning.models import Activity
from socialvalue.web.statements.models import Statement
from tests.web.evidence.factories import activity, evidence, valued_measure
from tests.web.planning.factories import ActivityFactory
from tests.web.statements.factories import drafted_statement

pytestmark = pytest.mark.django_db


def _workbook_text(content: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_plan_excel_download_with_a_control_character_in_a_team(client, demo_world):
    ActivityFactory(organisation=demo_world.alice_org, name="Lunch club")
    Activity.objects.update(team="t\u000cx")
    client.force_login(demo_world.viewer)
    response = client.get("/plan/activities/download.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert "tx" in _workbook_text(content)


def test_evidence_export_with_a_bell_in_a_note(client, demo_world):
    activity(demo_world.alice_org)
    valued_measure(demo_world.alice_org)
    evidence(demo_world.alice_org, quantity="3", note="fine")
    Evidence.objects.update(note="bell\u0007")
    client.force_login(demo_world.viewer)
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/evidence/export.{fmt}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        text = _workbook_text(content) if fmt == "xlsx" else content.decode("utf-8-sig")
        assert "bell" in text and "\u0007" not in text


def _statement_document(demo_world, statement):
    from socialvalue.web.reports import registry
    from socialvalue.web.tenancy import Actor

    report = registry.get("statement")
    actor = Actor.for_user(demo_world.viewer)
    params = report.resolve(actor, demo_world.alice_org, {"statement": str(statement.pk)})
    return report.build(
        actor=actor, organisation=demo_world.alice_org, progress=lambda *a: None, **params
    )


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "pdf"])
def test_statement_report_with_a_control_character_in_its_mission(demo_world, fmt):
    statement = drafted_statement(demo_world.alice_org)
    Statement.objects.filter(pk=statement.pk).update(mission="We help\u0001 people.")
    statement.refresh_from_db()
    content = render(_statement_document(demo_world, statement), fmt)
    assert content
    if fmt == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
        assert "We help people." in text


def test_word_report_with_control_characters_in_the_organisation_name(client, demo_world):
    statement = drafted_statement(demo_world.alice_org)
    Organisation.objects.filter(pk=demo_world.alice_org.pk).update(name="Alice\u000b Care\u001f")
    client.force_login(demo_world.viewer)
    response = client.get(f"/statements/{statement.pk}/download.docx")
    assert response.status_code == 200
    word = docx.Document(io.BytesIO(response.content))
    assert "Alice Care" in "\n".join(p.text for p in word.paragraphs)
