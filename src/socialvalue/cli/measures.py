"""`socialvalue measures ...` and `socialvalue sdgs`: import, export, list and search value sets and measures."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import click
from django.core.exceptions import ValidationError

from socialvalue.cli.common import echo_json, fail, reports_input_errors, setup_database


def _services() -> ModuleType:
    """Django and its database set up, then the measures' services the commands call."""
    setup_database()
    from socialvalue.web.measures import services  # noqa: PLC0415 - models load only after Django's setup, not when the command line starts

    return services


def _organisation(slug: str | None):
    if slug is None:
        return None
    from socialvalue.web.accounts.models import Organisation  # noqa: PLC0415 - called after Django's setup; models cannot load before

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        fail(f'no organisation with the slug "{slug}"')
    return organisation


def _set_json(value_set) -> dict:
    return {
        "id": value_set.pk,
        "name": value_set.name,
        "version": value_set.version,
        "publisher": value_set.publisher,
        "licence": value_set.licence,
        "licence_confidence": value_set.licence_confidence,
        "source": value_set.source,
        "price_year": value_set.price_year,
        "origin": value_set.origin,
        "owner": value_set.owner_label,
        "organisation": value_set.organisation.slug if value_set.organisation_id else None,
        "measures": value_set.measures.count(),
    }


def _measure_json(measure) -> dict:
    return {
        "id": measure.pk,
        "set": measure.value_set.name,
        "set_version": measure.value_set.version,
        "code": measure.code,
        "title": measure.title,
        "unit": measure.unit,
        "theme": measure.theme.name if measure.theme else None,
        "proxy_value": None if measure.proxy_value is None else float(measure.proxy_value),
        "value_type": measure.value_type or None,
        "price_year": measure.price_year,
        "source": measure.source,
        "licence": measure.effective_licence,
        "confidence": measure.confidence or None,
        "sdg_targets": [t.code for t in measure.sdg_targets.all()],
    }


@click.group()
def measures() -> None:
    """Value sets and their measures: import, export, list and search."""


@measures.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", required=True, help='Name of the set, e.g. "National TOMs".')
@click.option("--version", "version", required=True, help="Version as the publisher states it.")
@click.option(
    "--licence", required=True, help="The licence you hold the set under (shown beside its values)."
)
@click.option("--source", required=True, help="Where the file came from.")
@click.option("--publisher", default="", help="Who publishes the set.")
@click.option("--price-year", type=int, help="Price year for rows that give a proxy but no year.")
@click.option(
    "--org", "org", help="Slug of the organisation that holds the licence and owns the set."
)
@click.option(
    "--site-wide", is_flag=True, help="Make the set visible to every organisation (without --org)."
)
@click.option(
    "--replace", is_flag=True, help="Overwrite a set already imported with this name and version."
)
@reports_input_errors
def import_command(
    file: Path,
    name: str,
    version: str,
    licence: str,
    source: str,
    publisher: str,
    price_year: int | None,
    org: str | None,
    site_wide: bool,
    replace: bool,
) -> None:
    """Import a .csv or .xlsx value set: every row is checked, and a bad row means nothing is saved."""
    services = _services()
    if site_wide and org:
        fail(
            "--site-wide and --org cannot be used together: a site-wide set belongs to no organisation"
        )
    if not site_wide and not org:
        fail("say which organisation holds the licence with --org SLUG, or use --site-wide")
    organisation = _organisation(org)
    try:
        value_set = services.import_value_set(
            path=file,
            name=name,
            version=version,
            licence=licence,
            source=source,
            publisher=publisher,
            price_year=price_year,
            organisation=organisation,
            site_wide=site_wide,
            replace=replace,
        )
    except ValidationError as exc:
        fail("\n".join(exc.messages))
    owner = "every organisation" if organisation is None else organisation.name
    click.echo(f"Imported {value_set}: {value_set.measures.count()} measures, for {owner}.")


@measures.command("export")
@click.argument("name")
@click.argument("version")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--org", "org", help="Slug of the organisation whose imported set to export.")
@reports_input_errors
def export_command(name: str, version: str, file: Path, org: str | None) -> None:
    """Write a set to FILE (.csv or .xlsx) in the columns `measures import` reads."""
    services = _services()
    value_set = services.find_value_set(
        services.actor_for_organisation(_organisation(org)), name=name, version=version
    )
    services.export_value_set(value_set, file)
    click.echo(f"Wrote {value_set.measures.count()} measures of {value_set} to {file}.")


@measures.command("sets")
@click.option("--org", "org", help="Also show the sets this organisation imported.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sets_command(org: str | None, as_json: bool) -> None:
    """List value sets with their licences."""
    services = _services()
    value_sets = list(services.visible_sets(services.actor_for_organisation(_organisation(org))))
    if as_json:
        echo_json([_set_json(s) for s in value_sets])
        return
    for value_set in value_sets:
        click.echo(f"{value_set}  [{value_set.owner_label}]  licence: {value_set.licence}")


@measures.command("list")
@click.option("--set", "set_name", help="Only measures in the set with this name.")
@click.option(
    "--search",
    default="",
    help="Words to find in the code, title, unit, description, theme or outcome.",
)
@click.option("--sdg", default="", help="An SDG goal (8) or target (8.5).")
@click.option(
    "--value-type",
    default="",
    type=click.Choice(["", "fiscal", "economic", "social", "wellbeing", "environmental"]),
)
@click.option("--org", "org", help="Include the sets this organisation imported.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(
    set_name: str | None, search: str, sdg: str, value_type: str, org: str | None, as_json: bool
) -> None:
    """List or search measures."""
    services = _services()
    found = services.search_measures(
        services.actor_for_organisation(_organisation(org)),
        text=search,
        sdg=sdg,
        value_type=value_type,
    )
    if set_name:
        found = found.filter(value_set__name__iexact=set_name)
    found = found.prefetch_related("sdg_targets")
    if as_json:
        echo_json([_measure_json(m) for m in found])
        return
    for measure in found:
        proxy = (
            "counted"
            if measure.proxy_value is None
            else f"£{measure.proxy_value:,.2f} ({measure.price_year} prices)"
        )
        click.echo(
            f"{measure.code}\t{measure.title}\t{proxy}\t{measure.value_set.name}\t{measure.effective_licence}"
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sdgs(as_json: bool) -> None:
    """The 17 UN Sustainable Development Goals and their 169 targets."""
    services = _services()
    goals = [
        {
            "number": g.number,
            "short_name": g.short_name,
            "description": g.description,
            "targets": [
                {"code": t.code, "kind": t.kind, "description": t.description}
                for t in g.targets.all()
            ],
        }
        for g in services.sdg_goals()
    ]
    if as_json:
        echo_json(goals)
        return
    for goal in goals:
        click.echo(f"{goal['number']:>2}  {goal['short_name']} ({len(goal['targets'])} targets)")


COMMANDS = [measures, sdgs]
