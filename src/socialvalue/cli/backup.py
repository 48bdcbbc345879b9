"""`socialvalue backup FILE` and `socialvalue restore FILE`: the database and every stored file, in one archive."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import click
from django.db import DatabaseError

from socialvalue.cli.common import fail, setup_django

#: Exit code for a failure of the database or the storage itself (not of what the operator gave).
EXIT_FAILED = 1


def _setup() -> None:
    """Django configured from the environment, as `socialvalue serve` would be, or one line why not."""
    setup_django()


def _backups() -> ModuleType:
    """Backup and restore (Django's models and migrations, loaded when the command runs)."""
    from socialvalue.web import backup  # noqa: PLC0415 - heavy (Django's ORM and migrations): loaded by these commands, not at start

    return backup


def _run(action, archive: Path):  # type: ignore[no-untyped-def]
    try:
        return action(archive, report=click.echo)
    except _backups().BackupError as exc:
        fail(str(exc))
    except DatabaseError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"Database error: {first}", EXIT_FAILED)
    except OSError as exc:
        fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))
    except Exception as exc:  # the storage's own errors (an S3 bucket that answers "no")
        fail(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", EXIT_FAILED)


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def backup(archive: Path) -> None:
    """Write ARCHIVE (.tar.gz): the database, then every stored file, and a manifest of both.

    The database and storage are the ones the environment names (DATABASE_URL or
    SOCIALVALUE_HOME, SOCIALVALUE_STORAGE), as for `socialvalue serve`.
    """
    backups = _backups()
    try:
        backups.check_archive_name(archive)
    except backups.BackupError as exc:
        fail(str(exc))
    if not archive.resolve().parent.is_dir():
        fail(f"{archive}: the folder {archive.resolve().parent} does not exist")
    _setup()
    summary = _run(backups.backup, archive)
    if summary.missing:
        click.echo(
            f"Warning: {len(summary.missing)} files named by the database were not in the "
            f"storage (first: {summary.missing[0]}); the manifest lists them",
            err=True,
        )
    click.echo(f"Wrote {archive} ({os.path.getsize(archive):,} bytes)")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
def restore(archive: Path) -> None:
    """Restore ARCHIVE into an empty database and storage, then check it against its manifest.

    Restore with the version of socialvalue that made the backup; upgrade afterwards.
    """
    if not archive.is_file():
        fail(f"{archive}: no such file")
    _setup()
    summary = _run(_backups().restore, archive)
    click.echo(
        f"Restored {summary.rows} rows in {summary.tables} tables and {summary.files} files "
        f"from {archive}"
    )


COMMANDS = [backup, restore]
