"""Office files that expand far beyond their size ("zip bombs"), for the tests and the benchmark."""

from __future__ import annotations

import zipfile
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def xlsx_bomb(path: Path, expanded_bytes: int, *, members: int = 1) -> Path:
    """An .xlsx-shaped archive whose sheet part expands to `expanded_bytes` of blanks."""
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            left = expanded_bytes
            while left > 0:
                piece = chunk[: min(left, len(chunk))]
                sheet.write(piece)
                left -= len(piece)
        for number in range(members - 1):
            archive.writestr(f"xl/media/part{number}.xml", "")
    return path
