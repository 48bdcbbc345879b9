"""Impact maps as Excel workbooks: the practitioners' template, reading it back, and results.

Choices made where the method text leaves room:

- A low and high given for a field become a triangular distribution with mode = the field's
  value (the Notes sheet says so); a workbook cannot hold other distributions, so writing a map
  that has them (or an uncertain discount rate) into the template is refused.
- Columns are found by their header text, so a practitioner may reorder or add columns; an
  unknown header is ignored, a row with nothing in it is skipped.
- Problems name the sheet, row and column (``Outcomes sheet, row 5, column M (Deadweight)``).
- Text a person typed is written back through ``safe_text`` so nothing turns into a formula.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.office import open_workbook
from socialvalue.core.formats.spreadsheet import safe_text, unsafe_text
from socialvalue.core.sroi.model import (
    VALUE_TYPES,
    ImpactMap,
    parse_impact_map,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from socialvalue.core.sroi.engine import SroiResult

PathLike = str | os.PathLike[str]

SETTINGS: list[tuple[str, str, str]] = [
    # (label, key, help)
    ("Title", "title", "Name of the analysis (required)"),
    ("Currency", "currency", "Currency code, e.g. GBP"),
    ("Price year", "price_year", "The price base of all values, e.g. 2024"),
    ("Discount rate", "rate", "A fraction (0.035 for 3.5 %), or greenbook, or greenbook-health"),
    ("Discount convention", "convention", "end (SROI Guide), start (Green Book year 0) or mid"),
    ("Monte Carlo draws", "draws", "Leave blank for no Monte Carlo; 10000 is usual"),
    ("Monte Carlo seed", "seed", "Any whole number; the same seed gives the same results"),
]

INPUT_COLUMNS: list[tuple[str, str]] = [
    ("Stakeholder", "stakeholder"),
    ("Description", "description"),
    ("Value", "value"),
    ("Value low", "value_low"),
    ("Value high", "value_high"),
]

OUTCOME_COLUMNS: list[tuple[str, str]] = [
    ("ID", "id"),
    ("Stakeholder", "stakeholder"),
    ("Outcome", "description"),
    ("Indicator", "indicator"),
    ("Value type", "value_type"),
    ("Quantity", "quantity"),
    ("Duration (years)", "duration"),
    ("Start year", "start"),
    ("Proxy value", "proxy.value"),
    ("Proxy description", "proxy.description"),
    ("Proxy source", "proxy.source"),
    ("Proxy price year", "proxy.price_year"),
    ("Deadweight", "deadweight"),
    ("Displacement", "displacement"),
    ("Attribution", "attribution"),
    ("Drop-off", "drop_off"),
    ("Quantity low", "quantity_low"),
    ("Quantity high", "quantity_high"),
    ("Proxy value low", "proxy_value_low"),
    ("Proxy value high", "proxy_value_high"),
    ("Deadweight low", "deadweight_low"),
    ("Deadweight high", "deadweight_high"),
    ("Displacement low", "displacement_low"),
    ("Displacement high", "displacement_high"),
    ("Attribution low", "attribution_low"),
    ("Attribution high", "attribution_high"),
    ("Drop-off low", "drop_off_low"),
    ("Drop-off high", "drop_off_high"),
]

#: Field whose value is the mode of each low/high pair, and where it lives in the file dict.
UNCERTAIN_VALUE_COLUMN = {
    "quantity": "quantity",
    "proxy_value": "proxy.value",
    "deadweight": "deadweight",
    "displacement": "displacement",
    "attribution": "attribution",
    "drop_off": "drop_off",
}
NUMERIC_KEYS = {
    "price_year",
    "rate",
    "draws",
    "seed",
    "value",
    "value_low",
    "value_high",
    "quantity",
    "duration",
    "start",
    "proxy.value",
    "proxy.price_year",
    "deadweight",
    "displacement",
    "attribution",
    "drop_off",
    *(f"{f}_{e}" for f in UNCERTAIN_VALUE_COLUMN for e in ("low", "high")),
}
MAX_ROWS = 5000

INSTRUCTIONS = [
    "How to fill in this impact map",
    "1. Settings: give the analysis a title; keep the discount rate at 0.035 (3.5 %, the Green "
    "Book rate) unless you have a reason to change it.",
    "2. Inputs: one row per contribution (money or money's worth). The investment is their sum.",
    "3. Outcomes: one row per outcome for one stakeholder. Quantity is how many people or units "
    "experience it; the proxy value is what one unit is worth for one year.",
    "4. Deadweight, displacement, attribution and drop-off are fractions from 0 to 1 "
    "(0.2 means 20 %). Duration is how many years the outcome lasts; start year 1 means it "
    "starts in the year of the activity, 2 the year after.",
    "5. To test uncertainty, give a low and a high next to a value (see Notes).",
    "6. Run: socialvalue sroi calc this-file.xlsx",
]

NOTES = [
    "Notes",
    "Uncertainty: where a row gives a low and a high for a field, Monte Carlo draws that field "
    "from a triangular distribution from low to high with its most likely value (mode) equal "
    "to the value in the main column. Give both or neither.",
    "The point estimate always uses the main value, never the average of the range.",
    "Negative proxy values record negative outcomes (harm or cost to a stakeholder).",
    "Values should all be in the same price year (Settings: Price year).",
    "Method: SROI Guide (Cabinet Office 2009; SROI Network 2012) with HM Treasury Green Book "
    "discounting as an option.",
]


def _currency_format(currency: str) -> str:
    symbols = {"GBP": "£", "EUR": "€", "USD": "$"}
    if currency in symbols:
        return f'"{symbols[currency]}"#,##0.00;-"{symbols[currency]}"#,##0.00'
    code = re.sub(r"[^A-Za-z]", "", currency)[:3].upper()
    return f'#,##0.00 "{code}"' if code else "#,##0.00"


def _header(ws: Worksheet, labels: list[str]) -> None:
    ws.append(labels)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for k, label in enumerate(labels, start=1):
        ws.column_dimensions[_col(k)].width = max(12, len(label) + 2)


def _col(k: int) -> str:
    return str(get_column_letter(k))


def _text_rows(ws: Worksheet, lines: list[str]) -> None:
    for line in lines:
        ws.append([safe_text(line)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 110


def write_template(path: PathLike, impact_map: ImpactMap | None = None) -> Path:
    """Write the impact-map workbook, blank or filled in with ``impact_map``."""
    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = "Instructions"
    _text_rows(instructions, INSTRUCTIONS)

    settings = wb.create_sheet("Settings")
    _header(settings, ["Setting", "Value", "Help"])
    settings.column_dimensions["B"].width = 40
    settings.column_dimensions["C"].width = 70
    values = _settings_values(impact_map)
    for label, key, help_text in SETTINGS:
        settings.append([label, safe_text(values.get(key)), help_text])
    convention = DataValidation(type="list", formula1='"end,start,mid"', allow_blank=True)
    convention.add("B6")
    whole = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True
    )
    whole.add("B7")
    settings.add_data_validation(convention)
    settings.add_data_validation(whole)

    inputs = wb.create_sheet("Inputs")
    _header(inputs, [label for label, _ in INPUT_COLUMNS])
    inputs.column_dimensions["B"].width = 40
    for item in impact_map.inputs if impact_map else ():
        low = high = None
        if item.uncertainty is not None:
            low, high = item.uncertainty.low, item.uncertainty.high
        inputs.append(
            [safe_text(item.stakeholder), safe_text(item.description), item.value, low, high]
        )
    money = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    money.add(f"C2:E{MAX_ROWS}")
    inputs.add_data_validation(money)

    outcomes = wb.create_sheet("Outcomes")
    _header(outcomes, [label for label, _ in OUTCOME_COLUMNS])
    for k, o in enumerate(impact_map.outcomes if impact_map else ()):
        row = _outcome_row(o, k)
        outcomes.append([safe_text(row.get(key)) for _, key in OUTCOME_COLUMNS])
    _outcome_validations(outcomes)

    notes = wb.create_sheet("Notes")
    _text_rows(notes, NOTES)
    wb.active = 1
    out = Path(path)
    wb.save(out)
    return out


def _settings_values(impact_map: ImpactMap | None) -> dict[str, Any]:
    if impact_map is None:
        return {"currency": "GBP", "rate": 0.035, "convention": "end"}
    if impact_map.discount.uncertainty is not None:
        raise InputError(
            Problem(
                "discount.uncertainty",
                "an uncertain discount rate cannot be written to the workbook",
            )
        )
    values: dict[str, Any] = {
        "title": impact_map.title,
        "currency": impact_map.currency,
        "price_year": impact_map.price_year,
        "rate": impact_map.discount.rate,
        "convention": impact_map.discount.convention,
    }
    if impact_map.monte_carlo is not None:
        values["draws"] = impact_map.monte_carlo.draws
        values["seed"] = impact_map.monte_carlo.seed
    for k, item in enumerate(impact_map.inputs):
        d = item.uncertainty
        if d is not None and (d.dist != "triangular" or d.mode != item.value):
            raise InputError(
                Problem(
                    f"inputs[{k}].uncertainty.value",
                    "only a triangular distribution with mode = value can be written to the workbook",
                )
            )
    return values


def _outcome_row(o: Any, k: int) -> dict[str, Any]:
    row = _outcome_row_plain(o)
    for name, dist in o.uncertainty.items():
        if dist.dist != "triangular" or dist.mode != o.field_value(name):
            raise InputError(
                Problem(
                    f"outcomes[{k}].uncertainty.{name}",
                    "only a triangular distribution with mode = value can be written to the workbook",
                )
            )
        row[f"{name}_low"] = dist.low
        row[f"{name}_high"] = dist.high
    return row


def _outcome_validations(ws: Worksheet) -> None:
    letters = {key: _col(k) for k, (_, key) in enumerate(OUTCOME_COLUMNS, start=1)}

    def cells(*keys: str) -> list[str]:
        return [f"{letters[k]}2:{letters[k]}{MAX_ROWS}" for k in keys]

    percent = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        allow_blank=True,
        error="A fraction from 0 to 1 (0.2 means 20 %)",
        errorTitle="Not a fraction",
    )
    pct_keys = ["deadweight", "displacement", "attribution", "drop_off"]
    for ref in cells(*pct_keys, *(f"{k}_{e}" for k in pct_keys for e in ("low", "high"))):
        percent.add(ref)
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        allow_blank=True,
        error="A whole number of at least 1",
    )
    for ref in cells("duration", "start"):
        whole.add(ref)
    non_negative = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    for ref in cells("quantity", "quantity_low", "quantity_high"):
        non_negative.add(ref)
    value_type = DataValidation(
        type="list", formula1='"' + ",".join(VALUE_TYPES) + '"', allow_blank=True
    )
    for ref in cells("value_type"):
        value_type.add(ref)
    for validation in (percent, whole, non_negative, value_type):
        ws.add_data_validation(validation)


# --- reading ----------------------------------------------------------------------------------


def _cell_value(value: Any, numeric: bool) -> Any:
    if isinstance(value, str):
        value = unsafe_text(value.strip())
        if value == "":
            return None
        if numeric:
            text = value.replace(",", "").replace("£", "").strip()
            try:
                return float(text[:-1]) / 100 if text.endswith("%") else float(text)
            except ValueError:
                return value
    return value


class _Places:
    """Where each field of the file dict came from in the workbook, to name cells in messages."""

    def __init__(self) -> None:
        self.cells: dict[str, str] = {}

    def add(self, place: str, sheet: str, row: int, column: int | None, label: str | None) -> None:
        if column is None:
            self.cells[place] = f"{sheet} sheet, row {row}"
        else:
            self.cells[place] = f"{sheet} sheet, row {row}, column {_col(column)} ({label})"

    def translate(self, problem: Problem) -> Problem:
        place = problem.place
        while place:
            if place in self.cells:
                return Problem(self.cells[place], problem.message)
            cut = max(place.rfind("."), place.rfind("["))
            if cut <= 0:
                break
            place = place[:cut]
        return problem


def _open(path: Path) -> Any:
    if not path.exists():
        raise InputError("cannot read the file: No such file or directory", source=str(path))
    try:
        # Measured before it is parsed: a workbook that would expand too far is refused at once.
        return open_workbook(path, str(path))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt or foreign file is bad input
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise InputError(f"is not a readable Excel workbook ({detail})", source=str(path)) from None


def _rows(wb: Any, name: str, problems: list[Problem]) -> list[tuple[Any, ...]]:
    if name not in wb.sheetnames:
        problems.append(
            Problem(f"{name} sheet", "is missing (start from `socialvalue sroi template`)")
        )
        return []
    rows = []
    for k, row in enumerate(wb[name].iter_rows(values_only=True)):
        if k > MAX_ROWS:
            problems.append(Problem(f"{name} sheet", f"has more than {MAX_ROWS} rows"))
            break
        rows.append(tuple(row))
    return rows


def _table(
    rows: list[tuple[Any, ...]], columns: list[tuple[str, str]]
) -> tuple[dict[str, int], list[tuple[int, dict[str, Any]]]]:
    by_label = {label.lower(): key for label, key in columns}
    if not rows:
        return {}, []
    positions: dict[str, int] = {}
    for k, title in enumerate(rows[0]):
        if isinstance(title, str) and title.strip().lower() in by_label:
            positions.setdefault(by_label[title.strip().lower()], k)
    records = []
    for r, row in enumerate(rows[1:], start=2):
        record = {
            key: _cell_value(row[k] if k < len(row) else None, key in NUMERIC_KEYS)
            for key, k in positions.items()
        }
        if any(v is not None for v in record.values()):
            records.append((r, record))
    return positions, records


def _read(path: PathLike) -> tuple[dict[str, Any], _Places]:
    p = Path(path)
    wb = _open(p)
    problems: list[Problem] = []
    places = _Places()
    try:
        settings_rows = _rows(wb, "Settings", problems)
        input_rows = _rows(wb, "Inputs", problems)
        outcome_rows = _rows(wb, "Outcomes", problems)
    except Exception as exc:  # noqa: BLE001 - damaged sheet XML
        raise InputError(
            f"is not a readable Excel workbook ({type(exc).__name__})", source=str(p)
        ) from None
    finally:
        wb.close()
    if problems:
        raise InputError(problems, source=str(p))

    data: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    labels = {label.lower(): key for label, key, _ in SETTINGS}
    for r, row in enumerate(settings_rows[1:], start=2):
        label = row[0] if row else None
        if not isinstance(label, str) or label.strip().lower() not in labels:
            continue
        key = labels[label.strip().lower()]
        value = _cell_value(row[1] if len(row) > 1 else None, key in NUMERIC_KEYS)
        if key == "rate" and isinstance(value, str):
            value = value.strip().lower()
        settings[key] = value
        place = {"rate": "discount.rate", "convention": "discount.convention"}.get(
            key, f"sensitivity.monte_carlo.{key}" if key in ("draws", "seed") else key
        )
        places.add(place, "Settings", r, 2, label.strip())
    for key in ("title", "currency", "price_year"):
        if settings.get(key) is not None:
            data[key] = settings[key]
    if "title" not in data:
        places.add("title", "Settings", 2, 2, "Title")
    discount = {k: settings[k] for k in ("rate", "convention") if settings.get(k) is not None}
    if discount:
        data["discount"] = discount
    if settings.get("draws") is not None:
        mc = {"draws": settings["draws"]}
        if settings.get("seed") is not None:
            mc["seed"] = settings["seed"]
        data["sensitivity"] = {"monte_carlo": mc}

    positions, records = _table(input_rows, INPUT_COLUMNS)
    labels_of = {key: label for label, key in INPUT_COLUMNS}
    data["inputs"] = []
    for k, (r, rec) in enumerate(records):
        item: dict[str, Any] = {
            key: rec[key]
            for key in ("stakeholder", "description", "value")
            if rec.get(key) is not None
        }
        places.add(f"inputs[{k}]", "Inputs", r, None, None)
        for key, col in positions.items():
            places.add(f"inputs[{k}].{key}", "Inputs", r, col + 1, labels_of[key])
        _range(
            item, rec, "value", "value", f"inputs[{k}]", places, positions, "Inputs", r, labels_of
        )
        data["inputs"].append(item)
    if not records:
        places.add("inputs", "Inputs", 2, None, None)

    positions, records = _table(outcome_rows, OUTCOME_COLUMNS)
    labels_of = {key: label for label, key in OUTCOME_COLUMNS}
    data["outcomes"] = []
    for k, (r, rec) in enumerate(records):
        outcome: dict[str, Any] = {}
        proxy: dict[str, Any] = {}
        for key in (
            "id",
            "stakeholder",
            "description",
            "indicator",
            "value_type",
            "quantity",
            "duration",
            "start",
            "deadweight",
            "displacement",
            "attribution",
            "drop_off",
        ):
            if rec.get(key) is not None:
                outcome[key] = rec[key]
        for key in ("value", "description", "source", "price_year"):
            if rec.get(f"proxy.{key}") is not None:
                proxy[key] = rec[f"proxy.{key}"]
        outcome["proxy"] = proxy
        places.add(f"outcomes[{k}]", "Outcomes", r, None, None)
        for key, col in positions.items():
            places.add(f"outcomes[{k}].{key}", "Outcomes", r, col + 1, labels_of[key])
        for name, value_key in UNCERTAIN_VALUE_COLUMN.items():
            _range(
                outcome,
                rec,
                name,
                value_key,
                f"outcomes[{k}]",
                places,
                positions,
                "Outcomes",
                r,
                labels_of,
            )
        data["outcomes"].append(outcome)
    if not records:
        places.add("outcomes", "Outcomes", 2, None, None)
    return data, places


def _range(
    target: dict[str, Any],
    rec: Mapping[str, Any],
    name: str,
    value_key: str,
    prefix: str,
    places: _Places,
    positions: Mapping[str, int],
    sheet: str,
    row: int,
    labels_of: Mapping[str, str],
) -> None:
    """Turn a low/high pair into a triangular distribution with mode = the row's value."""
    low, high = rec.get(f"{name}_low"), rec.get(f"{name}_high")
    if low is None and high is None:
        return
    block = target.setdefault("uncertainty", {})
    dist: dict[str, Any] = {
        "dist": "triangular",
        "low": low,
        "mode": rec.get(value_key),
        "high": high,
    }
    block[name] = dist
    base = f"{prefix}.uncertainty.{name}"
    for end in ("low", "high"):
        col = positions.get(f"{name}_{end}")
        if col is not None:
            places.add(f"{base}.{end}", sheet, row, col + 1, labels_of[f"{name}_{end}"])
    col = positions.get(value_key)
    if col is not None:
        places.add(f"{base}.mode", sheet, row, col + 1, labels_of[value_key])
    low_col = positions.get(f"{name}_low", positions.get(f"{name}_high", 0))
    places.add(base, sheet, row, low_col + 1, labels_of.get(f"{name}_low", name))
    for end, value in (("low", low), ("high", high)):
        if value is None:
            dist.pop(end)


