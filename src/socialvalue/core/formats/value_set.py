"""Reading and writing value-set files (.csv and .xlsx): measures with their proxies and sources.

Contract, as a spreadsheet user sees it:

- Columns: code, theme, outcome, measure, unit, proxy_value, value_type, price_year, source,
  sdg_targets. Headers are matched ignoring case, spaces and punctuation, and the usual
  spellings in frameworks' own sheets are understood ("Measure ID" or "Ref" for code,
  "Proxy Value (£)" or "Financial proxy" for proxy_value, "Units" for unit, and so on).
  Required: code, measure, unit, proxy_value. Unknown columns are ignored and listed in
  `ValueSetFile.ignored_columns`. The header may sit below a few title rows.
- proxy_value: `£1,234.50`, `1234.5`, `-250`, `(250)` or blank (no proxy: counted, not valued).
  Negative proxies are allowed because a harm (a disbenefit) is valued, not hidden.
- value_type: fiscal, economic, social, wellbeing or environmental, any case; blank allowed.
- price_year: a whole year 1900-2100, or a financial year written `2023/24` or `2023-24`
  (read as its first year, 2023). Needed whenever a proxy is given; `default_price_year`
  fills blanks for sets that state one price year for the whole file.
- sdg_targets: SDG target codes such as `8.5;8.6` (commas also work), checked against the 169
  shipped targets.
- overlaps_with (optional): codes of other measures in the same file that value the same change
  as this one (for example a QALY and a WELLBY gained by the same people), separated by `;`
  or commas. Claiming both for the same activity or contract and period counts the change
  twice, so the product warns where that happens. An overlap is symmetric: declare it on
  either row. overlap_reason (needed with overlaps_with) says why, in a sentence the warning
  shows.
- Codes are unique within a file, ignoring case.
- All or nothing: a file with any bad row raises InputError listing every bad row, numbered as
  a spreadsheet numbers them (the header is row 1 when it is the first row).
"""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from gettext import ngettext
from pathlib import Path
from typing import Any

import openpyxl

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.office import open_workbook
from socialvalue.core.formats.spreadsheet import FORMULA_STARTS, safe_text
from socialvalue.core.text import strip_controls
from socialvalue.core.valuation import load_shipped

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "VALUE_TYPES",
    "ValueSetFile",
    "ValueSetRow",
    "normalise_header",
    "overlaps_of",
    "parse_codes",
    "parse_amount",
    "parse_price_year",
    "parse_sdg_targets",
    "parse_value_type",
    "read_value_set",
    "sdg_target_codes",
    "write_value_set",
]

COLUMNS: tuple[str, ...] = (
    "code",
    "theme",
    "outcome",
    "measure",
    "unit",
    "proxy_value",
    "value_type",
    "price_year",
    "source",
    "sdg_targets",
    "overlaps_with",
    "overlap_reason",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "measure", "unit", "proxy_value")
VALUE_TYPES: tuple[str, ...] = ("fiscal", "economic", "social", "wellbeing", "environmental")
MIN_PRICE_YEAR = 1900
MAX_PRICE_YEAR = 2100
# Title rows above a header are common in published sheets; beyond this many it is not a value set.
HEADER_SEARCH_ROWS = 20

