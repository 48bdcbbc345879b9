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

from tests.ports import free_port  # noqa: F401 (used here and by importers)

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")


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
