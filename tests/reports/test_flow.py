"""On paper a report flows: sections run on, a new page starts only before a chapter, headings
stay with what follows them, tables do not split badly, and Word's contents list is filled in."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from socialvalue.reports import (
    BulletList,
    Column,
    Document,
    Markdown,
    Paragraph,
    Section,
    Table,
    render,
)
from socialvalue.reports.to_html import html_page, print_stylesheet
from tests.reports.readers import docx_text, pdf_pages


def _short_report() -> Document:
    return Document(
        title="Flow check",
        organisation="Riverside Borough Council",
        sections=[
            Section("Alpha part", [Paragraph("Alpha body text.")]),
            Section(
                "Beta part",
                [Markdown("Beta **body** text.")],
                sections=[Section("Beta detail", [BulletList(["Beta bullet"])])],
            ),
            Section("Gamma part", [Paragraph("Gamma body text.")]),
            Section("Delta chapter", [Paragraph("Delta body text.")], chapter=True),
            Section("Epsilon part", [Paragraph("Epsilon body text.")]),
        ],
    )


def test_short_sections_share_a_page_and_only_a_chapter_starts_one():
    pages = pdf_pages(render(_short_report(), "pdf"))
    # The cover; the contents with the three parts before the chapter; the chapter and what follows.
    assert len(pages) == 3, [p[:80] for p in pages]
    assert all(
        text in pages[1]
        for text in ("Contents", "Alpha body text.", "Beta bullet", "Gamma body text.")
    )
    assert "Delta body text." not in pages[1]
    assert "Delta body text." in pages[2] and "Epsilon body text." in pages[2]


def test_the_print_styles_break_pages_before_chapters_and_after_the_cover_only():
    css = re.sub(r"/\*.*?\*/", "", print_stylesheet(), flags=re.S)
    breaking = {
        (selector.strip(), prop)
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        for prop in re.findall(r"((?:page-)?break-(?:before|after)):\s*(?:page|always)", body)
    }
    assert breaking == {
        (".sv-report__section--chapter", "break-before"),
        (".sv-cover", "break-after"),
    }
    body = html_page(_short_report()).split("<main", 1)[1]
    assert body.count("sv-report__section--chapter") == 1
    assert re.search(r'sv-report__section--chapter" id="section-4"', body)


def test_only_a_top_level_section_can_be_a_chapter():
    with pytest.raises(ValueError, match="'Inner' is a subsection of 'Outer'"):
        Section("Outer", sections=[Section("Inner", chapter=True)])


def test_a_heading_is_never_left_at_the_foot_of_a_page():
    # Sixty parts of one to three lines: with headings free to end a page, every page would.
    titles = [f"Heading number {n:02d}" for n in range(60)]
    document = Document(
        "Stranding check",
        sections=[
            Section(title, [Paragraph(" ".join(["Words of the body."] * (4 + (n * 7) % 11)))])
            for n, title in enumerate(titles)
        ],
    )
    pages = pdf_pages(render(document, "pdf"))
    assert len(pages) >= 6
    for number, page in enumerate(pages[2:], start=3):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Page ")]
        assert body[-1] not in titles, f"page {number} ends with the heading {body[-1]!r}"


def test_a_short_table_is_kept_whole_and_a_long_one_repeats_its_header():
    # Thirty tables of eight rows between paragraphs of uneven length: some would straddle a page.
    short = [
        Section(
            f"Part {k}",
            [
                Paragraph(" ".join(["Words of the body."] * (5 + (k * 17) % 40))),
                Table(
                    f"Table {k}",
                    [Column("Name"), Column("Value", "money")],
                    [[f"T{k:02d} row {n}", float(n)] for n in range(8)],
                ),
            ],
        )
        for k in range(30)
    ]
    long_rows = [[f"Row {n:03d}", float(n)] for n in range(120)]
    document = Document(
        "Table check",
        sections=[
            *short,
            Section(
                "Long", [Table("Many", [Column("Label"), Column("Amount", "money")], long_rows)]
            ),
        ],
    )
    pages = pdf_pages(render(document, "pdf"))
    for k in range(30):
        holding = {
            n for n, page in enumerate(pages) for row in range(8) if f"T{k:02d} row {row}" in page
        }
        assert len(holding) == 1, f"table {k} is split over pages {sorted(holding)}"
    first = next(n for n, page in enumerate(pages) if re.search(r"Label\s+Amount", page))
    last = next(n for n, page in enumerate(pages) if "Row 119" in page)
    assert last > first
    for n in range(first, last + 1):
        assert re.search(r"Label\s+Amount", pages[n]), f"page {n + 1} lost the table's header"


def _word(document: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(document, "docx")))


def test_word_contents_list_the_headings_with_links_before_any_field_is_updated():
    document = _short_report()
    word = _word(document)
    entries = [
        (p.style.name, p.text) for p in word.paragraphs if re.fullmatch(r"toc \d", p.style.name)
    ]
    assert entries == [
        ("toc 1", "Alpha part"),
        ("toc 1", "Beta part"),
        ("toc 2", "Beta detail"),
        ("toc 1", "Gamma part"),
        ("toc 1", "Delta chapter"),
        ("toc 1", "Epsilon part"),
    ]
    # Each entry links to a bookmark on its heading.
    bookmarks = {
        b.get(qn("w:name")): p.text
        for p in word.paragraphs
        if p.style.name.startswith("Heading")
        for b in p._p.iter(qn("w:bookmarkStart"))
    }
    links = [link.get(qn("w:anchor")) for link in word.element.body.iter(qn("w:hyperlink"))]
    assert [bookmarks[anchor] for anchor in links] == [text for _, text in entries]
    # Still a TOC field, so Word may refresh it with page numbers.
    instructions = "".join(t.text for t in word.element.body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instructions
    text = docx_text(render(document, "docx")).lower()
    assert "f9" not in text and "update field" not in text
    assert [p.text for p in word.paragraphs if p.style.name == "TOC Heading"] == ["Contents"]


def test_word_starts_a_page_before_chapters_only():
    word = _word(_short_report())
    breaking = [p.text for p in word.paragraphs if p.paragraph_format.page_break_before]
    assert breaking == ["Delta chapter"]
    page_breaks = [
        br for br in word.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"
    ]
    assert page_breaks == []
    headings = [p for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert all(p.paragraph_format.keep_with_next for p in headings)