# Normalised header -> (column, rank). Lower rank wins when two headers map to the same column,
# so a sheet with both "Measure" and "Description" keeps "Measure" and ignores "Description".
_ALIASES: dict[str, tuple[str, int]] = {}
for _column, _names in {
    "code": ["code", "measureid", "measurecode", "ref", "reference", "refno", "id", "measureref"],
    "theme": ["theme", "themes", "themename"],
    "outcome": ["outcome", "outcomes", "outcomename"],
    "measure": [
        "measure",
        "measuretitle",
        "measurename",
        "title",
        "measuredescription",
        "description",
        "name",
    ],
    "unit": ["unit", "units", "unitofmeasure", "unitofmeasurement"],
    "proxy_value": [
        "proxyvalue",
        "proxy",
        "financialproxy",
        "financialproxyvalue",
        "proxyvaluegbp",
        "value",
        "valuegbp",
        "unitvalue",
    ],
    "value_type": ["valuetype", "typeofvalue", "type"],
    "price_year": ["priceyear", "year", "pricebase", "pricebaseyear", "baseyear"],
    "source": ["source", "sources", "referencesource", "proxysource", "sourceofproxy"],
    "sdg_targets": ["sdgtargets", "sdgtarget", "sdgs", "sdg", "sdgtargetcodes"],
    "overlaps_with": ["overlapswith", "overlaps", "overlap", "doublecountswith"],
    "overlap_reason": ["overlapreason", "reasonforoverlap", "overlapnote"],
}.items():
    for _rank, _name in enumerate(_names):
        _ALIASES[_name] = (_column, _rank)

# Exponents appear when a spreadsheet exports a very large or very small number.
_AMOUNT = re.compile(r"^(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_SDG_SPLIT = re.compile(r"[;,\s]+")
# Characters an xlsx file cannot hold (the XML 1.0 control range, bar tab, newline, return).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class ValueSetRow:
    """One measure in a value set."""

    code: str
    measure: str
    unit: str
    theme: str = ""
    outcome: str = ""
    proxy_value: float | None = None
    value_type: str | None = None
    price_year: int | None = None
    source: str = ""
    sdg_targets: tuple[str, ...] = ()
    #: Codes of other measures in the file that value the same change (see the module docstring).
    overlaps_with: tuple[str, ...] = ()
    overlap_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass(frozen=True)
class ValueSetFile:
    """A value set read from a file: its rows and what was left out."""

    rows: tuple[ValueSetRow, ...]
    ignored_columns: tuple[str, ...] = ()
    header_row: int = 1
    sheet: str | None = None
    format: str = "csv"
    path: str = ""
    columns: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ValueSetRow]:
        return iter(self.rows)

    @property
    def overlaps(self) -> tuple[tuple[str, str, str], ...]:
        return overlaps_of(self.rows)


def overlaps_of(rows: Iterable[ValueSetRow]) -> tuple[tuple[str, str, str], ...]:
    """Each declared overlap once, as (code, other code, reason), in the order of the rows.

    An overlap is symmetric, so a pair declared on both rows counts once (the first reason wins).
    Codes are returned as the rows spell them.
    """
    rows = tuple(rows)
    spelled = {row.code.casefold(): row.code for row in rows}
    seen: set[frozenset[str]] = set()
    pairs: list[tuple[str, str, str]] = []
    for row in rows:
        for other in row.overlaps_with:
            key = frozenset((row.code.casefold(), other.casefold()))
            if key in seen or other.casefold() not in spelled:
                continue
            seen.add(key)
            pairs.append((row.code, spelled[other.casefold()], row.overlap_reason))
    return tuple(pairs)


@lru_cache(maxsize=1)
def sdg_target_codes() -> frozenset[str]:
    """The 169 SDG target codes shipped in `socialvalue/data/sdgs.yaml`."""
    data = load_shipped("sdgs.yaml")
    return frozenset(str(target["code"]) for goal in data["goals"] for target in goal["targets"])


def normalise_header(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower()) if text is not None else ""


# ---------------------------------------------------------------- reading the raw grid


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem("", "no such file"), source=str(path)) from None
    except IsADirectoryError:
        raise InputError(Problem("", "is a folder, not a file"), source=str(path)) from None
    except OSError as exc:
        raise InputError(
            Problem("", f"could not be read ({exc.strerror})"), source=str(path)
        ) from None


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InputError(Problem("", "is neither a CSV text file nor an .xlsx workbook"), source=source)


