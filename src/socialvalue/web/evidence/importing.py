"""Importing evidence from a .csv or .xlsx file: every row checked in one pass, then all saved or none.

The columns (a header row, in any order, case and spacing ignored):

    measure        the measure's code, e.g. SV-VOL-01                          required
    value_set      the value set's name, only when the code is in several sets
    activity       the name of one of the organisation's activities            required
    contract       a contract's reference or title, where the organisation is the provider
    quantity       a number of 0 or more                                        required
    period_start   the first day (2025-04-01, 01/04/2025), or a month (2025-04) required
    period_end     the last day; may be left empty when period_start is a month
    note           free text

Other columns (such as those an export adds) are listed as left out and not read.

Double counting: each import is recorded (`EvidenceImport`) with the sha256 of the file's bytes.
A file whose content was imported into the same organisation before is refused
(`DuplicateImport`, a 409) unless the person confirms, naming the earlier import; rows that
repeat a record already saved (same measure, activity, period and quantity), or an earlier row
of the file, are listed on the check page as possible duplicates: a warning, not an error.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.core.carbon import emission_year, parse_series
from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.office import open_workbook
from socialvalue.core.text import LONG_TEXT_MAX, strip_controls
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.errors import Conflict
from socialvalue.web.files import staging
from socialvalue.web.files.checks import CSV, XLSX, detect_type
from socialvalue.web.measures.models import Measure
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import visible

from . import services
from .models import Evidence, EvidenceImport

PREVIEW_ROWS = 20
#: Rows repeating a record listed on the check page at most; the count says how many in all.
REPEATS_SHOWN = 50
#: Problems shown at most; a file with more says how many were left unsaid.
MAX_PROBLEMS_SHOWN = 200

COLUMNS: dict[str, tuple[str, ...]] = {
    "measure": ("measure", "measure code", "measure_code", "code"),
    "value_set": ("value set", "value_set", "set"),
    "activity": ("activity", "activity name"),
    "contract": ("contract", "contract reference"),
    "quantity": ("quantity", "qty"),
    "period_start": ("period start", "period_start", "start", "from"),
    "period_end": ("period end", "period_end", "end", "to"),
    "note": ("note", "notes"),
}
REQUIRED = ("measure", "activity", "quantity", "period_start")
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d")


def _header_key(text: Any) -> str:
    return re.sub(r"[\s_]+", " ", str(text or "")).strip().lower()


# ---------------------------------------------------------------- reading the file


@dataclass
class Table:
    """The rows of a file as cells under their column names, each with its row number in the file."""

    filename: str
    columns: dict[str, int]  # our column name -> position
    headers: dict[str, str]  # our column name -> the header as written in the file
    ignored: tuple[str, ...]
    rows: list[tuple[int, list[Any]]]


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)


def _xlsx_rows(path: Path, filename: str) -> Iterator[tuple[int, list[Any]]]:
    workbook = open_workbook(path, filename)
    try:
        sheet = (
            workbook["Evidence"] if "Evidence" in workbook.sheetnames else workbook.worksheets[0]
        )
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def _is_header_candidate(cells: list[Any]) -> bool:
    """Not blank, and not one of the ``#`` notes lines an export puts above its header."""
    if not any(str(c or "").strip() for c in cells):
        return False
    return not str(cells[0] or "").lstrip().startswith("#")


def read_table(path: str | Path, filename: str = "") -> Table:
    """Read a .csv or .xlsx file (judged by content) into a Table; raises InputError when it cannot be."""
    path = Path(path)
    filename = filename or path.name
    with path.open("rb") as handle:
        kind = detect_type(handle, cp1252=True)
    if kind not in (CSV, XLSX):
        raise InputError(
            f"{filename} is not a CSV file or an Excel workbook (.xlsx): save it as one of those."
        )
    try:
        rows = _csv_rows(path) if kind is CSV else _xlsx_rows(path, filename)
        first = next((r for r in rows if _is_header_candidate(r[1])), None)
        if first is None:
            raise InputError(f"{filename} is empty: it needs a header row and a row per record.")
        header_number, header = first
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        ignored = []
        for position, cell in enumerate(header):
            name = _ALIASES.get(_header_key(cell))
            if name and name not in columns:
                columns[name], headers[name] = position, str(cell).strip()
            elif str(cell or "").strip():
                ignored.append(str(cell).strip())
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise InputError(
                Problem(
                    f"row {header_number}",
                    "the header row has no "
                    + ", ".join(missing)
                    + ngettext(" column", " columns", len(missing))
                    + ". Columns read: "
                    + ", ".join(COLUMNS),
                ),
                source=filename,
            )
        body = [(n, row) for n, row in rows if any(str(c or "").strip() for c in row)]
    except InputError:
        raise
    except Exception as exc:  # a damaged workbook: say so rather than fail
        raise InputError(f"{filename} could not be read: {exc}") from None
    if not body:
        raise InputError(f"{filename} has a header row but no records under it.")
    return Table(filename, columns, headers, tuple(ignored), body)


