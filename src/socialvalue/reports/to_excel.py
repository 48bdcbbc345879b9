"""A document as an Excel workbook: a summary sheet, then one sheet per table with real numbers."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.reports.document import Document, Table, export_ready
from socialvalue.reports.formatting import EXCEL_FORMATS, format_value, spreadsheet_value

#: Rows above a table's header: its title, then its section and notes.
HEADER_ROW = 4
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _BAD_SHEET_CHARACTERS.sub(" ", title).strip().strip("'") or "Table"
    base = re.sub(r"\s+", " ", base)[:31].rstrip()
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(name.lower())
    return name


def _cell_value(value: object, kind: str) -> object:
    if kind == "date" or kind == "year":
        return value
    stored = spreadsheet_value(value, kind)
    return safe_text(stored) if isinstance(stored, str) else stored


def _write_table(sheet, table: Table, place: str) -> None:  # type: ignore[no-untyped-def]
    sheet["A1"] = safe_text(table.title)
    sheet["A1"].font = Font(bold=True, size=14)
    notes = " ".join(part for part in (place, table.caption) if part)
    if notes:
        sheet["A2"] = safe_text(notes)
        sheet["A2"].font = Font(italic=True, color="505A5F")
    bold = Font(bold=True)
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, safe_text(column.heading))
        cell.font = bold
        if column.numeric:
            cell.alignment = Alignment(horizontal="right", wrap_text=True)
        else:
            cell.alignment = Alignment(wrap_text=True)
    widths = [min(max(len(c.heading), 10), 40) for c in table.columns]
    rows = list(table.rows) + ([table.totals] if table.totals is not None else [])
    for row_number, row in enumerate(rows, start=HEADER_ROW + 1):
        is_total = table.totals is not None and row_number == HEADER_ROW + len(rows)
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = sheet.cell(row_number, index, _cell_value(value, column.kind))
            if column.kind in EXCEL_FORMATS and value is not None:
                cell.number_format = EXCEL_FORMATS[column.kind]
            if is_total:
                cell.font = bold
            if row_number < HEADER_ROW + 200:
                widths[index - 1] = min(
                    max(widths[index - 1], len(format_value(value, column.kind)) + 2), 60
                )
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    if table.rows:
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(table.rows)}"


def write_notes(sheet, notes: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A "Notes" sheet: what a reader must know about the figures, one note a row."""
    sheet["A1"] = "Notes on these figures"
    sheet["A1"].font = Font(bold=True, size=14)
    for row, note in enumerate(notes, start=3):
        cell = sheet.cell(row, 1, safe_text(note))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110


def xlsx_bytes(document: Document) -> bytes:
    document = export_ready(document)
    workbook = Workbook()
    summary = workbook.active
    taken: set[str] = set()
    summary.title = sheet_name("Summary", taken)
    summary["A1"] = safe_text(document.title)
    summary["A1"].font = Font(bold=True, size=16)
    line = 2
    for text in (document.subtitle, document.organisation):
        if text:
            summary.cell(line, 1, safe_text(text))
            line += 1
    if document.date:
        summary.cell(line, 1, document.date).number_format = EXCEL_FORMATS["date"]
        line += 1
    line += 1
    if document.key_figures:
        for index, heading in enumerate(("Key figure", "Value", "Note"), start=1):
            summary.cell(line, index, heading).font = Font(bold=True)
        for figure in document.key_figures:
            line += 1
            summary.cell(line, 1, safe_text(figure.label))
            value = summary.cell(line, 2, _cell_value(figure.value, figure.kind))
            if figure.kind in EXCEL_FORMATS and figure.value is not None:
                value.number_format = EXCEL_FORMATS[figure.kind]
            summary.cell(line, 3, safe_text(figure.note))
        line += 2
    summary.cell(line, 1, "Sheets").font = Font(bold=True)
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 18
    summary.column_dimensions["C"].width = 60

    notes = document.file_notes()
    if notes:
        name = sheet_name("Notes", taken)
        write_notes(workbook.create_sheet(name), notes)
        line += 1
        summary.cell(line, 1, name)
        summary.cell(line, 2, "What to know before using these figures")
    for section, table in document.tables():
        name = sheet_name(table.title, taken)
        _write_table(workbook.create_sheet(name), table, f"Section: {section.title}.")
        line += 1
        summary.cell(line, 1, name)
        summary.cell(line, 2, safe_text(table.title))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
