"""The one safe way in for Office files (.xlsx, .docx): the archive is measured before it is parsed.

An .xlsx or .docx is a zip archive. A small one can claim to expand to gigabytes (a "zip bomb"),
and a parser that trusts it spends minutes and gigabytes of memory before failing. `open_workbook`
(and `check_archive` for any other reader) first reads only the archive's directory, and refuses a
file whose members together expand beyond MAX_EXPANDED_BYTES, or that holds more than MAX_MEMBERS
members, or whose directory cannot be read, with a message naming the file. Python's zip reader
never expands a member beyond the size the directory states, so the check bounds what any parser
built on it (openpyxl, python-docx) can be made to read.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import IO, Any

from socialvalue.core.errors import InputError, Problem

#: The most an Office file's members may expand to, together: far above any real workbook or
#: document the product reads (a 100,000-row evidence workbook expands to about 40 MB).
MAX_EXPANDED_BYTES = 200 * 1024 * 1024

#: The most members an Office file may hold (a real workbook holds tens; one per sheet and image).
MAX_MEMBERS = 2_000

Source = str | os.PathLike | bytes | IO[bytes]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def archive_problem(source: Source) -> str | None:
    """Why this Office file must not be parsed, or None when its directory is within the limits
    (or it is no zip archive at all, which any parser refuses at once)."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    # A file object is read from where it stands and put back there; a path is opened afresh.
    stream = None if isinstance(source, str | os.PathLike) else source
    position = stream.tell() if stream is not None else None
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None  # not an archive at all: the parser says so in its own words, at once
    finally:
        if stream is not None and position is not None:
            stream.seek(position)
    if len(members) > MAX_MEMBERS:
        return (
            f"holds {len(members):,} parts: an Office file may hold at most {MAX_MEMBERS:,}; "
            "it may be damaged or built to overload the reader"
        )
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_EXPANDED_BYTES:
        return (
            f"would expand to {_megabytes(expanded)} when opened: Office files may expand to at "
            f"most {_megabytes(MAX_EXPANDED_BYTES)}; it may be damaged or built to overload the reader"
        )
    return None


def check_archive(source: Source, name: str) -> None:
    """Raise an InputError naming `name` when the Office file at `source` must not be parsed."""
    problem = archive_problem(source)
    if problem is not None:
        raise InputError(Problem("", problem), source=name)


def open_workbook(source: Source, name: str = "", **options: Any) -> Any:
    """An openpyxl workbook, opened only after `check_archive` (read-only, values not formulas,
    no external links, unless `options` say otherwise)."""
    if isinstance(source, (str, os.PathLike)):
        name = name or Path(source).name
        with open(source, "rb") as handle:
            check_archive(handle, name)
    else:
        if isinstance(source, bytes):
            source = io.BytesIO(source)
        check_archive(source, name or "the workbook")
    import openpyxl  # noqa: PLC0415 - loaded only once the file has passed: a refusal should not pay for it

    settings = {"read_only": True, "data_only": True, "keep_links": False, **options}
    return openpyxl.load_workbook(source, **settings)
