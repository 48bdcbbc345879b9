"""Running the WSGI application: gunicorn's workers, or waitress where gunicorn cannot run (Windows)."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Iterable
from typing import Any

import click

#: Addresses whose X-Forwarded-Proto is believed (gunicorn's forwarded_allow_ips): the proxy's.
DEFAULT_FORWARDED_ALLOW_IPS = "127.0.0.1,::1"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def trusted_scheme(app: WSGIApp) -> WSGIApp:
    """Let Django's SECURE_PROXY_SSL_HEADER see only the scheme the server decided on.

    gunicorn sets wsgi.url_scheme from X-Forwarded-Proto only when the peer is in
    forwarded_allow_ips, but still passes the raw header on; without this, any client reaching
    the server directly could claim https and Django would believe it.
    """

    def application(environ: dict[str, Any], start_response: Callable[..., Any]):
        environ["HTTP_X_FORWARDED_PROTO"] = environ.get("wsgi.url_scheme", "http")
        return app(environ, start_response)

    return application


def default_workers() -> int:
    return os.cpu_count() or 1


def run(
    app: WSGIApp, *, host: str, port: int, workers: int, threads: int, quiet: bool = False
) -> None:
    """Serve `app` until interrupted (Ctrl+C or SIGTERM stop it cleanly)."""
    check_address_free(host, port)
    try:
        from gunicorn.app.base import BaseApplication  # noqa: PLC0415 - absent on Windows (no fork), where waitress serves
    except ImportError:  # gunicorn needs fork and fcntl: on Windows only waitress runs
        _run_waitress(app, host=host, port=port, threads=threads)
        return

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", DEFAULT_FORWARDED_ALLOW_IPS),
        # Django is loaded once in the parent and shared copy-on-write by the workers.
        "preload_app": True,
        "proc_name": "socialvalue",
        "loglevel": "warning" if quiet else "info",
    }

    class SocialValueServer(BaseApplication):
        def load_config(self) -> None:
            # gunicorn 24+ opens a control socket at one fixed path per user, which a second
            # server on the machine would fight over; socialvalue does not use it.
            if "control_socket_disable" in self.cfg.settings:
                options["control_socket_disable"] = True
            for key, value in options.items():
                self.cfg.set(key, value)
            # GUNICORN_CMD_ARGS gives operators every other gunicorn setting (timeouts, access
            # log) without a flag of ours for each; it is read last so it can override ours.
            parser = self.cfg.parser()
            env_args = parser.parse_args(self.cfg.get_cmd_args_from_env())
            for key, value in vars(env_args).items():
                if value is not None and key != "args":
                    self.cfg.set(key.lower(), value)

        def load(self) -> WSGIApp:
            return trusted_scheme(app)

    SocialValueServer(prog="socialvalue serve").run()


def check_address_free(host: str, port: int) -> None:
    """One line when the port is taken; gunicorn would retry five times and log each failure."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            click.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.", err=True)
            sys.exit(2)


def _run_waitress(app: WSGIApp, *, host: str, port: int, threads: int) -> None:
    try:
        from waitress import serve as waitress_serve  # noqa: PLC0415 - installed only on Windows
    except ImportError:
        click.echo("Neither gunicorn nor waitress is installed: reinstall socialvalue.", err=True)
        sys.exit(2)
    allowed = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    waitress_serve(
        trusted_scheme(app),
        host=host,
        port=port,
        threads=threads,
        ident="socialvalue",
        # waitress trusts one proxy address (or "*"), so only the first listed is used.
        trusted_proxy=allowed.split(",")[0].strip(),
        trusted_proxy_headers={"x-forwarded-proto"},
        clear_untrusted_proxy_headers=True,
    )
