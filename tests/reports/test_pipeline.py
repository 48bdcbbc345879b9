"""One document, every format: each read back by its real reader shows the same figures."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import numpy as np
import openpyxl
import pytest

from socialvalue.reports import (
    BulletList,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Markdown,
    Paragraph,
    Section,
    Table,
    charts,
    html_fragment,
    render,
)
from socialvalue.reports.formatting import EXCEL_FORMATS, format_value
from tests.reports.readers import csv_rows, docx_text, numbers_in, pdf_text, xlsx_values

INJECTION = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def document() -> Document:
    draws = np.random.default_rng(7).normal(3.0, 0.4, 2_000)
    return Document(
        title="Annual social value evaluation 2025/26",
        subtitle="Every contract with a social value commitment",
        organisation="Riverside Borough Council",
        date=dt.date(2026, 5, 1),
        key_figures=[
            KeyFigure("Value committed", 2_345_678.4, "money", note="12 contracts"),
            KeyFigure("Value delivered", 1_234_567.0, "money"),
            KeyFigure("Share verified", 0.734, "percent"),
            KeyFigure("SROI ratio", 3.456, "ratio"),
        ],
        sections=[
            Section(
                "Summary",
                [
                    Paragraph("Plain text with <b>no markup</b> interpreted."),
                    Markdown(
                        "**Strong start** to the year.\n\n- first point\n- second point\n\n"
                        "<script>alert(1)</script>[bad](javascript:alert(1)) [good](https://example.org)"
                    ),
                    KeyFigures([KeyFigure("Contracts", 12, "integer")], title="Contracts"),
                ],
            ),
            Section(
                "By theme",
                [
                    charts.bar(
                        "Value delivered by theme", ["Jobs", "Health"], [750_000.0, 484_567.0]
                    ),
                    Table(
                        "Case studies",
                        [Column("Title"), Column("Value", "money"), Column("Share", "percent")],
                        [[INJECTION, 1_000.0, 0.5], ["Garden project", 1_000.0, 0.5]]
                        + [[f"Story {n}", 10.0, 0.0] for n in range(40)],
                        totals=["Total", 2_400.0, 1.0],
                        preview=10,
                    ),
                ],
                sections=[
                    Section(
                        "Monte Carlo",
                        [
                            charts.histogram(
                                "Spread of the SROI ratio", draws, markers={"Median": 3.0}
                            )
                        ],
                    ),
                    Section("Caveats", [BulletList(["Self-reported figures", "Price year 2024"])]),
                ],
            ),
            Section("Methodology", [Paragraph("How each figure was made. " * 80)]),
        ],
    )


@pytest.fixture(scope="module")
def files(document: Document) -> dict[str, bytes]:
    return {fmt: render(document, fmt) for fmt in ("html", "pdf", "docx", "xlsx", "csv")}


def test_headline_figures_are_the_same_in_every_format(document, files):
    screen = html_fragment(document)
    pdf = pdf_text(files["pdf"])
    word = docx_text(files["docx"])
    summary = xlsx_values(files["xlsx"])["Summary"]
    csv_figures = {row[0]: row[1] for row in csv_rows(files["csv"]) if len(row) >= 2}
    for figure in document.key_figures:
        shown = format_value(figure.value, figure.kind)
        assert shown in screen
        assert shown in pdf, shown
        assert shown in word, shown
        [stored] = [row[1] for row in summary if row[0] == figure.label]
        assert stored == pytest.approx(figure.value, abs=0.005)
        assert float(csv_figures[figure.label]) == pytest.approx(figure.value, abs=0.005)
    assert "£2,345,678" in pdf and "3.46 : 1" in pdf and "73.4%" in pdf


def test_formula_like_text_stays_text_in_csv_and_excel(files):
    rows = csv_rows(files["csv"])
    cells = [cell for row in rows for cell in row]
    assert "'" + INJECTION in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells if cell)
    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    sheet = workbook["Case studies"]
    titles = [sheet.cell(row, 1) for row in range(1, sheet.max_row + 1)]
    injected = [cell for cell in titles if cell.value and "HYPERLINK" in str(cell.value)]
    assert injected and all(cell.data_type == "s" for cell in injected)
    assert all(not str(cell.value).startswith("=") for cell in injected)


def test_excel_keeps_numbers_as_numbers_with_formats_and_every_row(files):
    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    sheet = workbook["Case studies"]
    assert [c.value for c in sheet[4]] == ["Title", "Value", "Share"]
    assert sheet["B5"].value == 1000 and sheet["B5"].number_format == EXCEL_FORMATS["money"]
    assert sheet["C5"].value == 0.5 and sheet["C5"].number_format == EXCEL_FORMATS["percent"]
    assert sheet.max_row == 4 + 42 + 1  # every row although the screen shows ten, then totals
    assert sheet.cell(sheet.max_row, 1).value == "Total"
    assert "Spread of the SROI ratio" in workbook.sheetnames  # a chart's data is a sheet too
    assert (
        sum(
            numbers_in(
                list(workbook["Spread of the SROI ratio"].iter_rows(min_row=5, values_only=True))
            )
        )
        > 2_000
    )


def test_pdf_has_contents_with_page_numbers_running_header_and_page_numbers(files):
    pages = pdf_text(files["pdf"]).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3  # cover, contents, sections flowing on
    contents = next(p for p in pages if "Contents" in p and "Methodology" in p)
    entry = re.search(r"Methodology[ .]+(\d+)", contents)
    assert entry, contents
    assert "Methodology" in pages[int(entry.group(1)) - 1]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in page
        assert "Annual social value evaluation 2025/26" in page.splitlines()[0]
    assert "Page 1 of" not in pages[0]  # the cover has no furniture


def test_long_tables_are_cut_on_paper_with_a_note_but_not_in_the_data(files, document):
    pdf = pdf_text(files["pdf"])
    assert "Showing the first 10 of 42 rows" in pdf
    assert "Story 7" in pdf and "Story 20" not in pdf
    assert "Story 39" in files["csv"].decode("utf-8-sig")


def test_markdown_is_sanitised_on_screen_and_readable_in_word(document, files):
    screen = html_fragment(document)
    assert "<script" not in screen and "javascript:" not in screen
    assert "<strong>Strong start</strong>" in screen
    assert 'href="https://example.org"' in screen
    assert "&lt;b&gt;no markup&lt;/b&gt;" in screen
    word = docx.Document(io.BytesIO(files["docx"]))
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert "first point" in bullets and "Self-reported figures" in bullets
    strong = [r for p in word.paragraphs for r in p.runs if r.text == "Strong start"]
    assert strong and strong[0].bold
    assert "alert(1)" not in docx_text(files["docx"])


def test_word_has_real_headings_tables_and_charts_with_alt_text(files):
    word = docx.Document(io.BytesIO(files["docx"]))
    headings = [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert ("Title", "Annual social value evaluation 2025/26") in headings
    assert ("Heading 1", "By theme") in headings and ("Heading 2", "Monte Carlo") in headings
    assert any(t.rows[0].cells[0].text == "Title" for t in word.tables)
    descriptions = [e.get("descr") for e in word.element.body.iter() if e.tag.endswith("}docPr")]
    assert len(descriptions) == 2
    assert descriptions[1].startswith("Histogram: Spread of the SROI ratio, 2,000 draws")
    assert "Jobs £750,000" in descriptions[0]
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_html_page_is_a_whole_document_and_charts_have_alt_text(files, document):
    page = files["html"].decode()
    assert page.startswith("<!DOCTYPE html>") and 'lang="en-GB"' in page
    assert "<title>Annual social value evaluation 2025/26</title>" in page
    screen = html_fragment(document)
    assert 'alt="Bar chart: Value delivered by theme. Jobs £750,000; Health £484,567."' in screen
    assert "Show the data: Value delivered by theme" in screen  # the table behind the chart


def test_an_empty_table_says_so_rather_than_showing_nothing():
    doc = Document(
        "Empty", sections=[Section("Nothing", [Table("Returns", [Column("Period")], [])])]
    )
    assert "Nothing to show." in pdf_text(render(doc, "pdf"))
    assert "Nothing to show." in docx_text(render(doc, "docx"))


def test_a_table_with_a_ragged_row_is_refused_at_build_time():
    with pytest.raises(ValueError, match="row 2 has 1 cells, not 2"):
        Table("T", [Column("A"), Column("B", "money")], [["a", 1.0], ["b"]])


def test_unknown_format_and_kind_are_refused():
    with pytest.raises(ValueError, match="not a report format"):
        render(Document("x"), "odt")
    with pytest.raises(ValueError, match="not a kind of value"):
        Column("A", "pounds")  # type: ignore[arg-type]


def test_pdf_is_tagged_for_screen_readers_with_its_title(files, tmp_path):
    import subprocess

    path = tmp_path / "report.pdf"
    path.write_bytes(files["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Annual social value evaluation 2025/26" in info


def _noted_document() -> Document:
    return Document(
        title="Portfolio",
        notes=["Price basis: every value is in 2024 prices."],
        sections=[
            Section(
                "Figures",
                [Table("By year", [Column("Year"), Column("Value", "money")], [["2025", 10.0]])],
                sections=[Section("Caveats", [BulletList(["Values are gross.", "=1+1 is text"])])],
            )
        ],
    )


def test_notes_and_caveats_head_the_csv_and_can_be_left_out():
    from socialvalue.reports.to_csv import without_notes

    data = render(_noted_document(), "csv")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[:4] == [
        "# Notes on these figures",
        "# Price basis: every value is in 2024 prices.",
        "# Values are gross.",
        "# '=1+1 is text",
    ]
    bare = render(_noted_document(), "csv", notes=False)
    assert not bare.decode("utf-8-sig").startswith("#")
    assert without_notes(data) == bare


def test_excel_carries_the_notes_on_their_own_sheet():
    book = openpyxl.load_workbook(io.BytesIO(render(_noted_document(), "xlsx")))
    assert book.sheetnames[:2] == ["Summary", "Notes"]
    notes = [row[0] for row in book["Notes"].iter_rows(values_only=True) if row[0]]
    assert notes == [
        "Notes on these figures",
        "Price basis: every value is in 2024 prices.",
        "Values are gross.",
        "'=1+1 is text",
    ]
