"""The real server in a subprocess (`socialvalue serve`), plain HTTP to it, and a TCP proxy a test can cut.

For tests of what only a running server shows: probes answered with the database gone, log lines on
stderr, errors reported to Sentry, connections the database dropped. Ports are chosen by the
operating system (tests.ports), so parallel test workers and checkouts do not collide.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.ports import free_port  # noqa: F401 (used here and by importers)

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")
SECRET_KEY = "served-test-" + "k" * 50
#: Variables of the test process that must not leak into the server (test mode, the test database).
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "SOCIALVALUE_TESTING",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SOCIALVALUE_HOME",
    "SENTRY_DSN",
    "REDIS_URL",
}


def refusing_port() -> socket.socket:
    """A socket bound to a port but not listening: connections to it are refused, and nothing else
    can take the port while the test holds it. Close it when done."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", free_port()))
    return sock


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage  # names are case-insensitive, as in HTTP
    body: bytes

    def json(self):
        return json.loads(self.body)


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout=15) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.msg, response.read())
    finally:
        conn.close()


@dataclass
class ServedSite:
    """`socialvalue serve` on a free port, its database migrated first (the release step), with its
    stderr kept in a file."""

    home: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None

    def __enter__(self) -> ServedSite:
        self.port = free_port()
        clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env = {
            **clean,
            "SOCIALVALUE_HOME": str(self.home),
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "EMAIL_URL": "console://",
            **self.env,
        }
        self.home.mkdir(parents=True, exist_ok=True)
        released = subprocess.run(
            [SOCIALVALUE, "migrate"], env=env, capture_output=True, text=True, timeout=300
        )
        if released.returncode != 0:
            raise RuntimeError(f"socialvalue migrate failed:\n{released.stderr}")
        self._stderr = open(self.home / "server.log", "wb")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [SOCIALVALUE, "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log()}")
            try:
                if get(self.port, "/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"server did not answer /healthz within 60 s:\n{self.log()}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return get(self.port, path, headers)

    def drop_table(self, table: str) -> None:
        """Break the served SQLite database under the running server: requests using `table` fail."""
        path = self.env["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            db.execute(f"DROP TABLE {table}")

    def log(self) -> str:
        return (self.home / "server.log").read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        lines = []
        for line in self.log().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
        return lines


class CuttableProxy:
    """Forwards TCP connections to an upstream; `cut()` drops them all and refuses new ones until
    `restore()`, as a database failover or a network partition would."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._cut = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._cut.is_set():
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self._cut.set()
        with self._lock:
            for sock in self._open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self._cut.clear()

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._listener.close()
        self._thread.join(timeout=5)
