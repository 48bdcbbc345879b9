"""What an uploaded file really is (judged by its bytes, never its name) and whether it may be kept."""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError

from socialvalue.core.formats.office import archive_problem

#: How much of a file to read at a time when checking text and hashing.
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FileType:
    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


PDF = FileType("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = FileType(
    "docx",
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "xlsx",
    "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
CSV = FileType("csv", "CSV", "text/csv; charset=utf-8", (".csv",))
PNG = FileType("png", "PNG", "image/png", (".png",))
JPEG = FileType("jpg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))

FILE_TYPES: dict[str, FileType] = {t.code: t for t in (PDF, DOCX, XLSX, CSV, PNG, JPEG)}
TYPE_CHOICES = [(t.code, t.label) for t in FILE_TYPES.values()]
ALLOWED_DESCRIPTION = "PDF, Word, Excel, CSV, PNG or JPEG"
#: For the `accept` attribute of a file input: a hint to the browser's picker, not a check.
ACCEPT = ",".join(ext for t in FILE_TYPES.values() for ext in t.extensions)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"


def _rewound(handle: IO[bytes]) -> IO[bytes]:
    handle.seek(0)
    return handle


def _office_type(handle: IO[bytes]) -> FileType | None:
    """A .docx or .xlsx is a zip holding `[Content_Types].xml` and a `word/` or `xl/` folder."""
    try:
        with zipfile.ZipFile(_rewound(handle)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def _is_utf8_text(handle: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    _rewound(handle)
    try:
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


#: Bytes that never occur in Windows-1252 text (undefined there) or in any text a person saves.
_NOT_CP1252_TEXT = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d]")


def _is_cp1252_text(handle: IO[bytes]) -> bool:
    """Windows-1252 text, as Excel on Windows saves "CSV": no byte that is undefined in it and no
    control byte other than tab and line ends (which every binary file has plenty of)."""
    _rewound(handle)
    while chunk := handle.read(CHUNK):
        if _NOT_CP1252_TEXT.search(chunk):
            return False
    return True


def detect_type(handle: IO[bytes], *, cp1252: bool = False) -> FileType | None:
    """The allowed type this content is, or None; `handle` is any seekable binary file.

    With `cp1252`, Windows-1252 text counts as CSV too: for readers that decode it (the evidence
    importer falls back to it when a file is not UTF-8)."""
    head = _rewound(handle).read(16)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(PNG_SIGNATURE):
            return PNG
        if head.startswith(JPEG_SIGNATURE):
            return JPEG
        if head.startswith(ZIP_SIGNATURE):
            return _office_type(handle)
        if head and (_is_utf8_text(handle) or (cp1252 and _is_cp1252_text(handle))):
            return CSV
        return None
    finally:
        _rewound(handle)


#: The longest file name kept; a longer one loses characters before its extension.
NAME_MAX = 200


def clean_name(name: str | None) -> str:
    """The file's own name without any folder a browser sent, and without control characters."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > NAME_MAX:  # cut the stem, keeping the extension the name ends in
        suffix = PurePosixPath(base).suffix[:20]
        base = base[: NAME_MAX - len(suffix)] + suffix
    return base


def download_name(original_name: str, file_type: FileType) -> str:
    """The name to save a file under, ending in the extension its content calls for."""
    path = PurePosixPath(clean_name(original_name))
    if path.suffix.lower() in file_type.extensions:
        return path.name
    known = {ext for t in FILE_TYPES.values() for ext in t.extensions}
    stem = path.stem if path.suffix.lower() in known else path.name
    return stem + file_type.extension


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def size_limit() -> int:
    return settings.MAX_UPLOAD_BYTES


#: What a name may end in besides the types' own extensions: text saved as .txt or .tsv is CSV.
_ALSO_ALLOWED_EXTENSIONS = (".txt", ".tsv")
#: A name's ending that is meant as an extension (".exe", ".html"), not part of a name ("minutes.2025").
_EXTENSION = re.compile(r"\.[a-z][a-z0-9]{0,7}")


def _refused_extension(name: str, also: tuple[str, ...] = ()) -> str | None:
    suffix = PurePosixPath(name).suffix.lower()
    allowed = {ext for t in FILE_TYPES.values() for ext in t.extensions} | {
        *_ALSO_ALLOWED_EXTENSIONS,
        *also,
    }
    if suffix and _EXTENSION.fullmatch(suffix) and suffix not in allowed:
        return suffix
    return None


def check_upload(
    upload: Any, *, cp1252: bool = False, extensions: tuple[str, ...] = ()
) -> FileType:
    """The type of an uploaded file, or a ValidationError naming the file and what is wrong with it.

    `upload` is a Django UploadedFile (a form's or django-ninja's), or any object with `name`,
    `size` and a seekable binary `file`. A name ending in an extension of no allowed type
    (`tool.exe`) is refused whatever the content; `extensions` names more that a caller reads
    (".yaml" text, say). With `cp1252`, Windows-1252 text is CSV too.
    """
    name = clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        size = _rewound(upload).seek(0, 2)
    if size == 0:
        raise ValidationError(f"{name} is empty.", code="empty")
    limit = size_limit()
    if size > limit:
        raise ValidationError(
            f"{name} is {describe_size(size)}: files must be {describe_size(limit)} or smaller.",
            code="too_large",
        )
    handle = getattr(upload, "file", upload)
    file_type = detect_type(handle, cp1252=cp1252)
    if file_type is None:
        raise ValidationError(
            f"{name} is not an allowed type: its content is not {ALLOWED_DESCRIPTION}.",
            code="not_allowed",
        )
    refused = _refused_extension(name, extensions)
    if refused:
        raise ValidationError(
            f"{name} is not an allowed type: a file named {refused} cannot be added. "
            f"Add {ALLOWED_DESCRIPTION} files only.",
            code="not_allowed",
        )
    if file_type in (DOCX, XLSX):
        problem = archive_problem(_rewound(handle))
        _rewound(handle)
        if problem:
            raise ValidationError(f"{name} {problem}.", code="office_archive")
    return file_type
