"""Importing survey responses from a CSV file or an Excel workbook: every row is checked before
any is saved, and a file with any bad row saves nothing; each problem names the file, the row
and the field.

The file is judged by its content (`web.files.checks.detect_type`) and a workbook is measured
before it is parsed (`core.formats.office.open_workbook`), as the evidence import does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.formats.office import open_workbook
from socialvalue.core.text import strip_controls
from socialvalue.web.evidence.importing import parse_day
from socialvalue.web.files.checks import CSV, XLSX, detect_type
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import Actor

from . import services
from .models import Response, Source, Survey

#: Rows a file may hold.
MAX_ROWS = 50_000
#: Problems reported at most.
MAX_PROBLEMS = 200
FIXED = ("participant", "wave", "answered_on", "team", "area", "activity")
ALIASES = {
    "participant code": "participant",
    "code": "participant",
    "date": "answered_on",
    "answered on": "answered_on",
}


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return strip_controls(str(cell)).strip()


def _rows(path: Path, filename: str) -> Iterator[tuple[int, list[Any]]]:
    with path.open("rb") as handle:
        kind = detect_type(handle, cp1252=True)
    if kind is CSV:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    elif kind is XLSX:
        # Opened as a file object: openpyxl judges a path by its extension, an upload has none.
        with path.open("rb") as handle:
            workbook = open_workbook(handle, filename)
            try:
                sheet = workbook.worksheets[0]
                for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield number, list(row)
            finally:
                workbook.close()
    else:
        raise InputError(
            f"{filename} is not a CSV file or an Excel workbook (.xlsx): save it as one of those."
        )


def _header_name(cell: Any) -> str:
    text = _cell_text(cell).lower().replace("-", "_")
    text = ALIASES.get(text, text)
    return text.replace(" ", "_")


def check_file(
    path: str | Path, *, survey: Survey, filename: str = ""
) -> list[services.ResponseData]:
    """Every row as a response, or InputError (source: the file) naming each bad row and field."""
    path = Path(path)
    filename = filename or path.name
    questions = list(survey.questions.all())
    keys = {q.key for q in questions}
    activities = {
        a.name.casefold(): a for a in Activity.objects.filter(organisation=survey.organisation)
    }
    try:
        rows = _rows(path, filename)
        header_row = next(((n, r) for n, r in rows if any(_cell_text(c) for c in r)), None)
        if header_row is None:
            raise InputError(f"{filename} is empty: it needs a header row and a row per response.")
        header_number, header = header_row
        columns = [_header_name(c) for c in header]
        problems: list[Problem] = []
        for required in ("participant", "wave", "answered_on"):
            if required not in columns:
                problems.append(Problem(f"row {header_number}", f"there is no {required} column"))
        unknown = [c for c in columns if c and c not in FIXED and c not in keys]
        for name in unknown:
            problems.append(
                Problem(f"row {header_number}, {name}", "the survey has no question with this key")
            )
        if problems:
            raise InputError(problems, source=filename)
        parsed: list[services.ResponseData] = []
        count = 0
        for number, row in rows:
            cells = {
                name: row[i] if i < len(row) else None for i, name in enumerate(columns) if name
            }
            if not any(_cell_text(c) for c in cells.values()):
                continue
            count += 1
            if count > MAX_ROWS:
                raise InputError(f"{filename} has more than {MAX_ROWS:,} rows: split it.")
            row_problems: dict[str, str] = {}
            answered_on = None
            raw_day = cells.get("answered_on")
            if _cell_text(raw_day):
                try:
                    answered_on = parse_day(raw_day)
                except ValueError as exc:
                    row_problems["answered_on"] = str(exc)
            activity = None
            activity_name = _cell_text(cells.get("activity"))
            if activity_name:
                activity = activities.get(activity_name.casefold())
                if activity is None:
                    row_problems["activity"] = f"no activity of yours is called {activity_name!r}"
            data = services.ResponseData(
                participant=_cell_text(cells.get("participant")),
                wave=_cell_text(cells.get("wave")).lower().replace("-", "_").replace(" ", "_"),
                answered_on=answered_on,
                answers={k: _cell_text(cells.get(k)) for k in keys if k in cells},
                team=_cell_text(cells.get("team")),
                area=_cell_text(cells.get("area")),
                activity=activity,
            )
            found, _ = services.response_problems(survey, questions, data)
            if "answered_on" in row_problems:
                found.pop("answered_on", None)
            found.update(row_problems)
            for field, message in found.items():
                problems.append(
                    Problem(f"row {number}, {field.removeprefix('answers.')}", str(message))
                )
            parsed.append(data)
            if len(problems) >= MAX_PROBLEMS:
                break
    except InputError as exc:
        exc.source = exc.source or filename
        raise
    except Exception as exc:  # a damaged workbook: say so rather than fail
        raise InputError(f"{filename} could not be read: {exc}") from None
    if problems:
        raise InputError(problems, source=filename)
    if not parsed:
        raise InputError(f"{filename} has a header row but no responses under it.")
    return parsed


@transaction.atomic
def import_file(
    path: str | Path, *, survey: Survey, actor: Actor, filename: str = ""
) -> list[Response]:
    """Check every row, then save them all in one transaction; any bad row and nothing is saved."""
    services.require_editor(survey, actor)
    rows = check_file(path, survey=survey, filename=filename)
    return services.save_responses(survey, rows, source=Source.IMPORT)
