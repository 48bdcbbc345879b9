"""A document as HTML: a GOV.UK-styled fragment for the screen, and a full page for the PDF."""

from __future__ import annotations

import base64
from html import escape
from importlib import resources

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
)
from socialvalue.reports.formatting import format_value
from socialvalue.reports.markup import markdown_to_html

_GOVUK_PROSE = (
    ("<p>", '<p class="govuk-body">'),
    ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
    ("<ol>", '<ol class="govuk-list govuk-list--number">'),
    ("<h3>", '<h3 class="govuk-heading-s">'),
    ("<h4>", '<h4 class="govuk-heading-s">'),
    ("<blockquote>", '<blockquote class="govuk-inset-text">'),
    ("<a ", '<a class="govuk-link" '),
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def section_ids(document: Document) -> dict[int, str]:
    """A stable anchor per section (`section-2-1`), keyed by the section's id()."""
    ids: dict[int, str] = {}

    def visit(sections: list[Section], prefix: str) -> None:
        for number, section in enumerate(sections, start=1):
            anchor = f"{prefix}-{number}"
            ids[id(section)] = anchor
            visit(section.sections, anchor)

    visit(document.sections, "section")
    return ids


def key_figures_html(figures: list[KeyFigure] | tuple[KeyFigure, ...], title: str = "") -> str:
    items = []
    for figure in figures:
        note = f'<dd class="sv-key-figure__note">{_e(figure.note)}</dd>' if figure.note else ""
        items.append(
            '<div class="sv-key-figure">'
            f'<dt class="sv-key-figure__label">{_e(figure.label)}</dt>'
            f'<dd class="sv-key-figure__value">{_e(format_value(figure.value, figure.kind))}</dd>'
            f"{note}</div>"
        )
    heading = f'<h3 class="govuk-heading-s">{_e(title)}</h3>' if title else ""
    return f'{heading}<dl class="sv-key-figures">{"".join(items)}</dl>'


def table_html(
    table: Table, *, caption_class: str = "govuk-table__caption--s", region: str = ""
) -> str:
    """The table on screen; `region` names its scrolling region when the title alone would not
    tell it apart (a chart's data beside a table of the same title)."""
    head = "".join(
        f'<th scope="col" class="govuk-table__header'
        f'{" govuk-table__header--numeric" if c.numeric else ""}">{_e(c.heading)}</th>'
        for c in table.columns
    )
    first_is_label = bool(table.columns) and table.columns[0].kind == "text"

    def row_html(row: object, css: str = "govuk-table__row", totals: bool = False) -> str:
        cells = []
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True)):  # type: ignore[call-overload]
            text = "" if totals and value is None else _e(format_value(value, column.kind))
            if index == 0 and first_is_label:
                cells.append(f'<th scope="row" class="govuk-table__header">{text}</th>')
            else:
                numeric = " govuk-table__cell--numeric" if column.numeric else ""
                cells.append(f'<td class="govuk-table__cell{numeric}">{text}</td>')
        return f'<tr class="{css}">{"".join(cells)}</tr>'

    body = "".join(row_html(row) for row in table.shown_rows)
    if not table.rows:
        body = (
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{len(table.columns)}">'
            "Nothing to show.</td></tr>"
        )
    foot = ""
    if table.totals is not None:
        foot = f'<tfoot class="sv-table__totals">{row_html(table.totals, totals=True)}</tfoot>'
    notes = []
    if table.caption:
        notes.append(f'<p class="govuk-body-s sv-table__note">{_e(table.caption)}</p>')
    if table.is_cut:
        notes.append(
            f'<p class="govuk-body-s sv-table__note">Showing the first {table.preview:,} of '
            f"{len(table.rows):,} rows; the Excel and CSV downloads have them all.</p>"
        )
    # Any table may scroll sideways on a narrow screen (a phone is 375 px wide): keyboard users
    # need to reach it, so each is a named region they can focus.
    wide = " sv-table--wide" if len(table.columns) >= 7 else ""
    # On paper a short table is kept whole (moved to the next page rather than split).
    short = " sv-table--short" if len(table.shown_rows) <= SHORT_TABLE_ROWS else ""
    wrap = (
        f'<div class="sv-table-wrap{wide}" role="region" tabindex="0" '
        f'aria-label="{_e(region or table.title)}">'
    )
    return (
        f'{wrap}<table class="govuk-table{short}">'
        f'<caption class="govuk-table__caption {caption_class}">{_e(table.title)}</caption>'
        f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
        f'<tbody class="govuk-table__body">{body}</tbody>{foot}</table>{"".join(notes)}</div>'
    )


def chart_html(chart: Chart, *, for_print: bool) -> str:
    data = base64.b64encode(chart.svg().encode("utf-8")).decode("ascii")
    image = f'<img class="sv-chart__image" src="data:image/svg+xml;base64,{data}" alt="{_e(chart.alt)}">'
    if for_print:
        return f'<figure class="sv-chart">{image}</figure>'
    data_table = table_html(chart.table, region=f"The data of the chart {chart.title}")
    return (
        f'<figure class="sv-chart">{image}'
        '<details class="govuk-details"><summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">Show the data: {_e(chart.title)}</span></summary>'
        f'<div class="govuk-details__text">{data_table}</div></details></figure>'
    )


