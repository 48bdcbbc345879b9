"""Uploads are judged by their content and size, and refused with a message naming the file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from socialvalue.web.files.checks import FILE_TYPES, check_upload, clean_name, download_name
from socialvalue.web.files.forms import UploadField
from tests.web.files.samples import (
    CSV_BYTES,
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    plain_zip_bytes,
    upload,
    xlsx_bytes,
)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", PDF_BYTES, "pdf"),
        ("photo.png", PNG_BYTES, "png"),
        ("photo.jpeg", JPEG_BYTES, "jpg"),
        ("register.csv", CSV_BYTES, "csv"),
        ("letter.docx", docx_bytes(), "docx"),
        ("figures.xlsx", xlsx_bytes(), "xlsx"),
    ],
)
def test_allowed_content_is_recognised(name, content, code):
    assert check_upload(upload(name, content)).code == code


@pytest.mark.parametrize(
    "name", ["report.exe", "report.pdf", "report.docx", "report.csv", "report.png", "report"]
)
def test_a_program_is_refused_whatever_its_name(name):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(name, EXE_BYTES))
    assert caught.value.messages == [
        f"{name} is not an allowed type: its content is not PDF, Word, Excel, CSV, PNG or JPEG."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("archive.docx", plain_zip_bytes()),
        ("latin1.csv", "Caf\xe9\n".encode("latin-1")),
        ("nul.csv", b"a,b\n1,\x00\n"),
        ("truncated.xlsx", xlsx_bytes()[:200]),
    ],
)
def test_lookalikes_are_refused(name, content):
    with pytest.raises(ValidationError, match="is not an allowed type"):
        check_upload(upload(name, content))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty.csv is empty"):
        check_upload(upload("empty.csv", b""))


def test_the_size_limit_comes_from_settings(settings):
    settings.MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload("big.csv", b"x" * 101))
    assert caught.value.messages == ["big.csv is 101 bytes: files must be 100 bytes or smaller."]
    assert check_upload(upload("fits.csv", b"x" * 100)).code == "csv"


def test_a_folder_sent_with_the_name_is_dropped():
    assert clean_name("C:\\Users\\grace\\report.pdf") == "report.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("line\nbreak.csv") == "linebreak.csv"
    assert clean_name("") == "file"


def test_the_download_name_ends_as_its_content_does():
    assert download_name("photo.png", FILE_TYPES["png"]) == "photo.png"
    assert download_name("photo.JPEG", FILE_TYPES["jpg"]) == "photo.JPEG"
    assert download_name("photo.pdf", FILE_TYPES["png"]) == "photo.png"
    assert download_name("minutes.2025", FILE_TYPES["pdf"]) == "minutes.2025.pdf"


def test_the_form_field_names_each_bad_file():
    field = UploadField(multiple=True)
    with pytest.raises(ValidationError) as caught:
        field.clean([upload("good.pdf", PDF_BYTES), upload("bad.pdf", EXE_BYTES)])
    assert caught.value.messages == [
        "bad.pdf is not an allowed type: its content is not PDF, Word, Excel, CSV, PNG or JPEG."
    ]
    files = field.clean([upload("a.pdf", PDF_BYTES), upload("b.png", PNG_BYTES)])
    assert [f.name for f in files] == ["a.pdf", "b.png"]


def test_the_single_form_field_refuses_a_renamed_program():
    with pytest.raises(ValidationError, match="setup.pdf is not an allowed type"):
        UploadField().clean(upload("setup.pdf", EXE_BYTES))
    assert UploadField(required=False).clean(None) is None