def read_workbook(path: PathLike) -> dict[str, Any]:
    """A filled template as the same dict the YAML loader takes (not yet validated)."""
    return _read(path)[0]


def load_workbook_map(path: PathLike) -> ImpactMap:
    """Read and validate a workbook; problems name the sheet, row and column."""
    data, places = _read(path)
    try:
        return parse_impact_map(data)
    except InputError as exc:
        raise InputError([places.translate(p) for p in exc.problems], source=str(path)) from None


# --- results ----------------------------------------------------------------------------------


def write_results(result: SroiResult, impact_map: ImpactMap, path: PathLike) -> Path:
    """A workbook of the map, year-by-year values and the results; numbers stay numbers."""
    out = result.to_dict()
    money = _currency_format(impact_map.currency)
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Results"
    _header(summary, ["Measure", "Value"])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 22
    rows: list[tuple[str, Any, str | None]] = [
        ("Title", safe_text(impact_map.title), None),
        ("Currency", safe_text(impact_map.currency), None),
        ("Price year", impact_map.price_year, "0"),
        (
            "Discount rate",
            impact_map.discount.rate,
            "0.0%" if not isinstance(impact_map.discount.rate, str) else None,
        ),
        ("Discount convention", impact_map.discount.convention, None),
        ("Investment", out["investment"], money),
        ("Present value", out["present_value"], money),
        ("Net present value", out["net_present_value"], money),
        ("SROI ratio", out["sroi_ratio"], "0.00"),
        ("Net SROI ratio", out["net_sroi_ratio"], "0.00"),
        ("Payback (months)", out["payback_months"], "0.0"),
        (
            "Payback within the horizon",
            {True: "Yes", False: "No"}.get(out["payback_within_horizon"]),
            None,
        ),
    ]
    mc = out.get("monte_carlo")
    if mc and not mc["uncertain_fields"]:
        rows.append(("SROI ratio, Monte Carlo", "No uncertainty given: no range", None))
    elif mc:
        for key in ("p5", "p50", "p95", "mean"):
            rows.append((f"SROI ratio, Monte Carlo {key}", mc["sroi_ratio"][key], "0.00"))
        rows.append(("Probability ratio below 1", mc["probability_ratio_below_one"], "0.0%"))
    for warning in out["warnings"]:
        rows.append(("Warning", warning, None))
    for label, value, fmt in rows:
        summary.append([label, safe_text(value)])
        if fmt:
            summary.cell(summary.max_row, 2).number_format = fmt

    inputs = wb.create_sheet("Inputs")
    _header(inputs, ["Stakeholder", "Description", "Value"])
    for item in impact_map.inputs:
        inputs.append([safe_text(item.stakeholder), safe_text(item.description), item.value])
        inputs.cell(inputs.max_row, 3).number_format = money

    outcomes = wb.create_sheet("Impact map")
    _header(
        outcomes,
        [label for label, _ in OUTCOME_COLUMNS[:16]]
        + ["Impact", "Present value", "Restatement factor", "Proxy restated"],
    )
    for k, o in enumerate(impact_map.outcomes):
        row = _outcome_row_plain(o)
        done = out["outcomes"][k]
        outcomes.append(
            [safe_text(row.get(key)) for _, key in OUTCOME_COLUMNS[:16]]
            + [
                done["impact"],
                done["present_value"],
                done["restatement_factor"],
                done["proxy_value_restated"],
            ]
        )
        r = outcomes.max_row
        outcomes.cell(r, 19).number_format = "0.0000"
        for c in (9, 17, 18, 20):
            outcomes.cell(r, c).number_format = money
        for c in (13, 14, 15, 16):
            outcomes.cell(r, c).number_format = "0%"

    years = wb.create_sheet("Years")
    _header(years, ["Outcome", "Stakeholder"] + [f"Year {n}" for n in out["years"]])
    for o in out["outcomes"]:
        years.append([safe_text(o["id"]), safe_text(o["stakeholder"]), *o["value_by_year"]])
    years.append(["Total value", None, *out["value_by_year"]])
    years.append(["Discount factor", None, *result.estimate.factors.tolist()])
    years.append(["Present value", None, *out["present_value_by_year"]])
    for row in years.iter_rows(min_row=2, min_col=3):
        for cell in row:
            cell.number_format = money
    for cell in years[years.max_row - 1][2:]:
        cell.number_format = "0.0000"

    switching = wb.create_sheet("Switching values")
    _header(switching, ["Outcome", "Parameter", "Current value", "Value at 1:1", "Relative change"])
    for s in result.switching:
        switching.append(
            [
                safe_text(s.outcome),
                s.parameter,
                s.current,
                s.value,
                s.relative_change if s.value is not None else None,
            ]
        )

    tornado = wb.create_sheet("Sensitivity")
    _header(
        tornado,
        [
            "Outcome",
            "Parameter",
            "Base",
            "Low",
            "High",
            "PV at low",
            "PV at high",
            "Ratio at low",
            "Ratio at high",
            "Swing",
        ],
    )
    for t in result.sensitivity:
        tornado.append(
            [
                safe_text(t.outcome),
                t.parameter,
                t.base,
                t.low,
                t.high,
                t.present_value_low,
                t.present_value_high,
                t.sroi_ratio_low,
                t.sroi_ratio_high,
                t.swing,
            ]
        )
        for c in (6, 7, 10):
            tornado.cell(tornado.max_row, c).number_format = money

    if mc:
        sheet = wb.create_sheet("Monte Carlo")
        _header(sheet, ["Statistic", "SROI ratio", "Present value"])
        for key in mc["sroi_ratio"]:
            sheet.append([key, mc["sroi_ratio"][key], mc["present_value"][key]])
            sheet.cell(sheet.max_row, 3).number_format = money
        sheet.append(["draws", mc["draws"], None])
        sheet.append(["seed", mc["seed"], None])
        sheet.append(["probability_ratio_below_one", mc["probability_ratio_below_one"], None])
        sheet.append(["uncertain_fields", mc["uncertain_fields"], None])
    target = Path(path)
    wb.save(target)
    return target


def _outcome_row_plain(o: Any) -> dict[str, Any]:
    row = {
        "id": o.id,
        "stakeholder": o.stakeholder,
        "description": o.description,
        "indicator": o.indicator,
        "value_type": o.value_type,
        "quantity": o.quantity,
        "duration": o.duration,
        "start": o.start,
        "proxy.value": o.proxy.value,
        "proxy.description": o.proxy.description,
        "proxy.source": o.proxy.source,
        "proxy.price_year": o.proxy.price_year,
    }
    for name in ("deadweight", "displacement", "attribution", "drop_off"):
        row[name] = getattr(o, name)
    return row