# ---------------------------------------------------------------- checking every row


def _text(cell: Any) -> str:
    """A cell as text, kept the way the text policy keeps any text (no control characters)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return strip_controls(str(cell)).strip()


def parse_day(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    if _ISO_DAY.match(text):
        try:
            return dt.date.fromisoformat(text)  # the common case, many times faster than strptime
        except ValueError:
            pass
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date: write it as 2025-04-30 or 30/04/2025.")


class CellError(ValueError):
    """What is wrong with one cell, and which column it is in."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def parse_period(start_cell: Any, end_cell: Any) -> tuple[dt.date, dt.date]:
    """The first and last day; a month (2025-04) with no end is that whole month."""
    start_text, end_text = _text(start_cell), _text(end_cell)
    month = _MONTH.match(start_text) if not isinstance(start_cell, dt.date) else None
    if month and not end_text:
        year, number = int(month.group(1)), int(month.group(2))
        if not 1 <= number <= 12:
            raise CellError("period_start", f"{start_text!r} is not a month.")
        return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])
    if not start_text:
        raise CellError("period_start", "Enter the first day of the period.")
    try:
        start = parse_day(start_cell)
    except ValueError as exc:
        raise CellError("period_start", str(exc)) from None
    if not end_text:
        raise CellError(
            "period_end",
            "Enter the last day of the period, or give period_start as a month (2025-04).",
        )
    try:
        end = parse_day(end_cell)
    except ValueError as exc:
        raise CellError("period_end", str(exc)) from None
    if end < start:
        raise CellError("period_end", "The period must end on or after the day it starts.")
    return start, end


@dataclass(frozen=True)
class Repeat:
    """A row that repeats a record already saved, or an earlier row of the same file."""

    row: int
    measure: str
    activity: str
    period: str
    quantity: str
    #: The earlier row of the file it repeats; None when it repeats a saved record.
    earlier_row: int | None = None

    @property
    def what(self) -> str:
        if self.earlier_row is None:
            return "The same as a record already saved"
        return f"The same as row {self.earlier_row} of this file"


@dataclass
class Plan:
    """Checked rows ready to save, and what the check page shows about them."""

    filename: str
    records: list[Evidence]
    ignored_columns: tuple[str, ...]
    total_value: Decimal = Decimal(0)
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    by_measure: list[tuple[str, int, Decimal]] = field(default_factory=list)
    #: The sha256 of the file's bytes (empty when the rows did not come from a file).
    sha256: str = ""
    #: The latest earlier import of the same content into the organisation, if any.
    earlier: EvidenceImport | None = None
    #: Possible duplicates, at most REPEATS_SHOWN of them; `repeat_count` counts them all.
    repeats: list[Repeat] = field(default_factory=list)
    repeat_count: int = 0
    #: The import, once saved.
    saved: EvidenceImport | None = None

    @property
    def preview(self) -> list[Evidence]:
        return self.records[:PREVIEW_ROWS]


class _Lookups:
    """Measures, activities and contracts the organisation may name, fetched once into dicts."""

    def __init__(self, organisation: Any):
        actor = services.actor_for(organisation)
        self.measures: dict[str, list[Measure]] = defaultdict(list)
        for measure in visible(Measure, actor).select_related("value_set"):
            self.measures[measure.code.casefold()].append(measure)
        self.activities: dict[str, list[Activity]] = defaultdict(list)
        for activity in visible(Activity, actor):
            self.activities[activity.name.strip().casefold()].append(activity)
        self.contracts: dict[str, list[Any]] = defaultdict(list)
        for contract in services.provider_contracts(organisation):
            keys = {
                contract.title.strip().casefold(),
                (contract.reference or "").strip().casefold(),
            }
            for key in keys - {""}:
                self.contracts[key].append(contract)
        self.rates: dict[tuple[int, int | None], services.Rate | None] = {}

    def rate(self, measure: Measure, start: dt.date, end: dt.date) -> services.Rate | None:
        # A carbon measure's rate depends on the emission's year; a fixed proxy's on nothing.
        year = emission_year(start, end) if parse_series(measure.proxy_series) else None
        key = (measure.pk, year)
        if key not in self.rates:
            self.rates[key] = services.rate_for(measure, start, end)
        return self.rates[key]


