"""What every command shares: clean failure (message, exit code, no traceback) and JSON output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from gettext import ngettext
from types import ModuleType
from typing import Any, TypeVar

import click
import django
from django.db import DatabaseError, connection

from socialvalue.core.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code for bad input (a file or argument that breaks its contract).
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def reports_input_errors(func: F) -> F:
    """Turn InputError (and unreadable files) into a one-line-per-problem message and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(exc.describe())
        except OSError as exc:
            fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}".lstrip(": "))

    return wrapper  # type: ignore[return-value]


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))


def setup_django() -> None:
    """Django configured from the environment, or one line saying why not (exit 2)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialvalue.web.settings")
    try:
        django.setup()
    except Exception as exc:  # a configuration error reads as a sentence, not a traceback
        fail(f"Cannot start: {exc}")


def setup_database() -> None:
    """Django set up and its database ready for a command.

    On SQLite (a laptop's home folder) pending migrations are applied, under the same lock as
    `socialvalue migrate`, as `socialvalue demo` does; on a shared database the release step
    applies them, so the command stops and says so.
    """
    setup_django()
    ensure_migrated()


def release() -> ModuleType:
    """The release step's module (migrating under a lock, pending migrations)."""
    from socialvalue.web import release  # noqa: PLC0415 - Django's migration machinery is heavy: loaded by the commands that use it, not at start

    return release


def ensure_migrated() -> None:
    try:
        pending = release().pending_migrations()
        if pending and connection.vendor == "sqlite":
            release().migrate(verbosity=0)
            pending = []
    except DatabaseError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"Cannot use the database: {first_line}")
    if pending:
        fail(
            f"The database has {len(pending)} {ngettext('migration', 'migrations', len(pending))} to "
            "apply: run `socialvalue migrate` first."
        )
