"""Starting and stopping the real processes of a deployment (socialvalue, nginx) for the ops tests."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")
#: Ports for the servers these tests start; SOCIALVALUE_TEST_PORTS moves them ("18100-18199").
_low, _high = (int(p) for p in os.environ.get("SOCIALVALUE_TEST_PORTS", "18100-18199").split("-"))


def free_port() -> int:
    """A port in the tests' range that nothing listens on now."""
    for port in range(_low + secrets.randbelow(_high - _low), _high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_low}-{_high}")


def production_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a production server with its data in `home`, free of the test settings."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SOCIALVALUE_TESTING",
            "SOCIALVALUE_ENV",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "EMAIL_URL",
            "EMAIL_BACKEND",
        }
    }
    return {
        **inherited,
        "SOCIALVALUE_HOME": str(home),
        "SECRET_KEY": secrets.token_urlsafe(50),
        **extra,
    }


def run(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SOCIALVALUE, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args[0]} exited with {process.returncode} before listening"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """SIGINT (gunicorn's and nginx's quick shutdown), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
