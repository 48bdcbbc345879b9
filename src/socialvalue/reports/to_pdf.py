"""A document as PDF: WeasyPrint lays out the print page of `to_html`, so PDF and screen agree."""

from __future__ import annotations

import logging

from socialvalue.reports.document import Document, export_ready
from socialvalue.reports.to_html import html_page


def pdf_bytes(document: Document) -> bytes:
    """A4, paged, with running header, page numbers and a contents page (title and author from
    the page's <title> and <meta name="author">), tagged so screen readers get its headings,
    tables and images' alt text: public bodies must publish accessible documents."""
    document = export_ready(document)
    from weasyprint import HTML  # noqa: PLC0415 - needs Pango, a system library: loaded only when a PDF is made

    # WeasyPrint logs every CSS property it skips; a report reader has nothing to learn from it.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return HTML(string=html_page(document)).write_pdf(pdf_tags=True)
