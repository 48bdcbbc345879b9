"""A document as one CSV file: its key figures, then each table under its title, a blank line apart."""

from __future__ import annotations

import csv
import io

from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.reports.document import Document, export_ready
from socialvalue.reports.formatting import spreadsheet_value


def _cell(value: object, kind: str) -> object:
    stored = spreadsheet_value(value, kind)
    if stored is None:
        return ""
    if hasattr(stored, "isoformat"):
        return stored.isoformat()
    return safe_text(stored)


def note_lines(notes: list[str]) -> list[str]:
    """The notes as comment lines (``# ...``) to head a CSV file: one line each, no line breaks.

    Machine readers skip them (pandas ``comment="#"``) or ask for the file without them.
    """
    if not notes:
        return []
    lines = ["# Notes on these figures"]
    lines += ["# " + " ".join(safe_text(note).split()) for note in notes]
    return [line + "\r\n" for line in lines]


def without_notes(data: bytes) -> bytes:
    """A CSV file made by this module, less its leading ``#`` notes lines (for ``?notes=0``)."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    lines = data[len(bom) :].split(b"\r\n")
    start = 0
    while start < len(lines) and lines[start].startswith(b"#"):
        start += 1
    return bom + b"\r\n".join(lines[start:])


def csv_bytes(document: Document, *, notes: bool = True) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads £ correctly; numbers unformatted.

    The document's notes come first as ``#`` lines unless ``notes`` is false.
    """
    document = export_ready(document)
    buffer = io.StringIO()
    if notes:
        buffer.writelines(note_lines(document.file_notes()))
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(document.title)])
    if document.organisation:
        writer.writerow([safe_text(document.organisation)])
    if document.date:
        writer.writerow([document.date.isoformat()])
    if document.key_figures:
        writer.writerow([])
        writer.writerow(["Key figures"])
        writer.writerow(["Key figure", "Value", "Note"])
        for figure in document.key_figures:
            writer.writerow(
                [safe_text(figure.label), _cell(figure.value, figure.kind), safe_text(figure.note)]
            )
    for section, table in document.tables():
        writer.writerow([])
        writer.writerow([safe_text(f"{table.title} ({section.title})")])
        writer.writerow([safe_text(c.heading) for c in table.columns])
        for row in table.rows:
            writer.writerow([_cell(v, c.kind) for c, v in zip(table.columns, row, strict=True)])
        if table.totals is not None:
            writer.writerow(
                [_cell(v, c.kind) for c, v in zip(table.columns, table.totals, strict=True)]
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