def _one(found: list[Any], text: str, what: str, hint: str) -> Any:
    if not found:
        raise ValueError(f"{text!r} is not {what}.")
    if len(found) > 1:
        raise ValueError(f"{text!r} names {len(found)} {hint}.")
    return found[0]


def check_table(table: Table, *, organisation: Any, recorded_by: Any = None) -> Plan:
    """Every row as an unsaved record, or InputError naming each bad row and column."""
    lookups = _Lookups(organisation)
    columns, headers = table.columns, table.headers
    today = timezone.localdate()
    now = timezone.now()
    problems: list[Problem] = []
    records: list[Evidence] = []
    numbers: list[int] = []
    used_measures: dict[int, Measure] = {}
    used_activities: dict[int, Activity] = {}

    def cell(row: list[Any], name: str) -> Any:
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else None

    for number, row in table.rows:
        bad: list[Problem] = []

        def fail(name: str, message: str, number: int = number, bad: list = bad) -> None:
            bad.append(Problem(f"row {number}, {headers.get(name, name)}", message))

        measure = activity = contract = None
        code = _text(cell(row, "measure"))
        if not code:
            fail("measure", "Enter the measure's code.")
        else:
            candidates = lookups.measures.get(code.casefold(), [])
            set_name = _text(cell(row, "value_set"))
            if set_name:
                candidates = [
                    m for m in candidates if m.value_set.name.casefold() == set_name.casefold()
                ]
            try:
                measure = _one(
                    candidates,
                    code,
                    "a measure in a value set your organisation can use"
                    + (f" named {set_name!r}" if set_name else ""),
                    "measures in different value sets: add a value_set column naming the set",
                )
            except ValueError as exc:
                fail("measure", str(exc))
        name = _text(cell(row, "activity"))
        if not name:
            fail("activity", "Enter the name of the activity that delivered it.")
        else:
            try:
                activity = _one(
                    lookups.activities.get(name.casefold(), []),
                    name,
                    "one of your organisation's activities",
                    "activities: give them different names in Planning first",
                )
            except ValueError as exc:
                fail("activity", str(exc))
        reference = _text(cell(row, "contract"))
        if reference:
            try:
                contract = _one(
                    lookups.contracts.get(reference.casefold(), []),
                    reference,
                    "the reference or title of a contract your organisation provides",
                    "contracts: use the contract's reference",
                )
            except ValueError as exc:
                fail("contract", str(exc))
        try:
            quantity = services.parse_quantity(cell(row, "quantity"))
        except ValueError as exc:
            fail("quantity", str(exc))
            quantity = None
        start = end = None
        try:
            start, end = parse_period(cell(row, "period_start"), cell(row, "period_end"))
        except CellError as exc:
            fail(exc.column, str(exc))
        if start and start > today:
            fail("period_start", "The period cannot start in the future.")
        if len(_text(cell(row, "note"))) > LONG_TEXT_MAX:
            fail("note", f"The note must be {LONG_TEXT_MAX:,} characters or fewer.")
        if bad:
            problems.extend(bad)
            continue
        rate = lookups.rate(measure, start, end)
        used_measures[measure.pk], used_activities[activity.pk] = measure, activity
        numbers.append(number)
        # Ids, not objects: setting related objects costs more than the rest of the row's check.
        records.append(
            Evidence(
                organisation_id=organisation.pk,
                measure_id=measure.pk,
                activity_id=activity.pk,
                contract_id=contract.pk if contract else None,
                quantity=quantity,
                period_start=start,
                period_end=end,
                note=_text(cell(row, "note")),
                recorded_by_id=getattr(recorded_by, "pk", None),
                created_at=now,
                updated_at=now,
                **(rate.fields(quantity) if rate else services.NOT_VALUED),
            )
        )
    if problems:
        raise InputError(problems, source=table.filename)
    for record in records[:PREVIEW_ROWS]:
        record.measure, record.activity = (
            used_measures[record.measure_id],
            used_activities[record.activity_id],
        )
    plan = _summarise(table, records, used_measures)
    _find_repeats(plan, numbers, organisation, used_measures, used_activities)
    return plan


