"""Reports: build a report's content once, render it to HTML, PDF, Word, Excel and CSV.

No Django here: a builder (in the web app, or anywhere) reads its data and returns a `Document`;
this package turns it into every format, so a figure on screen and in its PDF cannot differ.

    from socialvalue.reports import (
        Document, Section, Paragraph, Markdown, BulletList, KeyFigures, KeyFigure,
        Table, Column, render, html_fragment, charts,
    )

    doc = Document(
        title="Annual social value evaluation 2025/26",
        subtitle="All contracts with a social value commitment",
        organisation="Riverside Borough Council",
        date=datetime.date(2026, 5, 1),
        key_figures=[KeyFigure("Value delivered", 1_234_567.0, "money", note="verified £0.9m")],
        sections=[
            Section("Summary", [Paragraph("Plain text."), Markdown("**Markdown** from a user")]),
            Section("By theme", [
                charts.bar("Value by theme", ["Jobs", "Health"], [120_000, 80_000], kind="money"),
                Table("Value by theme",
                      [Column("Theme"), Column("Committed", "money"), Column("Share", "percent")],
                      [["Jobs", 120_000.0, 0.6], ["Health", 80_000.0, 0.4]],
                      totals=["Total", 200_000.0, 1.0], preview=None),
            ], sections=[Section("A subsection", [BulletList(["one", "two"])])]),
        ],
    )
    render(doc, "pdf")    # bytes; also "html" (a whole page), "docx", "xlsx", "csv"
    html_fragment(doc)    # str: the report for a page of the site (the page supplies the h1)
    doc.file_name("pdf")  # "annual-social-value-evaluation-2025-26.pdf" (or Document.slug)

On paper (PDF and Word) sections flow: each runs on from the one before it. Only a chapter, a
top-level `Section(..., chapter=True)` for a main part of a long report, starts a new page (see
`Section`); Word's contents list is written out with the file, so it shows before Word updates it.

Blocks a `Section` holds, in reading order, before its subsections:
- `Paragraph(text)`: plain text, nothing interpreted.
- `Markdown(text)`: user-written Markdown, sanitised (nh3) on screen and in PDF, paragraphs,
  headings and lists in Word. Never in Excel or CSV.
- `BulletList(items, numbered=False)`.
- `KeyFigures(figures, title="")`: `KeyFigure(label, value, kind, note)` tiles.
- `Table(title, columns, rows, caption="", totals=None, preview=None)`: rows hold python values,
  numbers stay numbers. `Column(heading, kind)`. `preview=N` shows only N rows on screen, PDF
  and Word (with a note), while Excel (one sheet per table) and CSV keep every row.
- `charts.bar / grouped_bar / stacked_bar / line / tornado / histogram(...)` -> `Chart`: drawn
  with matplotlib's Figure API (SVG on screen and in PDF, PNG in Word), with a title, alt text,
  a colour-blind-safe palette, and its data as `chart.table` (shown under "Show the data" on
  screen, and as its own sheet in Excel and table in CSV). Labels are measured as drawn and
  never run together (wrapped, slanted, shortened or thinned); legends stay off the plot.
  `line(..., mark=charts.Mark("Current weight: 15%", at=1.5))` draws a labelled vertical line.

Kinds of value (`Column.kind`, `KeyFigure.kind`): text, money (whole pounds on screen, pence kept
in Excel), money_pence, number, integer, percent (a fraction: 0.25 is 25%), ratio (3.2 : 1),
date, year. `socialvalue.reports.formatting` formats them in one place (`money(1234.5)` is
"£1,235"); Excel gets matching number formats. Text in Excel and CSV passes through
`socialvalue.core.formats.spreadsheet.safe_text`, so `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

from socialvalue.reports import charts
from socialvalue.reports.charts import Chart
from socialvalue.reports.document import (
    KINDS,
    BulletList,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Markdown,
    Paragraph,
    Section,
    Table,
)
from socialvalue.reports.formatting import format_value, money
from socialvalue.reports.to_csv import csv_bytes
from socialvalue.reports.to_excel import xlsx_bytes
from socialvalue.reports.to_html import html_fragment as fragment
from socialvalue.reports.to_html import html_page
from socialvalue.reports.to_pdf import pdf_bytes
from socialvalue.reports.to_word import docx_bytes

#: Every format a report renders to, with the MIME type it is served as.
FORMATS: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

__all__ = [
    "FORMATS",
    "KINDS",
    "BulletList",
    "Chart",
    "Column",
    "Document",
    "KeyFigure",
    "KeyFigures",
    "Markdown",
    "Paragraph",
    "Section",
    "Table",
    "charts",
    "format_value",
    "html_fragment",
    "money",
    "render",
]


def html_fragment(document: Document) -> str:
    """The report as HTML to place inside a page of the site (GOV.UK classes, no <h1>)."""
    return fragment(document)


def render(document: Document, fmt: str, *, notes: bool = True) -> bytes:
    """The document as a file in `fmt` (html, pdf, docx, xlsx or csv).

    ``notes=False`` leaves the leading ``#`` notes lines out of a CSV, for machine readers.
    """
    if fmt == "html":
        return html_page(document).encode("utf-8")
    if fmt == "pdf":
        return pdf_bytes(document)
    if fmt == "docx":
        return docx_bytes(document)
    if fmt == "xlsx":
        return xlsx_bytes(document)
    if fmt == "csv":
        return csv_bytes(document, notes=notes)
    raise ValueError(f"{fmt!r} is not a report format; use one of {', '.join(FORMATS)}")
