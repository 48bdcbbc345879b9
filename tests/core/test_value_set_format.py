"""Value-set files: header matching, all-or-nothing validation, round trips and fuzzing."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.core.errors import InputError
from socialvalue.core.formats.value_set import (
    COLUMNS,
    VALUE_TYPES,
    ValueSetRow,
    parse_amount,
    parse_price_year,
    parse_sdg_targets,
    read_value_set,
    sdg_target_codes,
    write_value_set,
)
from tests.properties import examples

TOMS_HEADER = [
    "Measure ID",
    "Theme",
    "Outcome",
    "Measure",
    "Units",
    "Proxy Value (£)",
    "Type of value",
    "Price year",
    "Reference source",
    "SDGs",
    "Notes for bidders",
]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], title_rows: int = 0) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["Our framework, 2024 edition"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def sample_rows() -> list[ValueSetRow]:
    return [
        ValueSetRow(
            code="NT1",
            theme="Jobs",
            outcome="More local people in work",
            measure="Local people employed",
            unit="FTE",
            proxy_value=1234.5,
            value_type="economic",
            price_year=2023,
            source="Our own study",
            sdg_targets=("8.5", "8.6"),
        ),
        ValueSetRow(code="NT2", measure="Volunteer hours", unit="hours"),
        ValueSetRow(
            code="NT3",
            measure='=HYPERLINK("http://x")',
            unit="-tonnes",
            theme="+plus",
            outcome="@at",
            proxy_value=-250.0,
            value_type="environmental",
            price_year=2020,
            source="'=quoted",
            sdg_targets=("13.2",),
        ),
    ]


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_toms_style_headers_import(tmp_path, kind):
    rows = [
        TOMS_HEADER,
        [
            "NT1",
            "Jobs",
            "Local jobs",
            "Local people employed",
            "FTE",
            "£1,234.50",
            "Economic",
            "2023",
            "Study",
            "8.5; 8.6",
            "ignore me",
        ],
        ["NT2", "Jobs", "Local jobs", "Apprentices", "weeks", "", "", "", "", "", ""],
    ]
    path = (
        write_csv(tmp_path / "toms.csv", rows)
        if kind == "csv"
        else write_xlsx(tmp_path / "toms.xlsx", rows, title_rows=2)
    )
    result = read_value_set(path)
    assert result.format == kind
    assert result.ignored_columns == ("Notes for bidders",)
    first, second = result.rows
    assert first.code == "NT1" and first.measure == "Local people employed"
    assert first.proxy_value == 1234.5 and first.value_type == "economic"
    assert first.price_year == 2023 and first.sdg_targets == ("8.5", "8.6")
    assert second.proxy_value is None and second.price_year is None
    assert result.header_row == (1 if kind == "csv" else 3)


@pytest.mark.parametrize(
    ("headers", "row"),
    [
        (
            ["Ref", "Title", "Unit", "Financial proxy", "Year"],
            ["A1", "Thing", "count", "10", "2020"],
        ),
        (
            ["REFERENCE", "Measure description", "units", "Value (£)", "Price Year"],
            ["A1", "Thing", "count", "£10.00", "2020/21"],
        ),
        (
            [
                "code",
                "measure",
                "unit",
                "proxy_value",
                "Value type",
                "Price-year",
                "Source",
                "SDG targets",
            ],
            ["A1", "Thing", "count", "10", "Fiscal", "2020", "S", "SDG 3.4"],
        ),
        (
            ["Measure ID", "Measure", "Units", "Proxy Value (£)", "Type of value", "SDG"],
            ["A1", "Thing", "count", "10.0", "SOCIAL", "3.4;3.8"],
        ),
    ],
)
def test_header_spellings(tmp_path, headers, row):
    path = write_csv(tmp_path / "h.csv", [headers, row])
    (result,) = read_value_set(path, default_price_year=2020).rows
    assert (result.code, result.measure, result.unit, result.proxy_value) == (
        "A1",
        "Thing",
        "count",
        10.0,
    )
    assert result.price_year == 2020


def test_measure_column_beats_description(tmp_path):
    path = write_csv(
        tmp_path / "h.csv",
        [
            ["Measure ID", "Description", "Measure", "Units", "Proxy"],
            ["A", "long", "short", "u", ""],
        ],
    )
    result = read_value_set(path)
    assert result.rows[0].measure == "short"
    assert result.ignored_columns == ("Description",)


def test_missing_required_columns_is_a_clear_error(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["Theme", "Measure", "Colour"], ["a", "b", "c"]])
    with pytest.raises(InputError) as info:
        read_value_set(path)
    message = str(info.value)
    assert "missing required columns code, unit, proxy_value" in message


def test_two_columns_for_the_same_field(tmp_path):
    path = write_csv(
        tmp_path / "d.csv",
        [["code", "measure", "unit", "proxy", "Proxy"], ["A", "m", "u", "1", "2"]],
    )
    with pytest.raises(InputError, match="columns D and E both give proxy_value"):
        read_value_set(path)


# ---------------------------------------------------------------- values and errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,234.50", 1234.5),
        ("1234.5", 1234.5),
        (" £ 12 ", 12.0),
        ("-£250", -250.0),
        ("£-250", -250.0),
        ("(1,000)", -1000.0),
        ("GBP 3.5", 3.5),
        ("", None),
        (None, None),
        (42, 42.0),
        (0.25, 0.25),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,23", "£", "1.2.3", "nan", "inf", "12%", "--5", True])
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", 2023),
        (2023, 2023),
        (2023.0, 2023),
        ("2023/24", 2023),
        ("2019-20", 2019),
        ("", None),
    ],
)
def test_parse_price_year(text, expected):
    assert parse_price_year(text) == expected


@pytest.mark.parametrize("text", ["1899", "2101", "23", "2023/25", "twenty", 2023.5, True])
def test_parse_price_year_rejects(text):
    with pytest.raises(ValueError):
        parse_price_year(text)


def test_parse_sdg_targets():
    assert parse_sdg_targets("8.5;8.6") == ("8.5", "8.6")
    assert parse_sdg_targets("8.5, 8.A, 8.5") == ("8.5", "8.a")
    assert parse_sdg_targets("SDG 17.17") == ("17.17",)
    with pytest.raises(ValueError, match="not whole goals"):
        parse_sdg_targets("8")
    with pytest.raises(ValueError, match='"18.1"'):
        parse_sdg_targets("8.5;18.1")


def test_every_bad_row_is_named_and_nothing_is_returned(tmp_path):
    header = list(COLUMNS)
    good = ["G1", "T", "O", "Good", "count", "£10", "social", "2020", "S", "3.4"]
    rows = [header, good]
    rows.append(["B1", "T", "O", "Bad amount", "count", "abc", "", "2020", "", ""])  # row 3
    rows.append(["B2", "T", "O", "Bad type", "count", "", "benefit", "", "", ""])  # row 4
    rows.append(["B3", "T", "O", "Bad year", "count", "", "", "1800", "", ""])  # row 5
    rows.append([])  # row 6: blank rows are skipped, but still counted
    rows.append(["G1", "T", "O", "Duplicate", "count", "", "", "", "", "99.1"])  # row 7
    rows.append(["B5", "T", "O", "", "count", "5", "", "", "", ""])  # row 8
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as info:
        read_value_set(path)
    shown = [str(p) for p in info.value.problems]
    assert shown == [
        'row 3, proxy_value: "abc" is not an amount',
        'row 4, value_type: "benefit" is not a value type (use fiscal, economic, social, wellbeing or environmental)',
        'row 5, price_year: "1800" is not a year between 1900 and 2100',
        'row 7, code: "G1" is already used on row 2',
        'row 7, sdg_targets: "99.1" is not an SDG target code',
        "row 8, measure: is blank",
        "row 8, price_year: is blank, but a proxy value needs the year of its prices",
    ]
    assert str(path) in str(info.value)


def test_default_price_year_fills_blanks(tmp_path):
    path = write_csv(
        tmp_path / "d.csv", [["code", "measure", "unit", "proxy"], ["A", "m", "u", "5"]]
    )
    assert read_value_set(path, default_price_year=2022).rows[0].price_year == 2022


def test_value_types_are_case_insensitive(tmp_path):
    rows = [["code", "measure", "unit", "proxy", "value type"]]
    rows += [[f"C{i}", "m", "u", "", vt.upper()] for i, vt in enumerate(VALUE_TYPES)]
    result = read_value_set(write_csv(tmp_path / "v.csv", rows))
    assert [r.value_type for r in result.rows] == list(VALUE_TYPES)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    path = write_csv(
        tmp_path / "e.csv",
        [
            ["code", "measure", "unit", "proxy value (£)", "year"],
            ["A", "Café visits", "£", "£5", "2020"],
        ],
        encoding=encoding,
    )
    row = read_value_set(path).rows[0]
    assert (row.measure, row.unit, row.proxy_value) == ("Café visits", "£", 5.0)


def test_semicolon_separated_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("code;measure;unit;proxy;year\nA;m;u;1234,5;2020\n", encoding="utf-8")
    with pytest.raises(InputError, match='"1234,5" is not an amount'):
        read_value_set(path)
    path.write_text("code;measure;unit;proxy;year\nA;m;u;1234.5;2020\n", encoding="utf-8")
    assert read_value_set(path).rows[0].proxy_value == 1234.5


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style .xls"),
        ("fake.xlsx", b"hello, world", "not an Excel workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, "not a readable .xlsx"),
        ("binary.csv", bytes(range(256)) * 4, "neither a CSV text file nor an .xlsx workbook"),
        ("header-only.csv", b"code,measure,unit,proxy\n", "no measures"),
    ],
)
def test_unreadable_files_are_clean_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_value_set(path)


def test_xml_entity_attacks_in_xlsx_are_refused(tmp_path):
    good = write_value_set(sample_rows()[:1], tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    body = parts[sheet]
    if body.startswith(b"<?xml"):
        body = body.split(b"?>", 1)[1]
    parts[sheet] = bomb + body
    evil = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(evil, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    with pytest.raises(InputError, match="not a readable .xlsx"):
        read_value_set(evil)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_value_set(tmp_path / "nope.csv")


# ---------------------------------------------------------------- writing and round trips


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip(tmp_path, suffix):
    rows = sample_rows()
    path = write_value_set(rows, tmp_path / f"out{suffix}")
    assert list(read_value_set(path).rows) == rows


def test_written_text_is_safe_from_formula_injection(tmp_path):
    path = write_value_set(sample_rows(), tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in cells
    assert "'-tonnes" in cells and "'+plus" in cells and "'@at" in cells and "''=quoted" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    text = write_value_set(sample_rows(), tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_write_rejects_other_formats(tmp_path):
    with pytest.raises(InputError):
        write_value_set(sample_rows(), tmp_path / "out.json")


def test_xlsx_of_5000_rows_reads_every_row(tmp_path):
    # The speed of this read is measured by tests/bench/bench_measures.py, not asserted here.
    rows = [
        ValueSetRow(
            code=f"M{i:05d}",
            theme="Theme",
            outcome="Outcome",
            measure=f"Measure {i}",
            unit="count",
            proxy_value=i * 1.5,
            value_type="social",
            price_year=2020,
            source="Source",
            sdg_targets=("8.5",),
        )
        for i in range(5000)
    ]
    path = write_value_set(rows, tmp_path / "big.xlsx")
    result = read_value_set(path)
    assert len(result) == 5000
    assert result.rows[-1].code == "M04999" and result.rows[-1].proxy_value == 4999 * 1.5


TEXT = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
TARGETS = sorted(sdg_target_codes())


@st.composite
def value_set_rows(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    codes = draw(st.lists(TEXT, min_size=count, max_size=count, unique_by=lambda c: c.casefold()))
    rows = []
    for code in codes:
        # xlsx, like Excel, keeps 15 significant digits, so amounts are drawn within that.
        proxy = draw(
            st.none()
            | st.decimals(
                min_value=-(10**10),
                max_value=10**10,
                places=4,
                allow_nan=False,
                allow_infinity=False,
            ).map(float)
        )
        rows.append(
            ValueSetRow(
                code=code,
                theme=draw(st.just("") | TEXT),
                outcome=draw(st.just("") | TEXT),
                measure=draw(TEXT),
                unit=draw(TEXT),
                proxy_value=proxy,
                value_type=draw(st.none() | st.sampled_from(VALUE_TYPES)),
                price_year=draw(st.integers(1900, 2100))
                if proxy is not None
                else draw(st.none() | st.integers(1900, 2100)),
                source=draw(st.just("") | TEXT),
                sdg_targets=tuple(
                    draw(st.lists(st.sampled_from(TARGETS), max_size=4, unique=True))
                ),
            )
        )
    return rows


@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=value_set_rows(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_round_trip_property(tmp_path, rows, suffix):
    path = write_value_set(rows, tmp_path / f"rt{suffix}")
    assert list(read_value_set(path).rows) == rows


# ---------------------------------------------------------------- fuzzing


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_only_ever_raise_input_error(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_value_set(path)
    except InputError:
        pass


CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["£1,234.50", "8.5;8.6", "2023/24", "Fiscal", "=1+1", "'-x", "(5)"]),
)


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    header=st.lists(st.sampled_from([*COLUMNS, "Measure ID", "Units", "Notes", ""]), max_size=12),
    body=st.lists(st.lists(CELL, max_size=12), max_size=6),
)
def test_random_cells_only_ever_raise_input_error(tmp_path, header, body):
    grid = [header, *body]
    csv_rows = [["" if c is None else str(c) for c in row] for row in grid]
    write_csv(tmp_path / "fz.csv", csv_rows)
    xlsx_rows = [
        [c if not isinstance(c, str) else c.replace("\x00", "") for c in row] for row in grid
    ]
    try:
        write_xlsx(tmp_path / "fz.xlsx", xlsx_rows)
        paths = [tmp_path / "fz.csv", tmp_path / "fz.xlsx"]
    except (ValueError, openpyxl.utils.exceptions.IllegalCharacterError):
        paths = [tmp_path / "fz.csv"]
    for path in paths:
        try:
            result = read_value_set(path)
        except InputError:
            continue
        assert all(isinstance(r, ValueSetRow) for r in result.rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("text", ["'=x", "''", "'", "'abc", "=x", "-5", "@a", "+1", "''=y"])
def test_apostrophes_and_formula_starts_round_trip(tmp_path, suffix, text):
    rows = [ValueSetRow(code="A", measure=text, unit=text, source=text)]
    path = write_value_set(rows, tmp_path / f"q{suffix}")
    assert list(read_value_set(path).rows) == rows