def _csv_grid(data: bytes, source: str) -> list[list[Any]]:
    text = _decode(data, source)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in many European locales saves "CSV" with semicolons; tab-separated text is common too.
    delimiter = max([",", ";", "\t"], key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(Problem("", f"is not readable CSV ({exc})"), source=source) from None


def _xlsx_sheets(data: bytes, source: str) -> list[tuple[str, list[list[Any]]]]:
    try:
        # openpyxl warns about harmless quirks of workbooks saved by other tools; the reader
        # reports what matters as problems instead. The workbook is measured before it is
        # parsed: one that would expand too far is refused at once.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = open_workbook(data, source)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(
            Problem("", f"is not a readable .xlsx workbook ({type(exc).__name__})"), source=source
        ) from None
    try:
        sheets = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for sheet in workbook.worksheets:
                rows = [list(row) for row in sheet.iter_rows(values_only=True)]
                sheets.append((sheet.title, rows))
        return sheets
    except Exception as exc:
        raise InputError(
            Problem("", f"is not a readable .xlsx workbook ({type(exc).__name__})"), source=source
        ) from None
    finally:
        workbook.close()


def _sheets(path: Path) -> tuple[str, list[tuple[str | None, list[list[Any]]]]]:
    source = str(path)
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(Problem("", "the file is empty"), source=source)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            Problem("", "is an old-style .xls workbook; save it as .xlsx or .csv and try again"),
            source=source,
        )
    if data.startswith(b"PK\x03\x04") or zipfile.is_zipfile(io.BytesIO(data)):
        return "xlsx", list(_xlsx_sheets(data, source))
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise InputError(Problem("", "is named .xlsx but is not an Excel workbook"), source=source)
    return "csv", [(None, _csv_grid(data, source))]


# ---------------------------------------------------------------- cell values


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unescape(text: str) -> str:
    # Undo the quote that write_value_set adds to keep spreadsheets from running a cell as a formula.
    if text.startswith("'") and text[1:2] in (*FORMULA_STARTS, "'") and text[1:2] != "":
        return text[1:]
    return text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    # Kept the way the text policy keeps any text that comes in: no control characters.
    return _unescape(strip_controls(str(value)).strip())


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else _text(value)
    text = text.strip()
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{text}"'


def parse_amount(value: Any) -> float | None:
    """A money amount as spreadsheets write it: `£1,234.50`, `-250`, `(250)`; blank is None.

    Raises ValueError when the cell is not an amount.
    """
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("is not an amount")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"\s+", "", _unescape(str(value).strip()))
        negative = False
        if text.startswith("(") and text.endswith(")"):
            negative, text = True, text[1:-1]
        for prefix in ("-", "−"):
            if text.startswith(prefix):
                negative, text = not negative, text[1:]
        if text[:3].upper() == "GBP":
            text = text[3:]
        if text.startswith("£"):
            text = text[1:]
        if text.startswith("-") and not negative:
            negative, text = True, text[1:]
        if not _AMOUNT.match(text):
            raise ValueError("is not an amount")
        number = float(text.replace(",", ""))
        if negative:
            number = -number
    if not math.isfinite(number):
        raise ValueError("is not an amount")
    return number


