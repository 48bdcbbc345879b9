"""The document model: what a report says, built once and rendered to every format."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from socialvalue.core.text import for_export

#: How a value is shown: the one list every renderer understands.
Kind = Literal[
    "text", "money", "money_pence", "number", "integer", "percent", "ratio", "date", "year"
]
KINDS: tuple[str, ...] = (
    "text",
    "money",
    "money_pence",
    "number",
    "integer",
    "percent",
    "ratio",
    "date",
    "year",
)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a kind of value; use one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Paragraph:
    """Plain text, one paragraph; no markup is interpreted."""

    text: str


@dataclass(frozen=True)
class Markdown:
    """Text written by a user in Markdown (a statement section, a case study's story).

    HTML and PDF show it sanitised; Word shows its paragraphs, headings and lists.
    """

    text: str


@dataclass(frozen=True)
class BulletList:
    items: Sequence[str]
    numbered: bool = False


@dataclass(frozen=True)
class KeyFigure:
    """A headline number: `value` stays a number (None when it cannot be computed)."""

    label: str
    value: float | int | None
    kind: Kind = "number"
    note: str = ""

    def __post_init__(self) -> None:
        _check_kind(self.kind)


@dataclass(frozen=True)
class KeyFigures:
    figures: Sequence[KeyFigure]
    title: str = ""


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = "text"

    def __post_init__(self) -> None:
        _check_kind(self.kind)

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "date")


@dataclass(frozen=True)
class Table:
    """A table of python values (numbers stay numbers), one Excel sheet each.

    `preview`: when set, screen, PDF and Word show only the first `preview` rows (with a note);
    Excel and CSV always carry every row. `totals` is an optional last row set apart.
    """

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    caption: str = ""
    totals: Sequence[Any] | None = None
    preview: int | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(
                    f"table {self.title!r} row {number} has {len(row)} cells, not {width}"
                )
        if self.totals is not None and len(self.totals) != width:
            raise ValueError(
                f"table {self.title!r} totals have {len(self.totals)} cells, not {width}"
            )

    @property
    def shown_rows(self) -> Sequence[Sequence[Any]]:
        return self.rows if self.preview is None else self.rows[: self.preview]

    @property
    def is_cut(self) -> bool:
        return self.preview is not None and len(self.rows) > self.preview


#: On paper (PDF and Word) a table of at most this many rows is kept whole: moved to the next
#: page rather than split. Longer tables break between rows, never inside one.
SHORT_TABLE_ROWS = 8

#: The title of a section whose bullets and paragraphs are caveats: they also head data files.
CAVEATS = "Caveats"


@dataclass
class Section:
    """A titled part of a report: blocks (Paragraph, Markdown, BulletList, KeyFigures, Table,
    Chart) then subsections.

    Sections flow: on paper (PDF and Word) each one continues on the page where the one before
    it ended, so a short statement or case study takes a page or two, not a page per heading.
    A **chapter** is the one exception: a top-level section marked ``chapter=True``, a main part
    of a long report that a reader turns to on its own (an annual evaluation's summary, its
    case studies, its methodology). A chapter starts a new page; nothing else does, apart from
    the PDF's cover. Only a top-level section can be a chapter: a subsection marked as one is
    refused, as it would break a part that is meant to be read in one piece.
    """

    title: str
    blocks: list[Any] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    chapter: bool = False

    def __post_init__(self) -> None:
        for child in self.sections:
            if child.chapter:
                raise ValueError(
                    f"section {child.title!r} is a subsection of {self.title!r}: "
                    "only a top-level section can be a chapter"
                )


@dataclass
class Document:
    """A report: a title page (title, subtitle, organisation, date, key figures) and sections."""

    title: str
    organisation: str = ""
    subtitle: str = ""
    date: dt.date | None = None
    key_figures: list[KeyFigure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    #: Short name for file names (`annual-evaluation-2025`): the title when blank; made safe either way.
    slug: str = ""
    #: What a reader of the figures must know, beyond the report's "Caveats" sections: the price
    #: basis above all. `file_notes` adds the caveats; CSV writes them all as leading ``#``
    #: lines and Excel as a "Notes" sheet, so they travel with the numbers into data files.
    notes: list[str] = field(default_factory=list)

    def file_notes(self) -> list[str]:
        """The notes, then every caveat the report states, each once, in reading order."""
        found = list(self.notes)
        for _depth, section in self.walk():
            if section.title == CAVEATS:
                for block in section.blocks:
                    if isinstance(block, BulletList):
                        found.extend(block.items)
                    elif isinstance(block, Paragraph):
                        found.append(block.text)
        return list(dict.fromkeys(found))

    def walk(self) -> Iterator[tuple[int, Section]]:
        """Every section with its depth (1 for top level), in reading order."""

        def visit(sections: list[Section], depth: int) -> Iterator[tuple[int, Section]]:
            for section in sections:
                yield depth, section
                yield from visit(section.sections, depth + 1)

        yield from visit(self.sections, 1)

    def tables(self) -> Iterator[tuple[Section, Table]]:
        """Every table (including each chart's data) in reading order, with its section."""
        for _depth, section in self.walk():
            for block in section.blocks:
                if isinstance(block, Table):
                    yield section, block
                # A chart (reports.charts, which builds on this module) carries its data as `table`.
                elif isinstance(getattr(block, "table", None), Table):
                    yield section, block.table

    def file_name(self, fmt: str) -> str:
        stem = re.sub(r"[^a-z0-9]+", "-", (self.slug or self.title).lower()).strip("-")[:80]
        stem = stem or "report"
        return f"{stem}.{fmt}"


def export_ready(value: Any) -> Any:
    """A copy of a document (or any part of one) with every text passed through the writers' one
    cleaner, `socialvalue.core.text.for_export`: every file writer (PDF, Word, Excel, CSV) starts
    with this, so a control character stored before the text policy cannot break a report."""
    if isinstance(value, str):
        return for_export(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: export_ready(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and not f.name.startswith("_") and not callable(getattr(value, f.name))
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [export_ready(item) for item in value]
    if isinstance(value, tuple):
        return tuple(export_ready(item) for item in value)
    if isinstance(value, dict):
        return {key: export_ready(item) for key, item in value.items()}
    return value