def _find_repeats(
    plan: Plan,
    numbers: list[int],
    organisation: Any,
    measures: dict[int, Measure],
    activities: dict[int, Activity],
) -> None:
    """Flag rows with the measure, activity, period and quantity of a counted record already saved
    (one query over the file's periods, measures and activities) or of an earlier row of the file."""
    saved = set(
        visible(Evidence, services.actor_for(organisation))
        .counted()
        .filter(
            period_start__gte=plan.first_day,
            period_start__lte=plan.last_day,
            measure_id__in=list(measures),
            activity_id__in=list(activities),
        )
        .values_list("measure_id", "activity_id", "period_start", "period_end", "quantity")
        .iterator(chunk_size=5000)
    )
    seen: dict[tuple, int] = {}
    for number, record in zip(numbers, plan.records, strict=True):
        key = (
            record.measure_id,
            record.activity_id,
            record.period_start,
            record.period_end,
            record.quantity,
        )
        earlier_row = seen.setdefault(key, number)
        if key not in saved and earlier_row == number:
            continue
        plan.repeat_count += 1
        if len(plan.repeats) < REPEATS_SHOWN:
            plan.repeats.append(
                Repeat(
                    row=number,
                    measure=measures[record.measure_id].code,
                    activity=activities[record.activity_id].name,
                    period=record.period_label,
                    quantity=record.quantity_text,
                    earlier_row=None if key in saved else earlier_row,
                )
            )


def _summarise(table: Table, records: list[Evidence], measures: dict[int, Measure]) -> Plan:
    per_measure: dict[int, list[Any]] = {}
    total = Decimal(0)
    for record in records:
        entry = per_measure.setdefault(
            record.measure_id, [measures[record.measure_id], 0, Decimal(0)]
        )
        entry[1] += 1
        if record.value is not None:
            entry[2] += record.value
            total += record.value
    return Plan(
        filename=table.filename,
        records=records,
        ignored_columns=table.ignored,
        total_value=total,
        first_day=min(r.period_start for r in records),
        last_day=max(r.period_end for r in records),
        by_measure=sorted(
            ((f"{m.code} {m.title}", n, v) for m, n, v in per_measure.values()),
            key=lambda item: item[0],
        ),
    )


def content_hash(path: str | Path) -> str:
    """The sha256 of the file's bytes, in hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def earlier_import(organisation: Any, sha256: str) -> EvidenceImport | None:
    """The latest import of this content into the organisation, if there was one."""
    if not sha256:
        return None
    return (
        visible(EvidenceImport, services.actor_for(organisation))
        .filter(sha256=sha256)
        .select_related("imported_by")
        .order_by("-imported_at", "-id")
        .first()
    )


class DuplicateImport(Conflict):
    """The file's content was imported into the organisation before: it is imported again only
    when the person confirms (`confirm_duplicate`). The API answers 409 naming the earlier import."""

    def __init__(self, earlier: EvidenceImport, plan: Plan | None = None):
        super().__init__(
            f"This file was imported before: {earlier.description}. Importing it again would "
            "count its records twice: confirm to import it again anyway.",
            field="confirm_duplicate",
        )
        self.earlier = earlier
        self.plan = plan


def check_file(
    path: str | Path, *, organisation: Any, recorded_by: Any = None, filename: str = ""
) -> Plan:
    """Every row checked (InputError naming each bad one), the earlier import of the same content
    and the rows that repeat records: nothing is saved."""
    plan = check_table(
        read_table(path, filename), organisation=organisation, recorded_by=recorded_by
    )
    plan.sha256 = content_hash(path)
    plan.earlier = earlier_import(organisation, plan.sha256)
    return plan


# ---------------------------------------------------------------- saving


def _column_values(field: Any) -> Any:
    """How a value of `field` goes to the database driver (dates as the backend wants them)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    return None


