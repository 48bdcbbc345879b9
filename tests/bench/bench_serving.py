"""Benchmark `socialvalue serve`: GET /api/v1/me throughput with 1 gunicorn worker and with 2.

Bar: with 10 concurrent clients (ApacheBench, keep-alive, the proxy's X-Forwarded-Proto), two
workers answer at least 1.5x the requests per second of one, i.e. the workers really run in
parallel. Both servers run in the same run on the same database (PostgreSQL when DATABASE_URL is
set, else SQLite) and are measured in alternating rounds, the best round of each counted, so
other load on the machine affects both alike. Prints the figures and exits 1 when the bar is missed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
REQUESTS = 2000
CONCURRENCY = 10
ROUNDS = 3
BAR = 1.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    start = time.perf_counter()
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.perf_counter() - start < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} within {timeout} s")


def ensure_ab() -> str:
    ab = shutil.which("ab")
    if ab is None:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "apache2-utils"],
            check=True,
            capture_output=True,
        )
        ab = shutil.which("ab")
    return ab


def socialvalue(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(BIN / "socialvalue"), *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"socialvalue {args[0]} failed: {result.stderr.strip()[-500:]}")
    return result.stdout


def measure(ab: str, url: str, token: str) -> tuple[float, int]:
    """Requests per second, and failed or non-2xx responses, of one ab round."""
    headers = ["-H", f"Authorization: Bearer {token}", "-H", "X-Forwarded-Proto: https"]
    out = subprocess.run(
        [ab, "-k", "-n", str(REQUESTS), "-c", str(CONCURRENCY), *headers, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    return rate, failed + (int(non_2xx.group(1)) if non_2xx else 0)


def main() -> int:
    ab = ensure_ab()
    home = tempfile.mkdtemp(prefix="socialvalue-bench-serving-")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SOCIALVALUE_TESTING", "SOCIALVALUE_ENV"}
    }
    env.update(
        SOCIALVALUE_HOME=home,
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_URL="console://",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    socialvalue("migrate", env=env)
    token = socialvalue(
        "manage",
        "shell",
        "-c",
        "from socialvalue.web.accounts.models import User; "
        "from socialvalue.web.accounts.services import issue_token; "
        "user, _ = User.objects.get_or_create(email='bench-serving@example.org'); "
        "print(issue_token(user=user, name='bench')[1])",
        env=env,
    ).split()[-1]  # the shell may print a line of its own before ours
    servers: dict[int, tuple[subprocess.Popen, str]] = {}
    best: dict[int, float] = {1: 0.0, 2: 0.0}
    errors = 0
    try:
        for workers in (1, 2):
            port = free_port()
            process = subprocess.Popen(
                [str(BIN / "socialvalue"), "serve", "--workers", str(workers),
                 "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            servers[workers] = (process, f"http://127.0.0.1:{port}/api/v1/me")
        for process, url in servers.values():
            wait_for(f"{url.rsplit('/api/', 1)[0]}/sign-in/", process, timeout=120)
            measure(ab, url, token)  # warm every worker's connections and caches
        for _ in range(ROUNDS):
            for workers, (_process, url) in servers.items():
                rate, failed = measure(ab, url, token)
                best[workers] = max(best[workers], rate)
                errors += failed
    finally:
        for process, _url in servers.values():
            process.send_signal(signal.SIGINT)
        for process, _url in servers.values():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(home, ignore_errors=True)
    ratio = best[2] / best[1]
    label = f"GET /api/v1/me, {CONCURRENCY} clients, {database}"
    print(f"{'measure':52} {'figure':>12} {'bar':>8}")
    print(f"{label + ', 1 worker':52} {best[1]:>6.0f} req/s")
    print(f"{label + ', 2 workers':52} {best[2]:>6.0f} req/s")
    print(f"{'  2 workers / 1 worker':52} {ratio:>10.2f} x {f'>= {BAR}':>8}")
    print(f"{'  failed or non-2xx responses':52} {errors:>12}")
    ok = ratio >= BAR and errors == 0
    print("bars met" if ok else "BAR MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