def parse_price_year(value: Any) -> int | None:
    """A price year 1900-2100, or a financial year such as `2023/24` read as 2023; blank is None."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("is not a year")
    year: int
    if isinstance(value, int):
        year = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError("is not a whole year")
        year = int(value)
    else:
        text = str(value).strip()
        match = _FINANCIAL_YEAR.match(text)
        if match:
            year = int(match.group(1))
            second = match.group(2)
            expected = f"{(year + 1) % 100:02d}" if len(second) == 2 else str(year + 1)
            if second != expected:
                raise ValueError("is not a financial year (the second year must follow the first)")
        elif re.fullmatch(r"\d{4}(?:\.0+)?", text):
            year = int(float(text))
        else:
            raise ValueError("is not a year")
    if not MIN_PRICE_YEAR <= year <= MAX_PRICE_YEAR:
        raise ValueError(f"is not a year between {MIN_PRICE_YEAR} and {MAX_PRICE_YEAR}")
    return year


def parse_value_type(value: Any) -> str | None:
    if _is_blank(value):
        return None
    text = _text(value).lower()
    if text not in VALUE_TYPES:
        raise ValueError(
            "is not a value type (use fiscal, economic, social, wellbeing or environmental)"
        )
    return text


def parse_codes(value: Any) -> tuple[str, ...]:
    """Measure codes separated by `;` or commas, blanks dropped, each once (first spelling kept)."""
    if _is_blank(value):
        return ()
    codes: dict[str, str] = {}
    for part in re.split(r"[;,]", _text(value)):
        code = part.strip()
        if code:
            codes.setdefault(code.casefold(), code)
    return tuple(codes.values())


def parse_sdg_targets(value: Any) -> tuple[str, ...]:
    """SDG target codes such as `8.5;8.6`; unknown codes raise ValueError naming them."""
    if _is_blank(value):
        return ()
    text = _text(value)
    known = sdg_target_codes()
    codes: list[str] = []
    bad: list[str] = []
    for part in _SDG_SPLIT.split(text):
        if not part:
            continue
        code = re.sub(r"^(?:sdg|target)", "", part, flags=re.IGNORECASE).strip().lower()
        if not code:
            continue
        if code in known:
            if code not in codes:
                codes.append(code)
        else:
            bad.append(part)
    if bad:
        listed = ", ".join(f'"{b}"' for b in bad)
        goal_only = all(re.fullmatch(r"\d{1,2}", b) for b in bad)
        hint = " (give targets such as 8.5, not whole goals)" if goal_only else ""
        what = ngettext("is not an SDG target code", "are not SDG target codes", len(bad))
        raise ValueError(f"{listed} {what}{hint}")
    return tuple(codes)


# ---------------------------------------------------------------- header and rows


@dataclass
class _Header:
    row_number: int
    positions: dict[str, int]
    ignored: list[str]
    problems: list[Problem]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _match_header(cells: Sequence[Any], row_number: int) -> _Header:
    best: dict[str, tuple[int, int]] = {}  # column -> (rank, position)
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, cell in enumerate(cells):
        key = normalise_header(cell)
        if not key:
            continue
        if key not in _ALIASES:
            ignored.append(str(cell).strip())
            continue
        column, rank = _ALIASES[key]
        if column in best:
            other_rank, other_position = best[column]
            if rank == other_rank:
                problems.append(
                    Problem(
                        f"row {row_number}",
                        f"columns {_column_letter(other_position)} and {_column_letter(position)}"
                        f" both give {column}; keep one",
                    )
                )
                continue
            if rank > other_rank:
                ignored.append(str(cell).strip())
                continue
            ignored.append(str(cells[other_position]).strip())
        best[column] = (rank, position)
    positions = {column: position for column, (_rank, position) in best.items()}
    return _Header(row_number, positions, ignored, problems)


def _find_header(rows: list[list[Any]]) -> _Header | None:
    candidates: list[_Header] = []
    for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
        if all(_is_blank(c) for c in cells):
            continue
        header = _match_header(cells, number)
        if all(c in header.positions for c in REQUIRED_COLUMNS):
            return header
        candidates.append(header)
    if not candidates:
        return None
    return max(candidates, key=lambda h: len(h.positions))


def _parse_row(
    number: int,
    cells: list[Any],
    positions: dict[str, int],
    seen: dict[str, int],
    default_price_year: int | None,
) -> tuple[ValueSetRow | None, list[Problem]]:
    problems: list[Problem] = []

    def cell(column: str) -> Any:
        index = positions.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    def fail(column: str, message: str) -> None:
        problems.append(Problem(f"row {number}, {column}", message))

    texts = {
        c: _text(cell(c))
        for c in ("code", "theme", "outcome", "measure", "unit", "source", "overlap_reason")
    }
    for column in ("code", "measure", "unit"):
        if not texts[column]:
            fail(column, "is blank")
    if texts["code"]:
        key = texts["code"].casefold()
        if key in seen:
            fail("code", f"{_show(texts['code'])} is already used on row {seen[key]}")
        else:
            seen[key] = number

    proxy: float | None = None
    try:
        proxy = parse_amount(cell("proxy_value"))
    except ValueError as exc:
        fail("proxy_value", f"{_show(cell('proxy_value'))} {exc}")
    value_type: str | None = None
    try:
        value_type = parse_value_type(cell("value_type"))
    except ValueError as exc:
        fail("value_type", f"{_show(cell('value_type'))} {exc}")
    price_year: int | None = None
    try:
        price_year = parse_price_year(cell("price_year"))
    except ValueError as exc:
        fail("price_year", f"{_show(cell('price_year'))} {exc}")
    else:
        if price_year is None:
            price_year = default_price_year
            if proxy is not None and price_year is None:
                fail("price_year", "is blank, but a proxy value needs the year of its prices")
    targets: tuple[str, ...] = ()
    try:
        targets = parse_sdg_targets(cell("sdg_targets"))
    except ValueError as exc:
        fail("sdg_targets", str(exc))
    overlaps = parse_codes(cell("overlaps_with"))
    if texts["code"] and texts["code"].casefold() in {c.casefold() for c in overlaps}:
        fail("overlaps_with", f"names the row's own code {_show(texts['code'])}")

    if problems:
        return None, problems
    row = ValueSetRow(
        code=texts["code"],
        theme=texts["theme"],
        outcome=texts["outcome"],
        measure=texts["measure"],
        unit=texts["unit"],
        proxy_value=proxy,
        value_type=value_type,
        price_year=price_year,
        source=texts["source"],
        sdg_targets=targets,
        overlaps_with=overlaps,
        overlap_reason=texts["overlap_reason"] if overlaps else "",
    )
    return row, []


def _parse_rows(
    rows: list[list[Any]],
    header: _Header,
    default_price_year: int | None,
) -> tuple[list[ValueSetRow], list[Problem]]:
    problems: list[Problem] = []
    parsed: list[tuple[int, ValueSetRow]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows[header.row_number :], start=header.row_number + 1):
        if all(_is_blank(c) for c in cells):
            continue
        row, row_problems = _parse_row(number, cells, header.positions, seen, default_price_year)
        problems.extend(row_problems)
        if row is not None:
            parsed.append((number, row))
    codes = set(seen)
    reasons = {
        frozenset((row.code.casefold(), other.casefold()))
        for _, row in parsed
        if row.overlap_reason
        for other in row.overlaps_with
    }
    for number, row in parsed:
        unknown = [c for c in row.overlaps_with if c.casefold() not in codes]
        if unknown:
            problems.append(
                Problem(
                    f"row {number}, overlaps_with",
                    ngettext(
                        "names %s, which is not a code",
                        "names %s, which are not codes",
                        len(unknown),
                    )
                    % ", ".join(_show(c) for c in unknown)
                    + " in this file",
                )
            )
        # The reason may be given on either row of a pair.
        if not row.overlap_reason and any(
            frozenset((row.code.casefold(), c.casefold())) not in reasons
            for c in row.overlaps_with
            if c.casefold() in codes
        ):
            problems.append(
                Problem(
                    f"row {number}, overlap_reason",
                    "is blank, but overlaps_with names measures: say why they overlap",
                )
            )
    return [row for _, row in parsed], problems


def read_value_set(
    path: str | Path,
    *,
    default_price_year: int | None = None,
) -> ValueSetFile:
    """Read a .csv or .xlsx value set; every row must be good or nothing is returned.

    Raises InputError listing every problem, e.g. `row 7, proxy_value: "abc" is not an amount`.
    """
    path = Path(path)
    source = str(path)
    if default_price_year is not None:
        try:
            default_price_year = parse_price_year(default_price_year)
        except ValueError as exc:
            raise InputError(
                Problem("default_price_year", f"{_show(default_price_year)} {exc}")
            ) from None
    kind, sheets = _sheets(path)

    chosen: tuple[str | None, list[list[Any]], _Header] | None = None
    first: tuple[str | None, list[list[Any]], _Header | None] | None = None
    for title, rows in sheets:
        header = _find_header(rows)
        if first is None:
            first = (title, rows, header)
        if header is not None and all(c in header.positions for c in REQUIRED_COLUMNS):
            chosen = (title, rows, header)
            break

    if chosen is None:
        header = first[2] if first else None
        if header is None:
            raise InputError(Problem("", "has no header row and no measures"), source=source)
        missing = [c for c in REQUIRED_COLUMNS if c not in header.positions]
        where = f"row {header.row_number}" + (
            f' of sheet "{first[0]}"' if first and first[0] else ""
        )
        raise InputError(
            Problem(
                where,
                "missing required column"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(missing)
                + " (expected headers such as: code, theme, outcome, measure, unit, proxy_value,"
                " value_type, price_year, source, sdg_targets, overlaps_with, overlap_reason)",
            ),
            source=source,
        )

    title, rows, header = chosen
    parsed, problems = _parse_rows(rows, header, default_price_year)
    problems = header.problems + problems
    if problems:
        raise InputError(problems, source=source)
    if not parsed:
        raise InputError(
            Problem(f"row {header.row_number + 1}", "no measures below the header row"),
            source=source,
        )
    return ValueSetFile(
        rows=tuple(parsed),
        ignored_columns=tuple(header.ignored),
        header_row=header.row_number,
        sheet=title,
        format=kind,
        path=source,
        columns={column: _column_letter(position) for column, position in header.positions.items()},
    )


# ---------------------------------------------------------------- writing


def _safe_text(text: str) -> str:
    """Keep a spreadsheet from running a text cell as a formula, reversibly.

    `safe_text` quotes text starting with = + - @ tab or CR. Text that already starts with an
    apostrophe before one of those (or before another apostrophe) gets one more, so reading the
    file back, which removes one, gives the original text exactly.
    """
    if text.startswith("'") and text[1:2] != "" and text[1:2] in (*FORMULA_STARTS, "'"):
        return "'" + text
    return str(safe_text(text))


def _format_amount(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _row_cells(row: ValueSetRow) -> list[Any]:
    return [
        _safe_text(row.code),
        _safe_text(row.theme),
        _safe_text(row.outcome),
        _safe_text(row.measure),
        _safe_text(row.unit),
        None if row.proxy_value is None else float(row.proxy_value),
        row.value_type or None,
        row.price_year,
        _safe_text(row.source),
        ";".join(row.sdg_targets) or None,
        _safe_text(";".join(row.overlaps_with)) or None,
        _safe_text(row.overlap_reason) or None,
    ]


def write_value_set(rows: Iterable[ValueSetRow], path: str | Path) -> Path:
    """Write rows to a .csv (UTF-8 with BOM, so Excel shows £ correctly) or .xlsx file.

    Text cells are protected against formula injection; `read_value_set` reads the file back
    to the same rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InputError(
            Problem("", "a value set can be written as .csv or .xlsx only"), source=str(path)
        )
    table = [_row_cells(row) for row in rows]
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for cells in table:
                writer.writerow(
                    [
                        ""
                        if value is None
                        else _format_amount(value)
                        if isinstance(value, float)
                        else value
                        for value in cells
                    ]
                )
        return path

    problems = [
        Problem(f"row {number}, {COLUMNS[index]}", "holds a control character Excel cannot store")
        for number, cells in enumerate(table, start=2)
        for index, value in enumerate(cells)
        if isinstance(value, str) and _XLSX_ILLEGAL.search(value)
    ]
    if problems:
        raise InputError(problems, source=str(path))

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Value set")
    sheet.append(list(COLUMNS))
    for cells in table:
        sheet.append(cells)
    workbook.save(path)
    return path
