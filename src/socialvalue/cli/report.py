"""`socialvalue report NAME --org SLUG [--year Y] [--contract ID] --out FILE`: any report, any format."""

from __future__ import annotations

from pathlib import Path

import click
from django.core.exceptions import PermissionDenied
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from socialvalue.cli.common import fail, reports_input_errors, setup_database

FORMATS = ("pdf", "docx", "xlsx", "csv", "html")


def _organisation(slug: str):
    from socialvalue.web.accounts.models import Organisation  # noqa: PLC0415 - models load only after Django's setup, not when the command line starts

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        fail(f'--org: no organisation with the slug "{slug}"')
    return organisation


def _format_of(out: Path) -> str:
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        fail(
            f"--out: {out.name} does not end in one of .{', .'.join(FORMATS)}; the extension chooses the format"
        )
    return fmt


def _parameters(year: int | None, contract: int | None, params: tuple[str, ...]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--param: {item!r} is not NAME=VALUE, for example --param analysis=3")
        raw[name.strip()] = value.strip()
    if year is not None:
        raw["year"] = str(year)
    if contract is not None:
        raw["contract"] = str(contract)
    return raw


def _render_with_progress(  # type: ignore[no-untyped-def]
    build, out: Path, fmt: str, notes: bool = True
) -> None:
    from socialvalue.reports import render  # noqa: PLC0415 - documents bring matplotlib and the format writers: loaded when a report is made

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("Reading the data", total=100)

        def progress(fraction: float, message: str = "") -> None:
            bar.update(
                task, completed=70 * max(0.0, min(1.0, fraction)), description=message or "Building"
            )

        document = build(progress)
        bar.update(task, completed=70, description=f"Writing the {fmt.upper()} file")
        data = render(document, fmt, notes=notes)
        bar.update(task, completed=100, description="Done")
    out.write_bytes(data)
    click.echo(f"Wrote {out} ({len(data):,} bytes): {document.title}")


@click.command("report")
@click.argument("name")
@click.option("--org", "org", help="Slug of the organisation the report is for.")
@click.option("--year", type=int, help="Financial year, by the year it starts (2025 is 2025/26).")
@click.option("--contract", type=int, help="Contract id, for a contract's report.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any other parameter (repeatable).",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="For the SROI report: an impact map file instead of an analysis in the database.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write; its extension (.pdf, .docx, .xlsx, .csv, .html) chooses the format.",
)
@click.option(
    "--no-notes",
    "no_notes",
    is_flag=True,
    help="CSV only: leave out the leading '#' lines stating the price basis and caveats.",
)
@reports_input_errors
def report(
    name: str,
    org: str | None,
    year: int | None,
    contract: int | None,
    params: tuple[str, ...],
    map_file: Path | None,
    out: Path | None,
    no_notes: bool,
) -> None:
    """Make the report NAME as the file --out names (`socialvalue report list --org SLUG` lists them)."""
    if out is None and name != "list":
        fail("--out: say which file to write, for example --out report.pdf")
    fmt = _format_of(out) if out is not None else ""
    if out is not None and not out.parent.exists():
        fail(f"--out: the folder {out.parent} does not exist")
    if map_file is not None:
        if name != "sroi":
            fail("--map: only the sroi report reads an impact map file")
        from socialvalue.core.sroi import load_impact_map  # noqa: PLC0415 - the SROI engine (numpy, scipy) loads only for the command that needs it
        from socialvalue.reports.sroi import sroi_document  # noqa: PLC0415 - as above

        impact_map = load_impact_map(map_file)
        _render_with_progress(
            lambda progress: sroi_document(impact_map, progress=progress), out, fmt, not no_notes
        )
        return
    if org is None:
        fail("--org: say which organisation the report is for (its slug)")

    setup_database()
    from django.http import Http404  # noqa: PLC0415 - loaded with Django's setup, not when the command line starts

    from socialvalue.web.reports import registry, services  # noqa: PLC0415 - models load only after Django's setup, not when the command line starts

    organisation = _organisation(org)
    reports = {r.name: r for r in registry.available_to(organisation)}
    if name == "list":
        for item in reports.values():
            names = ", ".join(p.name for p in item.parameters) or "none"
            click.echo(f"{item.name}: {item.title} (parameters: {names})")
        return
    if name not in reports:
        known = ", ".join(sorted(reports)) or "none"
        fail(f"{name}: not a report {organisation.name} can run; its reports are: {known}")
    actor = services.operator_actor(organisation)
    raw = _parameters(year, contract, params)
    try:
        _render_with_progress(
            lambda progress: services.build_document(
                actor=actor,
                organisation=organisation,
                report=reports[name],
                raw=raw,
                progress=progress,
            ),
            out,
            fmt,
            not no_notes,
        )
    except (Http404, PermissionDenied) as exc:
        fail(str(exc) or "not found")


COMMANDS = [report]
