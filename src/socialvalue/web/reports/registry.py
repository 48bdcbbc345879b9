"""The reports an organisation can run: each registered once with its parameters and its builder.

An app registers a report in its `ready()` (or in `web/reports/builders/`):

    from socialvalue.web.reports.registry import Parameter, ReportType, register, year_parameter

    register(ReportType(
        name="contract",                       # in URLs, the API and `socialvalue report NAME`
        title="Contract social value report",
        description="Committed, delivered and verified value for one contract.",
        build=build_contract_report,           # build(*, actor, organisation, progress, **params) -> Document
        parameters=(Parameter("contract", "Contract", choices=..., resolve=...), year_parameter()),
        audience=("commissioner", "provider"), # organisation kinds that see it
        background=False,                      # True: runs in a thread with progress on the page
    ))

`resolve(actor, organisation, raw)` turns the raw value (a form field, a JSON value, a CLI
option) into what the builder gets: fetch objects through `get_visible_or_404` so an outsider's
id is a 404, and raise `InputError` for a value that is not allowed. `progress(fraction, message)`
takes a fraction between 0 and 1 of the building (rendering takes the rest of the bar).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone

from socialvalue.core.errors import InputError, Problem
from socialvalue.core.periods import financial_year, financial_year_label
from socialvalue.reports import Document
from socialvalue.web.tenancy import visible

Progress = Callable[[float, str], None]


def in_sentence(name: str) -> str:
    """A label as it reads inside a sentence: "Financial year" -> "financial year", "SROI report" stays."""
    if len(name) > 1 and name[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    #: (value, label) pairs offered on the page for this organisation.
    choices: Callable[[Any, Any], Sequence[tuple[str, str]]]
    #: The raw value to what the builder gets; Http404 for what the actor may not see.
    resolve: Callable[[Any, Any, Any], Any]
    required: bool = True
    hint: str = ""
    #: The value offered first on the page, from the organisation (for example the latest year).
    initial: Callable[[Any, Any], Any] | None = None


@dataclass(frozen=True)
class ReportType:
    name: str
    title: str
    description: str
    build: Callable[..., Document]
    parameters: tuple[Parameter, ...] = ()
    audience: tuple[str, ...] = ("provider", "commissioner")
    role: str = "viewer"
    background: bool = False
    order: int = 100

    def is_available_to(self, organisation: Any) -> bool:
        return organisation is not None and organisation.kind in self.audience

    def resolve(self, actor: Any, organisation: Any, raw: dict[str, Any]) -> dict[str, Any]:
        """Every parameter resolved, or one InputError naming each bad or missing one."""
        known = {p.name for p in self.parameters}
        problems = [
            Problem(name, f"is not a parameter of the {in_sentence(self.title)}")
            for name in raw
            if name not in known
        ]
        resolved: dict[str, Any] = {}
        for parameter in self.parameters:
            value = raw.get(parameter.name)
            if value in (None, ""):
                if parameter.required:
                    problems.append(
                        Problem(parameter.name, f"Choose the {in_sentence(parameter.label)}")
                    )
                else:
                    resolved[parameter.name] = None
                continue
            try:
                resolved[parameter.name] = parameter.resolve(actor, organisation, value)
            except InputError as exc:
                problems.extend(Problem(parameter.name, p.message) for p in exc.problems)
        if problems:
            raise InputError(problems)
        return resolved


_reports: dict[str, ReportType] = {}


def register(report: ReportType) -> None:
    """Add a report; registering the same name again replaces it (apps' ready() may run twice)."""
    _reports[report.name] = report


def get(name: str) -> ReportType:
    try:
        return _reports[name]
    except KeyError:
        raise Http404("No such report.") from None


def all_reports() -> list[ReportType]:
    return sorted(_reports.values(), key=lambda r: (r.order, r.title))


def available_to(organisation: Any) -> list[ReportType]:
    return [r for r in all_reports() if r.is_available_to(organisation)]


# Parameters more than one report takes.


def _resolve_year(actor: Any, organisation: Any, raw: Any) -> int:
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InputError(Problem("", f"{raw!r} is not a year, for example 2025")) from None
    if not 2000 <= year <= 2100:
        raise InputError(Problem("", f"{year} is not a year between 2000 and 2100"))
    return year


def current_financial_year() -> int:
    """The financial year today falls in (`core.periods.financial_year`)."""
    return financial_year(timezone.localdate())


def year_parameter(
    *,
    required: bool = True,
    years: Callable[[Any, Any], Sequence[int]] | None = None,
    hint: str = "April to March, by the year it starts: 2025 is 2025/26.",
) -> Parameter:
    """The financial year (April to March) a report covers, by the year it starts.

    `years(actor, organisation)` lists the years offered (the years with data, say), latest
    offered first; by default the last six financial years. Any year from 2000 to 2100 resolves.
    The page starts on the last year that has ended: an annual report is of a whole year.
    """

    def offered(actor: Any, organisation: Any) -> list[int]:
        if years is not None:
            return sorted(years(actor, organisation), reverse=True)
        latest = current_financial_year()
        return list(range(latest, latest - 6, -1))

    def choices(actor: Any, organisation: Any) -> list[tuple[str, str]]:
        return [
            (str(y), f"{financial_year_label(y)} (April {y} to March {y + 1})")
            for y in offered(actor, organisation)
        ]

    def initial(actor: Any, organisation: Any) -> str:
        """The last year that has ended, else the current one, else the latest offered."""
        found = offered(actor, organisation)
        current = current_financial_year()
        for candidates in (
            [y for y in found if y < current],
            [y for y in found if y <= current],
            found,
        ):
            if candidates:
                return str(candidates[0])
        return ""

    return Parameter(
        "year",
        "Financial year",
        choices=choices,
        resolve=_resolve_year,
        required=required,
        hint=hint,
        initial=initial,
    )


def object_parameter(
    name: str,
    label: str,
    model: Any,
    *,
    queryset: Callable[[Any, Any], Any] | None = None,
    describe: Callable[[Any], str] = str,
    hint: str = "",
    required: bool = True,
) -> Parameter:
    """A parameter naming one object the actor can see (a contract, an analysis), by its id.

    `queryset(actor, organisation)` narrows what is offered and accepted (by default every
    object visible to the actor); an id outside it is a 404, as for any other route.
    """

    def rows(actor: Any, organisation: Any) -> Any:
        return queryset(actor, organisation) if queryset else visible(model, actor)

    def choices(actor: Any, organisation: Any) -> list[tuple[str, str]]:
        return [(str(obj.pk), describe(obj)) for obj in rows(actor, organisation)]

    def resolve(actor: Any, organisation: Any, raw: Any) -> Any:
        try:
            pk = int(str(raw).strip())
        except (TypeError, ValueError):
            raise InputError(
                Problem("", f"{raw!r} is not the id of a {in_sentence(label)}")
            ) from None
        try:
            return rows(actor, organisation).get(pk=pk)
        except model.DoesNotExist:
            raise Http404(f"No {in_sentence(label)} {pk} found.") from None

    return Parameter(name, label, choices=choices, resolve=resolve, required=required, hint=hint)
