"""Every reader of .xlsx and .docx files measures the archive before parsing it: a workbook that
would expand too far, or holds too many parts, is refused with a message naming the file."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.core.errors import InputError
from socialvalue.core.formats import office
from socialvalue.core.formats.value_set import read_value_set
from socialvalue.core.sroi.loading import load_impact_map
from socialvalue.web.evidence.importing import read_table
from socialvalue.web.files.checks import check_upload
from tests.office_bombs import xlsx_bomb


@pytest.fixture
def bomb(tmp_path, monkeypatch):
    """A workbook expanding to 3 MB, with the limit lowered to 1 MB (the real limit is 200 MB:
    tests/bench/bench_uploads.py measures a 1 GB one against it)."""
    monkeypatch.setattr(office, "MAX_EXPANDED_BYTES", 1024 * 1024)
    return xlsx_bomb(tmp_path / "bomb.xlsx", 3 * 1024 * 1024)


def test_the_archive_check_names_the_file(bomb):
    with pytest.raises(InputError) as caught:
        office.check_archive(bomb, "bomb.xlsx")
    assert "bomb.xlsx" in str(caught.value) and "expand" in str(caught.value)


def test_too_many_parts_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "MAX_MEMBERS", 10)
    many = xlsx_bomb(tmp_path / "many.xlsx", 10, members=20)
    with pytest.raises(InputError, match="many.xlsx.*parts"):
        office.check_archive(many, "many.xlsx")


def test_value_set_import_refuses_it(bomb):
    with pytest.raises(InputError, match="expand"):
        read_value_set(bomb)


def test_sroi_upload_refuses_it(bomb):
    with pytest.raises(InputError, match="bomb.xlsx.*expand"):
        load_impact_map(bomb)


def test_evidence_import_refuses_it(bomb):
    with pytest.raises(InputError, match="bomb.xlsx.*expand"):
        read_table(bomb, "bomb.xlsx")


def test_every_upload_of_an_office_file_refuses_it(bomb):
    upload = SimpleUploadedFile("tender.xlsx", bomb.read_bytes())
    with pytest.raises(ValidationError, match="tender.xlsx would expand"):
        check_upload(upload)


def test_a_real_workbook_still_opens(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "hello"
    buffer = io.BytesIO()
    workbook.save(buffer)
    opened = office.open_workbook(buffer.getvalue(), "real.xlsx")
    assert opened.active["A1"].value == "hello"
    assert check_upload(SimpleUploadedFile("real.xlsx", buffer.getvalue())).code == "xlsx"