def _rows_per_statement(width: int) -> int:
    """Rows one INSERT carries: as many as the database's limit on parameters allows, up to 500."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = 65_535  # PostgreSQL's protocol counts parameters in 16 bits
    return max(1, min(500, limit // width))


def insert_records(records: list[Evidence]) -> None:
    """INSERT checked records, hundreds of rows to a statement.

    Django's bulk_create prepares every value through several layers, which for 100 000 rows takes
    longer than the database needs to store them; the values here were checked and typed already.
    Rows go many to a statement rather than one (executemany) because SQLite's text index (the
    search triggers') writes out its pending words at every statement that fires a trigger: one
    statement per row made 100 000 tiny segments to merge, a third of the import's time.
    """
    fields = [f for f in Evidence._meta.concrete_fields if not f.primary_key]
    convert = [_column_values(f) for f in fields]
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(Evidence._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    per_statement = _rows_per_statement(len(fields))
    converted: dict[int, Any] = {}  # the same `now` on every row is converted once

    def value(record: Evidence, name: str, to_db: Any) -> Any:
        raw = getattr(record, name)
        if to_db is None or raw is None:
            return raw
        key = id(raw)
        if key not in converted:
            converted[key] = (raw, to_db(raw))
        return converted[key][1]

    with connection.cursor() as cursor:
        for start in range(0, len(records), per_statement):
            chunk = records[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(chunk))}",
                [value(r, n, c) for r in chunk for n, c in zip(attnames, convert, strict=True)],
            )
            converted.clear()


def save(
    plan: Plan, *, organisation: Any, user: Any = None, confirm_duplicate: bool = False
) -> int:
    """Save every checked record in one transaction, the import, and one audit event for it.

    A file whose content was imported into the organisation before (looked up again here, not
    trusted from the check) raises DuplicateImport unless `confirm_duplicate`; nothing is saved.
    """
    with transaction.atomic():
        # One import of an organisation at a time, so two of the same file cannot both pass.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        earlier = earlier_import(organisation, plan.sha256)
        if earlier is not None and not confirm_duplicate:
            plan.earlier = earlier
            raise DuplicateImport(earlier, plan)
        insert_records(plan.records)
        plan.saved = EvidenceImport.objects.create(
            organisation_id=organisation.pk,
            imported_by_id=getattr(user, "pk", None),
            filename=(plan.filename or "")[:255],
            sha256=plan.sha256,
            records=len(plan.records),
            confirmed_duplicate=earlier is not None,
        )
        AuditEvent.objects.create(
            actor_id=getattr(user, "pk", None),
            actor_email=getattr(user, "email", "") or "",
            organisation_id=organisation.pk,
            organisation_name=organisation.name[:200],
            action=AuditEvent.Action.CREATE,
            object_type=Evidence._meta.label,
            object_id="import",
            object_repr=f"Imported {len(plan.records)} evidence records from {plan.filename}"[:300],
            changes={
                "records": [None, len(plan.records)],
                "file": [None, plan.filename],
                "total_value": [None, str(plan.total_value)],
                "sha256": [None, plan.sha256],
                "imported_again": [None, earlier is not None],
            },
        )
    services.refresh_statistics()
    return len(plan.records)


def import_file(
    path: str | Path,
    *,
    organisation: Any,
    user: Any = None,
    filename: str = "",
    confirm_duplicate: bool = False,
) -> int:
    """Check and save a file: every record or none; returns how many. See `run_import`."""
    plan = run_import(
        path,
        organisation=organisation,
        user=user,
        filename=filename,
        confirm_duplicate=confirm_duplicate,
    )
    return len(plan.records)


def run_import(
    path: str | Path,
    *,
    organisation: Any,
    user: Any = None,
    filename: str = "",
    confirm_duplicate: bool = False,
) -> Plan:
    """The import of a file, as the page's confirmation and the API run it: every record or none.

    Raises InputError naming every bad row, and DuplicateImport (carrying the checked plan) when
    the same content was imported into the organisation before and the person has not confirmed.
    Returns the plan, with the import it saved in `saved` and the rows that repeat records.
    """
    plan = check_file(path, organisation=organisation, recorded_by=user, filename=filename)
    save(plan, organisation=organisation, user=user, confirm_duplicate=confirm_duplicate)
    return plan


# ---------------------------------------------------------------- files waiting for confirmation


STAGING_AREA = "evidence-imports"


def keep_upload(*, user: Any, upload: Any) -> str:
    """Keep an uploaded file in storage until the user confirms or abandons the import; returns its token."""
    token, _ = staging.stage(upload, area=STAGING_AREA, user=user)
    return token


def kept_upload(*, user: Any, token: str) -> str | None:
    """The storage name of the user's waiting upload, or None when it has gone."""
    return staging.staged(area=STAGING_AREA, user=user, token=token)
