"""Read a rendered report back with the reader a user's software would use."""

from __future__ import annotations

import csv
import io
import subprocess
import tempfile
from pathlib import Path

import docx
import openpyxl


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (one page per form feed)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word file, in order, one per line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def xlsx_values(data: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows of cell values (numbers as numbers)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def numbers_in(rows: list[tuple] | list[list[str]]) -> list[float]:
    found = []
    for row in rows:
        for cell in row:
            try:
                found.append(float(cell))
            except (TypeError, ValueError):
                continue
    return found


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as pdftotext reads it (a trailing empty page dropped)."""
    pages = pdf_text(data).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
