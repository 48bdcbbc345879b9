"""Evidence as CSV or Excel: the columns an import reads back, then verification and the valuation trail.

Text cells are made safe against spreadsheet formula injection; numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Count, QuerySet

from socialvalue.core.formats.spreadsheet import safe_text

from .models import Evidence

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


def csv_lines(records: Iterable[Evidence]) -> Iterator[str]:
    """The file line by line, for a streaming download of any size."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADERS)  # the BOM tells Excel the file is UTF-8
    for record in records:
        yield writer.writerow([_csv_cell(v) for v in row(record)])


def write_csv(records: Iterable[Evidence], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_lines(records))
    return path


def write_xlsx(records: Iterable[Evidence], path: str | Path) -> Path:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

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
