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


def csv_bytes(document: Document) -> bytes:
    """UTF-8 with a byte-order mark so Excel reads £ correctly; numbers unformatted."""
    document = export_ready(document)
    buffer = io.StringIO()
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
