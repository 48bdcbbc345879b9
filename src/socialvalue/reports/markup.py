"""User-written Markdown made safe for HTML, and read as paragraphs, headings and lists for Word."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown as markdown_lib
import nh3

#: What user text may use: structure and emphasis, links, no images, scripts, styles or tables.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "a", "code",
}  # fmt: skip


def markdown_to_html(text: str) -> str:
    """Markdown to sanitised HTML; headings in user text start at h3 (the report owns h1/h2)."""
    raw = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    for level in (4, 3, 2, 1):  # shift down two levels, h1 -> h3
        raw = raw.replace(f"<h{level}>", f"<h{min(level + 2, 4)}>")
        raw = raw.replace(f"</h{level}>", f"</h{min(level + 2, 4)}>")
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class TextBlock:
    """A paragraph of runs; `style` is `paragraph`, `heading`, `bullet`, `number` or `quote`."""

    style: str = "paragraph"
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


class _Blocks(HTMLParser):
    BLOCKS = {"p": "paragraph", "h2": "heading", "h3": "heading", "h4": "heading"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[TextBlock] = []
        self.current: TextBlock | None = None
        self.lists: list[str] = []
        self.bold = 0
        self.italic = 0
        self.quote = 0
        self.href: str | None = None

    def _open(self, style: str) -> None:
        self._close()
        self.current = TextBlock(style)

    def _close(self) -> None:
        if self.current is not None and self.current.text.strip():
            self.current.runs[0].text = self.current.runs[0].text.lstrip()
            self.current.runs[-1].text = self.current.runs[-1].text.rstrip()
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self._open("quote" if self.quote and tag == "p" else self.BLOCKS[tag])
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.append(tag)
        elif tag == "li":
            self._open("number" if self.lists and self.lists[-1] == "ol" else "bullet")
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "br":
            self.handle_data("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS or tag == "li":
            self._close()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag == "blockquote":
            self.quote -= 1
        elif tag == "a":
            if self.href and self.current is not None and self.href not in self.current.text:
                self.handle_data(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.current is None:
            if not data.strip():
                return
            self.current = TextBlock("bullet" if self.lists else "paragraph")
        self.current.runs.append(Run(data, bold=self.bold > 0, italic=self.italic > 0))

    def close(self) -> None:
        super().close()
        self._close()


def markdown_blocks(text: str) -> list[TextBlock]:
    """The paragraphs, headings and list items of Markdown text, with bold and italic runs."""
    parser = _Blocks()
    parser.feed(markdown_to_html(text))
    parser.close()
    return parser.blocks
