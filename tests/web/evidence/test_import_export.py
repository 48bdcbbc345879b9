"""Importing evidence (all or nothing, every bad row named) and exporting it (formula-safe, same figures as the screen)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from socialvalue.core.errors import InputError
from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.evidence import importing, services
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.search import services as search
from socialvalue.web.tenancy import Actor
from tests.web.evidence.factories import evidence

pytestmark = pytest.mark.django_db

GOOD = """measure,activity,quantity,period_start,period_end,note,id
ALC-1,Community lunch club,3,2025-04-01,2025-04-30,Timesheets,77
alc-2,community lunch club,12,2025-05,,Visits log,
ALC-1,Community lunch club,"1,250",01/06/2025,30/06/2025,,
"""

BAD = """Measure,Activity,Quantity,Period start,Period end
ALC-1,Community lunch club,3,2025-04-01,2025-04-30
NOPE-9,Community lunch club,3,2025-04-01,2025-04-30
ALC-1,Knitting circle,-1,2025-04-01,2025-04-30
ALC-1,Community lunch club,3,2025-04-31,2025-04-30
ALC-1,Community lunch club,3,2025-05-01,
"""


def _write(tmp_path, text: str, name: str = "evidence.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_imported_with_values(tmp_path, demo_world, alice_setup):
    alice = demo_world.alice_org
    count = importing.import_file(
        _write(tmp_path, GOOD), organisation=alice, user=demo_world.editor
    )
    assert count == 3
    records = list(Evidence.objects.order_by("period_start"))
    assert [r.quantity for r in records] == [3, 12, 1250]
    assert records[1].period_start.isoformat() == "2025-05-01"
    assert records[1].period_end.isoformat() == "2025-05-31"
    assert records[1].value is None  # ALC-2 is counted, not valued
    one = records[0].value / 3
    assert abs(records[2].value - 1250 * one) < Decimal("0.01") * 1250
    assert records[2].value == services.valuation_fields(records[2].measure, 1250)["value"]
    assert all(r.recorded_by == demo_world.editor for r in records)
    event = AuditEvent.objects.get(object_id="import")
    assert event.changes["records"] == [None, 3] and event.actor_email == demo_world.editor.email


def test_a_file_longer_than_one_statement_saves_every_row_and_is_found_by_search(
    tmp_path, demo_world, alice_setup
):
    per_statement = importing._rows_per_statement(len(Evidence._meta.concrete_fields) - 1)
    rows = 2 * per_statement + 7
    lines = ["measure,activity,quantity,period_start,note"] + [
        f"ALC-1,Community lunch club,{n + 1},2025-04,Register {n + 1} signed" for n in range(rows)
    ]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    assert importing.import_file(path, organisation=demo_world.alice_org) == rows
    saved = Evidence.objects.filter(organisation=demo_world.alice_org)
    assert saved.count() == rows
    assert sorted(saved.values_list("quantity", flat=True)) == list(range(1, rows + 1))
    assert sorted(saved.values_list("note", flat=True))[:2] == [
        "Register 1 signed",
        "Register 10 signed",
    ]
    found = search.search(Actor.for_user(demo_world.admin), "register signed")
    assert found.counts == {"evidence": rows}


def test_every_bad_row_is_named_and_nothing_is_saved(tmp_path, demo_world, alice_setup):
    with pytest.raises(InputError) as caught:
        importing.import_file(_write(tmp_path, BAD), organisation=demo_world.alice_org)
    places = [(p.place, p.message) for p in caught.value.problems]
    assert places == [
        ("row 3, Measure", "'NOPE-9' is not a measure in a value set your organisation can use."),
        ("row 4, Activity", "'Knitting circle' is not one of your organisation's activities."),
        ("row 4, Quantity", "Enter a quantity of 0 or more; correct a record by editing it."),
        (
            "row 5, Period start",
            "'2025-04-31' is not a date: write it as 2025-04-30 or 30/04/2025.",
        ),
        (
            "row 6, Period end",
            "Enter the last day of the period, or give period_start as a month (2025-04).",
        ),
    ]
    assert not Evidence.objects.exists()


def test_another_organisations_measures_and_activities_cannot_be_named(
    tmp_path, demo_world, alice_setup
):
    # Charlie's organisation has no activity called that, and Alice's licensed set is not his.
    with pytest.raises(InputError) as caught:
        importing.import_file(_write(tmp_path, GOOD), organisation=demo_world.other_org)
    assert {p.place.split(", ")[1] for p in caught.value.problems} == {"measure", "activity"}


def test_a_missing_column_is_named(tmp_path, demo_world, alice_setup):
    with pytest.raises(InputError, match="the header row has no activity, quantity column"):
        importing.import_file(
            _write(tmp_path, "measure,period_start\nALC-1,2025-04\n"),
            organisation=demo_world.alice_org,
        )


def test_a_program_renamed_csv_is_refused(tmp_path, demo_world, alice_setup):
    path = tmp_path / "evidence.csv"
    path.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(InputError, match="is not a CSV file or an Excel workbook"):
        importing.import_file(path, organisation=demo_world.alice_org)


def test_an_xlsx_with_real_dates_imports(tmp_path, demo_world, alice_setup):
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Measure", "Activity", "Quantity", "Period start", "Period end"])
    sheet.append(
        ["ALC-1", "Community lunch club", 2, dt.datetime(2025, 4, 1), dt.datetime(2025, 4, 30)]
    )
    path = tmp_path / "evidence.xlsx"
    workbook.save(path)
    assert importing.import_file(path, organisation=demo_world.alice_org) == 1


def test_the_web_import_checks_then_saves(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    upload = io.BytesIO(GOOD.encode())
    upload.name = "april.csv"
    response = client.post("/evidence/import/", {"file": upload})
    page = response.content.decode()
    assert "Check before importing" in page and "Columns left out" in page
    assert not Evidence.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    response = client.post("/evidence/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert Evidence.objects.count() == 3


def test_the_web_import_lists_bad_rows(signed_in, demo_world, alice_setup):
    client = signed_in(demo_world.editor)
    upload = io.BytesIO(BAD.encode())
    upload.name = "bad.csv"
    page = client.post("/evidence/import/", {"file": upload}).content.decode()
    assert "bad.csv has 5 problems in 4 rows. Nothing has been imported" in page
    assert "Knitting circle" in page
    assert not Evidence.objects.exists()


def test_exports_hold_the_figures_on_screen_and_are_formula_safe(
    signed_in, demo_world, alice_setup
):
    alice = demo_world.alice_org
    evidence(alice, quantity="3", note='=HYPERLINK("http://evil.example")')
    evidence(alice, quantity="5", month=5)
    client = signed_in(demo_world.viewer)
    screen_total = client.get("/evidence/").context["totals"].value

    response = client.get("/evidence/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    values = [Decimal(str(r[header.index("value")])) for r in body]
    assert sum(values) == screen_total
    notes = [r[header.index("note")] for r in body]
    assert '\'=HYPERLINK("http://evil.example")' in notes

    text = b"".join(client.get("/evidence/export.csv?notes=0").streaming_content)
    reader = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert sum(Decimal(r["value"]) for r in reader) == screen_total
    assert any(r["note"].startswith("'=") for r in reader)


def test_exports_state_the_price_basis_and_what_is_verified(signed_in, demo_world, alice_setup):
    alice = demo_world.alice_org
    evidence(alice, quantity="3")
    evidence(alice, quantity="5", month=5)
    client = signed_in(demo_world.viewer)

    text = b"".join(client.get("/evidence/export.csv").streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    notes = [line for line in lines if line.startswith("#")]
    assert lines[: len(notes)] == notes  # the notes lead, then the header
    assert lines[len(notes)].startswith("measure,")
    assert any("Price basis: value is in 2024 prices." in line for line in notes)
    assert any("gross" in line for line in notes)
    assert any("0 records verified" in line and "2 records claimed" in line for line in notes)
    # a machine reader skips them, as pandas does with comment="#"
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == 2

    response = client.get("/evidence/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Evidence", "Notes"]
    written = [row[0] for row in book["Notes"].iter_rows(values_only=True) if row[0]]
    assert written[0] == "Notes on these figures"
    assert any("2024 prices" in note for note in written)


def test_an_export_imports_back(tmp_path, signed_in, demo_world, alice_setup):
    evidence(demo_world.alice_org, quantity="7", note="Round trip")
    client = signed_in(demo_world.viewer)
    path = tmp_path / "export.csv"
    path.write_bytes(b"".join(client.get("/evidence/export.csv").streaming_content))
    plan = importing.check_file(path, organisation=demo_world.alice_org)
    (record,) = plan.records
    assert record.quantity == 7 and record.note == "Round trip"
    assert "verification" in plan.ignored_columns