def markdown_html(text: str) -> str:
    html = markdown_to_html(text)
    for plain, styled in _GOVUK_PROSE:
        html = html.replace(plain, styled)
    return f'<div class="sv-prose">{html}</div>'


def block_html(block: object, *, for_print: bool) -> str:
    if isinstance(block, Paragraph):
        return f'<p class="govuk-body">{_e(block.text)}</p>'
    if isinstance(block, Markdown):
        return markdown_html(block.text)
    if isinstance(block, BulletList):
        tag, style = ("ol", "number") if block.numbered else ("ul", "bullet")
        items = "".join(f"<li>{_e(item)}</li>" for item in block.items)
        return f'<{tag} class="govuk-list govuk-list--{style}">{items}</{tag}>'
    if isinstance(block, KeyFigures):
        return key_figures_html(list(block.figures), block.title)
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Chart):
        return chart_html(block, for_print=for_print)
    raise TypeError(f"a report cannot show a {type(block).__name__}")


_HEADING_CLASSES = {2: "govuk-heading-l", 3: "govuk-heading-m", 4: "govuk-heading-s"}


def sections_html(document: Document, *, for_print: bool) -> str:
    ids = section_ids(document)
    parts: list[str] = []

    def visit(section: Section, depth: int) -> None:
        level = min(depth + 1, 6)
        css = _HEADING_CLASSES.get(level, "govuk-heading-s")
        # A chapter starts a new page on paper (print.css); every other section flows on.
        chapter = " sv-report__section--chapter" if depth == 1 and section.chapter else ""
        parts.append(
            f'<section class="sv-report__section sv-report__section--{depth}{chapter}" '
            f'id="{ids[id(section)]}">'
        )
        parts.append(f'<h{level} class="{css}">{_e(section.title)}</h{level}>')
        parts.extend(block_html(block, for_print=for_print) for block in section.blocks)
        for child in section.sections:
            visit(child, depth + 1)
        parts.append("</section>")

    for section in document.sections:
        visit(section, 1)
    return "".join(parts)


def contents_html(document: Document, *, depth: int = 2) -> str:
    ids = section_ids(document)

    def items(sections: list[Section], level: int) -> str:
        out = []
        for section in sections:
            inner = items(section.sections, level + 1) if level < depth and section.sections else ""
            out.append(
                f'<li><a class="govuk-link" href="#{ids[id(section)]}">{_e(section.title)}</a>{inner}</li>'
            )
        return f'<ol class="govuk-list sv-contents__list">{"".join(out)}</ol>'

    return (
        '<nav class="sv-contents" aria-labelledby="contents-heading">'
        '<h2 class="govuk-heading-m" id="contents-heading">Contents</h2>'
        f"{items(document.sections, 1)}</nav>"
    )


def _meta_line(document: Document) -> str:
    bits = []
    if document.organisation:
        bits.append(_e(document.organisation))
    if document.date:
        bits.append(
            f'<time datetime="{document.date.isoformat()}">{_e(format_value(document.date, "date"))}</time>'
        )
    return " · ".join(bits)


def html_fragment(document: Document) -> str:
    """The report for the screen, to sit inside the site's page (the page supplies the h1)."""
    parts = ['<div class="sv-report">']
    if document.subtitle:
        parts.append(f'<p class="govuk-body-l">{_e(document.subtitle)}</p>')
    meta = _meta_line(document)
    if meta:
        parts.append(f'<p class="govuk-body govuk-hint">{meta}</p>')
    if document.key_figures:
        parts.append(key_figures_html(document.key_figures))
    if len(document.sections) > 2:
        parts.append(contents_html(document, depth=1))
    parts.append(sections_html(document, for_print=False))
    parts.append("</div>")
    return "".join(parts)


def print_stylesheet() -> str:
    return resources.files("socialvalue.reports").joinpath("print.css").read_text(encoding="utf-8")


def html_page(document: Document) -> str:
    """A whole HTML page for print: cover with key figures, contents with page numbers, then the
    sections flowing on from the contents, a new page only before each chapter (see `Section`)."""
    cover = [
        '<section class="sv-cover">',
        f'<p class="sv-cover__organisation">{_e(document.organisation)}</p>'
        if document.organisation
        else "",
        f'<h1 class="sv-cover__title">{_e(document.title)}</h1>',
        f'<p class="sv-cover__subtitle">{_e(document.subtitle)}</p>' if document.subtitle else "",
        f'<p class="sv-cover__date">{_e(format_value(document.date, "date"))}</p>'
        if document.date
        else "",
        key_figures_html(document.key_figures) if document.key_figures else "",
        "</section>",
    ]
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{_e(document.title)}</title>"
        f'<meta name="author" content="{_e(document.organisation)}">'
        f'<meta name="description" content="{_e(document.subtitle or document.title)}">'
        f"<style>{print_stylesheet()}</style></head><body>"
        f"{''.join(cover)}{contents_html(document)}"
        f'<main class="sv-report">{sections_html(document, for_print=True)}</main>'
        "</body></html>"
    )
