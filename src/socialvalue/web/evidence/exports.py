"""Evidence as CSV or Excel: the columns an import reads back, then verification and the valuation trail.

Text cells are made safe against spreadsheet formula injection; numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from django.db.models import Count, Q, QuerySet, Sum
from django.template.defaultfilters import pluralize
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.reports.to_csv import note_lines
from socialvalue.web.measures.models import Confidence

from .models import Evidence, Verification

HEADERS = (
    "measure",
    "value_set",
    "activity",
    "contract",
    "quantity",
    "period_start",
    "period_end",
    "note",
    "id",
    "measure_title",
    "unit",
    "team",
    "area",
    "verification",
    "verified_by",
    "verified_at",
    "rejection_reason",
    "value",
    "value_price_year",
    "proxy_value",
    "proxy_price_year",
    "deflator_factor",
    "files",
    "recorded_by",
)


def for_export(records: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return records.select_related(
        "measure__value_set", "activity", "contract", "verified_by", "recorded_by"
    ).annotate(file_count=Count("files"))


def _person(user: Any) -> str:
    return user.email if user is not None else ""


def _contract(contract: Any) -> str:
    if contract is None:
        return ""
    return contract.reference or contract.title


def row(record: Evidence) -> list[Any]:
    measure, activity = record.measure, record.activity
    return [
        safe_text(measure.code),
        safe_text(measure.value_set.name),
        safe_text(activity.name),
        safe_text(_contract(record.contract)),
        record.quantity,
        record.period_start,
        record.period_end,
        safe_text(record.note),
        record.pk,
        safe_text(measure.title),
        safe_text(measure.unit),
        safe_text(activity.team),
        safe_text(activity.area),
        record.get_verification_display(),
        safe_text(_person(record.verified_by)),
        record.verified_at.replace(tzinfo=None) if record.verified_at else None,
        safe_text(record.rejection_reason),
        record.value,
        record.value_price_year,
        record.proxy_value,
        record.proxy_price_year,
        record.deflator_factor,
        getattr(record, "file_count", None),
        safe_text(_person(record.recorded_by)),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # 12, not 12.0000
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def notes(records: QuerySet[Evidence]) -> list[str]:
    """What a reader of the exported figures must know, counted over the records in one query."""
    figures = records.order_by().aggregate(
        records=Count("id"),
        unvalued=Count("id", filter=Q(value__isnull=True)),
        verified=Count("id", filter=Q(verification=Verification.VERIFIED)),
        rejected=Count("id", filter=Q(verification=Verification.REJECTED)),
        unverified_proxy=Count(
            "id", filter=Q(value__isnull=False, measure__confidence=Confidence.UNVERIFIED)
        ),
        unverified_proxy_value=Sum("value", filter=Q(measure__confidence=Confidence.UNVERIFIED)),
    )
    years = sorted(
        records.order_by()
        .exclude(value_price_year__isnull=True)
        .values_list("value_price_year", flat=True)
        .distinct()
    )
    if len(years) == 1:
        basis = f"Price basis: value is in {years[0]} prices."
    elif years:
        basis = (
            "Price basis: values are in different price years ("
            + ", ".join(str(y) for y in years)
            + "): restate them to one year before adding them up."
        )
    else:
        basis = "Price basis: no record here has a value."
    claimed = figures["records"] - figures["verified"] - figures["rejected"]
    lines = [
        basis
        + " Each value is quantity x proxy_value (in proxy_price_year prices) x deflator_factor, "
        "the HM Treasury GDP deflator ratio between the two years; the quantity, proxy and its "
        "price year are kept as recorded.",
        "Values are gross: nothing is deducted for deadweight, attribution, displacement or "
        "drop-off beyond what a measure's own proxy already allows for (see its value set).",
        f"Verification: {_records(figures['verified'])} verified against evidence by a "
        f"reviewer; {_records(claimed)} claimed, not yet verified (self-reported or evidenced); "
        f"{_records(figures['rejected'])} rejected, which count for nothing.",
    ]
    if figures["unverified_proxy"]:
        lines.append(
            f"{_records(figures['unverified_proxy'])} use a proxy marked unverified in its "
            f"value set, worth {figures['unverified_proxy_value']:,.2f} of the value: check the "
            "source before relying on it."
        )
    if figures["unvalued"]:
        lines.append(
            f"{_records(figures['unvalued'])} counted but not valued: their measure has no proxy."
        )
    lines.append(
        "Value is not cash: fiscal value is value to the public purse, not necessarily cashable."
    )
    return lines


def _records(count: int) -> str:
    return f"{count:,} record{pluralize(count)}"


def csv_lines(records: Iterable[Evidence], notes: Sequence[str] = ()) -> Iterator[str]:
    """The file line by line, for a streaming download of any size, notes first as ``#`` lines.

    An import reads the file back: it skips the notes lines above the header.
    """
    writer = csv.writer(_Echo())
    head = "\ufeff"  # the BOM tells Excel the file is UTF-8
    for line in note_lines(list(notes)):
        yield head + line
        head = ""
    yield head + writer.writerow(HEADERS)
    for record in records:
        yield writer.writerow([_csv_cell(v) for v in row(record)])


def write_csv(records: Iterable[Evidence], path: str | Path, notes: Sequence[str] = ()) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_lines(records, notes))
    return path


def write_xlsx(records: Iterable[Evidence], path: str | Path, notes: Sequence[str] = ()) -> Path:
    """The records on an "Evidence" sheet (what an import reads back), the notes on "Notes"."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Evidence")
    sheet.freeze_panes = "A2"
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    date_columns = {HEADERS.index("period_start"), HEADERS.index("period_end")}
    for record in records:
        cells = []
        for position, value in enumerate(row(record)):
            cell = WriteOnlyCell(sheet, value=value)
            if position in date_columns:
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    if notes:
        notes_sheet = workbook.create_sheet("Notes")
        notes_sheet.column_dimensions["A"].width = 110
        title = WriteOnlyCell(notes_sheet, value="Notes on these figures")
        title.font = Font(bold=True, size=14)
        notes_sheet.append([title])
        notes_sheet.append([])
        for note in notes:
            notes_sheet.append([safe_text(note)])
    path = Path(path)
    workbook.save(path)
    return path


def template_lines(*, activity_name: str, start: dt.date, end: dt.date) -> list[str]:
    """An import file to fill in: the columns read, and an example row."""
    writer = csv.writer(_Echo())
    return [
        "\ufeff"
        + writer.writerow(
            ["measure", "activity", "quantity", "period_start", "period_end", "contract", "note"]
        ),
        writer.writerow(
            [
                "SV-VOL-01",
                safe_text(activity_name),
                "120",
                start.isoformat(),
                end.isoformat(),
                "",
                "Volunteer timesheets",
            ]
        ),
    ]
