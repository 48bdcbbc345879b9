"""The one text policy: what text may come in (forms, API bodies, imports) and what may go out (exports).

Coming in, text passes `clean_text`: control characters other than tab, newline and carriage return
are removed (pasted text carries form feeds and bells that no reader wants), a lone surrogate (not a
character at all; databases and document writers refuse it) is refused with a message naming the
field, and a text longer than its field's limit is refused. Searches are cut to `SEARCH_MAX`.

Going out, every value written to a CSV, Excel, Word or PDF file passes `for_export`, so a record
stored before this policy (or planted by any other path) cannot break a download.
"""

from __future__ import annotations

import re
from typing import Any

#: The longest text any long (multi-line) field keeps: about 7,000 words, longer than any statement
#: section or description a reader would read, far shorter than what could slow a page or a report.
LONG_TEXT_MAX = 50_000

#: The longest search term any list page or API route uses; longer ones are cut to this.
SEARCH_MAX = 200

#: The query-string parameters that hold a search term.
SEARCH_PARAMETERS = ("search", "q")

#: C0 controls except tab, newline and carriage return; DEL; and the two non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextError(ValueError):
    """A text that cannot be taken; `field` names where it was, `message` says why (without the name)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def has_lone_surrogate(text: str) -> bool:
    return bool(_SURROGATE.search(text))


def strip_controls(text: str) -> str:
    """The text without control characters other than tab, newline and carriage return."""
    return _CONTROL.sub("", text)


def clean_text(text: str, field: str = "", max_length: int | None = LONG_TEXT_MAX) -> str:
    """Text as the policy keeps it, or a TextError naming `field`."""
    if has_lone_surrogate(text):
        raise TextError(
            field, "contains an invalid character (a lone surrogate, not a real character)."
        )
    text = strip_controls(text)
    if max_length is not None and len(text) > max_length:
        raise TextError(
            field, f"is {len(text):,} characters long: it must be {max_length:,} or fewer."
        )
    return text


def clean_tree(data: Any, place: str = "", max_length: int | None = LONG_TEXT_MAX) -> Any:
    """A parsed JSON value with every string (keys included) passed through `clean_text`.

    A TextError names the place as a dotted path (`criteria[2].description`).
    """
    if isinstance(data, str):
        return clean_text(data, place or "body", max_length)
    if isinstance(data, list):
        return [clean_tree(item, f"{place}[{i}]", max_length) for i, item in enumerate(data)]
    if isinstance(data, dict):
        cleaned = {}
        for key, value in data.items():
            name = clean_text(key, place or "body", max_length=1_000)
            cleaned[name] = clean_tree(value, f"{place}.{name}" if place else name, max_length)
        return cleaned
    return data


def search_term(text: str | None) -> str:
    """A search term as the lists use it: without control characters, at most SEARCH_MAX long."""
    return strip_controls(_SURROGATE.sub("", text or ""))[:SEARCH_MAX]


def for_export(value: Any) -> Any:
    """A value safe for any file writer: text loses control characters and lone surrogates.

    Used by every CSV, Excel, Word and PDF writer; numbers, dates and None pass unchanged.
    """
    if isinstance(value, str):
        if _SURROGATE.search(value):
            value = _SURROGATE.sub("\ufffd", value)
        return _CONTROL.sub("", value)
    return value
