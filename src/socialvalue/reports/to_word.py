"""A document as Word: real headings, tables and lists, charts as PNG with alt text, page numbers,
and a contents list that shows the headings as soon as the file is opened."""

from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from socialvalue.reports.charts import Chart
from socialvalue.reports.document import (
    SHORT_TABLE_ROWS,
    BulletList,
    Document,
    KeyFigure,
    KeyFigures,
    Markdown,
    Paragraph,
    Section,
    Table,
    export_ready,
)
from socialvalue.reports.formatting import format_value
from socialvalue.reports.markup import markdown_blocks

GREY = RGBColor(0x50, 0x5A, 0x5F)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:  # type: ignore[no-untyped-def]
    """A Word field (page number, contents) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(separate)
    shown = paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    shown._r.append(end)


def _row_property(row, name: str) -> None:  # type: ignore[no-untyped-def]
    element = OxmlElement(name)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    _row_property(row, "w:tblHeader")


def _keep_rows(grid, *, whole: bool) -> None:  # type: ignore[no-untyped-def]
    """No row is split across two pages; a short table (`whole`) is kept on one page, as Word
    does it: every row's paragraphs kept with the next row."""
    rows = list(grid.rows)
    for index, row in enumerate(rows):
        _row_property(row, "w:cantSplit")
        if whole and index < len(rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _add_table(word: WordDocument, table: Table) -> None:
    caption = word.add_paragraph(table.title, style="Caption")
    caption.paragraph_format.keep_with_next = True
    rows = list(table.shown_rows) + ([table.totals] if table.totals is not None else [])
    grid = word.add_table(rows=1 + max(len(rows), 1), cols=len(table.columns))
    grid.style = "Light List Accent 1"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    _repeat_header(grid.rows[0])
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = column.heading
        if column.numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not rows:
        grid.rows[1].cells[0].text = "Nothing to show."
    for row_index, row in enumerate(rows, start=1):
        cells = grid.rows[row_index].cells
        is_total = table.totals is not None and row_index == len(rows)
        for cell, column, value in zip(cells, table.columns, row, strict=True):
            paragraph = cell.paragraphs[0]
            shown = "" if is_total and value is None else format_value(value, column.kind)
            run = paragraph.add_run(shown)
            run.bold = is_total or None
            if column.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    _keep_rows(grid, whole=len(rows) <= SHORT_TABLE_ROWS)
    notes = []
    if table.caption:
        notes.append(table.caption)
    if table.is_cut:
        notes.append(
            f"Showing the first {table.preview:,} of {len(table.rows):,} rows; "
            "the Excel and CSV downloads have them all."
        )
    for note in notes:
        run = word.add_paragraph().add_run(note)
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    if not notes:
        word.add_paragraph()


def _add_key_figures(word: WordDocument, figures: list[KeyFigure], title: str = "") -> None:
    if title:
        word.add_paragraph(title, style="Caption")
    grid = word.add_table(rows=0, cols=2)
    grid.style = "Light List Accent 1"
    for figure in figures:
        label, value = grid.add_row().cells
        label.text = figure.label
        if figure.note:
            note = label.add_paragraph().add_run(figure.note)
            note.font.size = Pt(8)
            note.font.color.rgb = GREY
        run = value.paragraphs[0].add_run(format_value(figure.value, figure.kind))
        run.bold = True
        run.font.size = Pt(14)
        value.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.add_paragraph()


def _add_chart(word: WordDocument, chart: Chart) -> None:
    word.add_picture(io.BytesIO(chart.png()), width=Cm(16))
    picture = word.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    for properties in picture._p.iter(qn("wp:docPr")):
        properties.set("descr", chart.alt)
        properties.set("title", chart.title)
    caption = word.add_paragraph(chart.title, style="Caption")
    caption.paragraph_format.space_after = Pt(12)


def _add_markdown(word: WordDocument, text: str) -> None:
    styles = {
        "bullet": "List Bullet",
        "number": "List Number",
        "quote": "Quote",
        "heading": "Heading 4",
    }
    for block in markdown_blocks(text):
        paragraph = word.add_paragraph(style=styles.get(block.style))
        for piece in block.runs:
            run = paragraph.add_run(piece.text)
            run.bold = piece.bold or None
            run.italic = piece.italic or None


def _add_block(word: WordDocument, block: object) -> None:
    if isinstance(block, Paragraph):
        word.add_paragraph(block.text)
    elif isinstance(block, Markdown):
        _add_markdown(word, block.text)
    elif isinstance(block, BulletList):
        style = "List Number" if block.numbered else "List Bullet"
        for item in block.items:
            word.add_paragraph(item, style=style)
    elif isinstance(block, KeyFigures):
        _add_key_figures(word, list(block.figures), block.title)
    elif isinstance(block, Table):
        _add_table(word, block)
    elif isinstance(block, Chart):
        _add_chart(word, block)
    else:
        raise TypeError(f"a report cannot show a {type(block).__name__}")


def _page_furniture(word: WordDocument, document: Document) -> None:
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    header = section.header.paragraphs[0]
    header.text = document.title
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = GREY
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)
    # Ask Word to refresh the contents and page fields when the file is opened.
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


