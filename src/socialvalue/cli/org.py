"""`socialvalue org ...`: create, list, approve and refuse organisations from the server's shell."""

from __future__ import annotations

import smtplib
from gettext import ngettext
from types import ModuleType

import click
from django.core.exceptions import ValidationError

from socialvalue.cli.common import echo_json, fail, setup_database

KINDS = ("provider", "commissioner")
TYPES = ("charity", "social_enterprise", "company", "local_authority")


def _accounts() -> tuple[ModuleType, ModuleType, ModuleType]:
    """Django and its database set up, then the accounts modules the commands use."""
    setup_database()
    from socialvalue.web.accounts import models, registration, services  # noqa: PLC0415 - models load only after Django's setup, not when the command line starts

    return models, registration, services


def _organisation(models: ModuleType, slug: str):
    organisation = models.Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        fail(f'no organisation with the slug "{slug}" (see `socialvalue org list`)')
    return organisation


def _problems(exc) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"--{field.replace('_', '-')}: {' '.join(messages)}"
            if field != "__all__"
            else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


@click.group()
def org() -> None:
    """Organisations: create one with its first admin's invitation, list, approve or refuse."""


@org.command("create")
@click.option("--name", required=True, help="The organisation's name, as people know it.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Provider or commissioner.")
@click.option("--type", "organisation_type", required=True, type=click.Choice(TYPES))
@click.option("--admin-email", required=True, help="The first admin, who is emailed an invitation.")
@click.option("--areas", default="", help='Areas served, separated by ";" (e.g. "North;South").')
def create_command(
    name: str, kind: str, organisation_type: str, admin_email: str, areas: str
) -> None:
    """Create an active organisation and invite its first admin by email."""
    _models, registration, services = _accounts()
    try:
        organisation, invitation, secret = registration.create_organisation(
            name=name,
            kind=kind,
            organisation_type=organisation_type,
            admin_email=admin_email,
            areas_served=areas,
        )
    except ValidationError as exc:
        fail(_problems(exc))
    except (smtplib.SMTPException, OSError) as exc:
        fail(f"Could not queue the invitation email ({exc}); nothing was created.")
    click.echo(
        f"Created {organisation.name} ({organisation.get_kind_display().lower()}, "
        f"{organisation.get_organisation_type_display().lower()})"
    )
    click.echo(f"slug: {organisation.slug}")
    click.echo(
        f"Invitation emailed to {invitation.email}; it is valid for {invitation.VALID_DAYS} days."
    )
    click.echo(f"invitation: {services.invitation_link(secret)}")


@org.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """Every organisation with its kind, status and number of members."""
    models, _registration, _services = _accounts()
    from django.db.models import Count  # noqa: PLC0415 - Django's ORM is heavy: loaded for the command that queries

    organisations = models.Organisation.objects.annotate(members=Count("memberships")).order_by(
        "name"
    )
    rows = [
        {
            "slug": o.slug,
            "name": o.name,
            "kind": o.kind,
            "organisation_type": o.organisation_type,
            "status": o.status,
            "members": o.members,
            "areas_served": o.areas_served,
            "created_at": o.created_at.isoformat(),
        }
        for o in organisations
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No organisations yet: create one with `socialvalue org create`.")
    for row in rows:
        click.echo(
            f"{row['slug']}\t{row['name']}\t{row['kind']}\t{row['status']}\t"
            f"{row['members']} {ngettext('member', 'members', row['members'])}"
        )


@org.command("approve")
@click.argument("slug")
def approve_command(slug: str) -> None:
    """Approve a registration awaiting approval; the person who registered it is emailed."""
    models, registration, _services = _accounts()
    try:
        organisation = registration.approve_organisation(organisation=_organisation(models, slug))
    except ValidationError as exc:
        fail(_problems(exc))
    click.echo(f"Approved {organisation.name}: its workspace is open and its admin has been told.")


@org.command("refuse")
@click.argument("slug")
@click.option("--reason", required=True, help="Why: it is emailed to the person who registered.")
def refuse_command(slug: str, reason: str) -> None:
    """Refuse a registration awaiting approval, with the reason."""
    models, registration, _services = _accounts()
    try:
        organisation = registration.refuse_organisation(
            organisation=_organisation(models, slug), reason=reason
        )
    except ValidationError as exc:
        fail(_problems(exc))
    click.echo(f"Refused {organisation.name}; the person who registered it has been told why.")


COMMANDS = [org]
