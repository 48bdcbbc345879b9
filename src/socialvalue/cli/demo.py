"""`socialvalue demo`, `socialvalue serve` and `socialvalue manage`: running the web application."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialvalue.web.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def _serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from socialvalue.web.wsgi import application

    waitress_serve(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="socialvalue",
        clear_untrusted_proxy_headers=True,
    )


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
    _setup_django()
    from socialvalue.web.demo import demo_password, load_demo

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
        _serve(host, port, threads=8)
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
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="Do not apply database migrations before serving.")
def serve(host: str, port: int, threads: int, no_migrate: bool) -> None:
    """Run the production server (waitress; static files by whitenoise), configured from the environment."""
    os.environ["SOCIALVALUE_ENV"] = "production"
    if not os.environ.get("SECRET_KEY"):
        click.echo(
            "SECRET_KEY is not set: refusing to start. Set it to a long random value.", err=True
        )
        sys.exit(2)
    try:
        _setup_django()
    except Exception as exc:  # configuration errors should read as a sentence, not a traceback
        click.echo(f"Cannot start: {exc}", err=True)
        sys.exit(2)
    if not no_migrate:
        _migrate()
    from django.conf import settings

    click.echo(
        f"socialvalue serving on http://{host}:{port}/ (database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )
    _serve(host, port, threads=threads)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command (for example: socialvalue manage createsuperuser)."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socialvalue manage", *ctx.args])


COMMANDS = [demo, serve, manage]