#: The heading levels the contents lists, as Word's TOC field switch says: "1-2".
CONTENTS_DEPTH = 2


def _heading_marks(document: Document) -> dict[int, tuple[int, str, int, str]]:
    """Every section's (depth, title, bookmark id, bookmark name), keyed by the section's id(),
    named as Word names the bookmarks it makes for its contents (`_Toc` and a number)."""
    return {
        id(section): (depth, section.title, number, f"_Toc{number:08d}")
        for number, (depth, section) in enumerate(document.walk(), start=1)
    }


def _bookmark(paragraph, number: int, name: str) -> None:  # type: ignore[no-untyped-def]
    """Mark a heading so a contents entry can link to it."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _contents_style(word: WordDocument, depth: int):  # type: ignore[no-untyped-def]
    """Word's own "toc N" style (Word restyles the entries with it when it refreshes them)."""
    name = f"toc {depth}"
    try:
        return word.styles[name]
    except KeyError:
        style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = word.styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.6 * (depth - 1))
        style.paragraph_format.space_after = Pt(3)
        return style


def _field_char(paragraph, kind: str) -> None:  # type: ignore[no-untyped-def]
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _add_contents(word: WordDocument, headings: dict[int, tuple[int, str, int, str]]) -> None:
    """The contents, filled in when the file is written: one entry per heading down to
    `CONTENTS_DEPTH`, in reading order, each a link to its heading's bookmark.

    The entries are the cached result of a TOC field, so a reader sees the real contents on
    opening the file, in Word, LibreOffice or a viewer that never updates fields; Word may still
    refresh the field. The entries carry no page numbers: where a heading falls is only known
    once Word lays the pages out, so page numbers appear when Word updates the field (it offers
    to on opening) and not before.
    """
    title = word.add_paragraph("Contents", style="TOC Heading")
    title.paragraph_format.keep_with_next = True
    entries = [h for h in headings.values() if h[0] <= CONTENTS_DEPTH]
    if not entries:
        return
    paragraphs = []
    for depth, text, _number, name in entries:
        paragraph = word.add_paragraph(style=_contents_style(word, depth))
        paragraphs.append((paragraph, text, name))
    first = paragraphs[0][0]
    _field_char(first, "begin")
    instruction = first.add_run()._r
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f' TOC \\o "1-{CONTENTS_DEPTH}" \\h \\z \\u '
    instruction.append(code)
    _field_char(first, "separate")
    for paragraph, text, name in paragraphs:
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), name)
        link.set(qn("w:history"), "1")
        run = OxmlElement("w:r")
        shown = OxmlElement("w:t")
        shown.set(qn("xml:space"), "preserve")
        shown.text = text
        run.append(shown)
        link.append(run)
        paragraph._p.append(link)
    _field_char(paragraphs[-1][0], "end")


def docx_bytes(document: Document) -> bytes:
    document = export_ready(document)
    word = WordDocument()
    word.core_properties.title = document.title
    word.core_properties.author = document.organisation or "socialvalue"
    word.core_properties.subject = document.subtitle
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    _page_furniture(word, document)

    if document.organisation:
        organisation = word.add_paragraph().add_run(document.organisation)
        organisation.font.size = Pt(13)
        organisation.font.color.rgb = GREY
    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle, style="Subtitle")
    if document.date:
        word.add_paragraph(format_value(document.date, "date"))
    if document.key_figures:
        _add_key_figures(word, document.key_figures)

    headings = _heading_marks(document)
    _add_contents(word, headings)

    def visit(section: Section, depth: int) -> None:
        heading = word.add_heading(section.title, level=min(depth, 9))
        heading.paragraph_format.keep_with_next = True
        if depth == 1 and section.chapter:  # only a chapter starts a page (see `Section`)
            heading.paragraph_format.page_break_before = True
        _bookmark(heading, *headings[id(section)][2:])
        for block in section.blocks:
            _add_block(word, block)
        for child in section.sections:
            visit(child, depth + 1)

    for section in document.sections:
        visit(section, 1)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
