"""`socialvalue demo`, `serve`, `migrate` and `manage`: running the web application."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import click
from django.conf import settings
from django.core.management import execute_from_command_line
from django.db import connections

from socialvalue.cli.common import ensure_migrated, release, setup_django
from socialvalue.cli.server import check_address_free, default_workers, run


def _migrate(verbosity: int = 0) -> list[str]:
    return release().migrate(verbosity=verbosity)


def _serve(host: str, port: int, *, workers: int, threads: int, quiet: bool = False) -> None:
    from socialvalue.web.wsgi import application  # noqa: PLC0415 - importing it sets up Django, which the command has configured first

    # Workers are forked from this process: a connection opened here must not be shared by them.
    connections.close_all()
    # Everything loaded so far (some 300 000 objects) lives as long as the server. Frozen, the
    # collector no longer walks it on each full collection, which otherwise stalls whichever
    # request it falls in for 150 ms or more, and forked workers leave its pages shared. What
    # starting up left as garbage (the migration graph just checked) is freed first.
    gc.collect()
    gc.freeze()
    run(application, host=host, port=port, workers=workers, threads=threads, quiet=quiet)


def _production_setup() -> None:
    """Django in production mode, or one line on stderr and exit 2 when it cannot be."""
    os.environ["SOCIALVALUE_ENV"] = "production"
    if not os.environ.get("SECRET_KEY"):
        click.echo(
            "SECRET_KEY is not set: refusing to start. Set it to a long random value.", err=True
        )
        sys.exit(2)
    setup_django()


def _database_error(exc: Exception) -> NoReturn:
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    click.echo(f"Cannot use the database: {first_line}", err=True)
    sys.exit(2)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (the demo stays on this machine by default).",
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the database and demo data, then exit.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Start socialvalue with demo data in $SOCIALVALUE_HOME (default ./.socialvalue)."""
    home = Path(os.environ.setdefault("SOCIALVALUE_HOME", str(Path(".socialvalue").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.pop("SOCIALVALUE_ENV", None)
    # Links in the emails the demo prints point at the demo itself.
    os.environ.setdefault(
        "SOCIALVALUE_URL", f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    )
    setup_django()
    from socialvalue.web.demo import demo_password, load_demo  # noqa: PLC0415 - models load only after Django's setup, not when the command line starts

    click.echo(f"Preparing the demo database in {home} ...")
    _migrate()
    logins = load_demo()
    url = f"http://{host}:{port}/"
    click.echo("")
    click.secho(
        "socialvalue DEMO: fictional organisations and people, for trying the product.", bold=True
    )
    click.echo(f"Open {url} and sign in with any of these (password: {demo_password()}):")
    width = max(len(login.email) for login in logins)
    for login in logins:
        click.echo(f"  {login.email.ljust(width)}  {login.organisations}")
    if no_serve:
        return
    click.echo(f"\nServing on {url}  (Ctrl+C stops it)")
    worker = _start_worker()
    # SIGTERM (a service manager, `kill`) stops the demo like Ctrl+C, so the worker is stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        _serve(host, port, workers=1, threads=8, quiet=True)
    finally:
        _stop_worker(worker)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _start_worker() -> subprocess.Popen:
    """The demo's background worker: a child process beside the web server, never a thread in it."""
    command = [
        sys.executable,
        "-c",
        "import sys; from socialvalue.cli import main; sys.exit(main())",
        "worker",
        "--workers",
        "1",
        "--stop-with-parent",
        str(os.getpid()),
    ]
    return subprocess.Popen(command, env=os.environ.copy())


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)  # stop now: a report it was building is queued again
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@click.command()
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "0.0.0.0"), show_default="$HOST or 0.0.0.0"
)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "8000")),
    type=int,
    show_default="$PORT or 8000",
)
@click.option(
    "--workers",
    default=lambda: default_workers(),
    type=click.IntRange(min=1),
    show_default="the number of CPU cores",
    help="Worker processes; each handles --threads requests at once.",
)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--migrate",
    "apply_migrations",
    is_flag=True,
    help="Apply pending migrations first (under the same lock as `socialvalue migrate`).",
)
def serve(host: str, port: int, workers: int, threads: int, apply_migrations: bool) -> None:
    """Run the production server (gunicorn; static files by whitenoise), configured from the environment."""
    _production_setup()
    if not settings.EMAIL_CHOSEN:
        click.echo(
            "EMAIL_URL is not set: refusing to start, as password-reset links would only be "
            "printed to the log. Set EMAIL_URL=smtp+tls://user:password@host:587 "
            "(or EMAIL_URL=console:// to print emails on purpose).",
            err=True,
        )
        sys.exit(2)
    try:
        if apply_migrations:
            _migrate(verbosity=1)
        pending = release().pending_migrations()
    except Exception as exc:  # an unreachable database is an operator's error, not a traceback
        _database_error(exc)
    if pending:
        click.echo(
            f"{len(pending)} database migration(s) pending: run `socialvalue migrate` first "
            "(or start with `socialvalue serve --migrate`).",
            err=True,
        )
        sys.exit(2)
    if not os.environ.get("SOCIALVALUE_URL"):
        click.echo(
            f"Warning: SOCIALVALUE_URL is not set, so emailed links start with "
            f"{settings.SOCIALVALUE_URL}; set it to the site's public https address.",
            err=True,
        )
    check_address_free(host, port)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    click.echo(
        f"socialvalue serving on http://{host}:{port}/ for {settings.SOCIALVALUE_URL} "
        f"({workers} worker(s) x {threads} thread(s), database: {engine})"
    )
    _serve(host, port, workers=workers, threads=threads)


@click.command()
def migrate() -> None:
    """Apply database migrations: the release step, safe when several run at once."""
    setup_django()
    try:
        applied = _migrate(verbosity=1)
    except Exception as exc:
        _database_error(exc)
    click.echo(f"Database up to date ({len(applied)} migration(s) applied).")


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command (for example: socialvalue manage createsuperuser)."""
    setup_django()
    if ctx.args and ctx.args[0] not in NEEDS_NO_MIGRATED_DATABASE:
        ensure_migrated()
    execute_from_command_line(["socialvalue manage", *ctx.args])


#: Django commands that run before (or instead of) migrating, so `manage` does not migrate first.
NEEDS_NO_MIGRATED_DATABASE = {
    "migrate",
    "showmigrations",
    "makemigrations",
    "sqlmigrate",
    "check",
    "help",
    "version",
    "diffsettings",
}

COMMANDS = [demo, serve, migrate, manage]
