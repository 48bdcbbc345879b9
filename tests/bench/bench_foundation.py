"""Benchmark the foundation's bars: the demo's first answer on an empty home, and GET /api/v1/me under load.

Bars: `socialvalue demo` answers its first request within 30 s; the API answers GET /api/v1/me at
200+ requests/s with 10 concurrent clients on loopback (ApacheBench, keep-alive). Prints the
figures and exits 1 when a bar is missed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
REQUESTS = 4000
CONCURRENCY = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.1)
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


def main() -> int:
    ab = ensure_ab()
    home = tempfile.mkdtemp(prefix="socialvalue-bench-")
    port = free_port()
    env = {**os.environ, "SOCIALVALUE_HOME": home}
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "socialvalue"), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/sign-in/", timeout=60)
        first_answer = time.perf_counter() - start
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/token",
            data=json.dumps(
                {"email": "lead@brightwater.example", "password": "demo-password"}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(request))["token"]
        url = f"http://127.0.0.1:{port}/api/v1/me"
        auth = ["-H", f"Authorization: Bearer {token}"]
        subprocess.run(
            [ab, "-q", "-k", "-n", "200", "-c", str(CONCURRENCY), *auth, url],
            capture_output=True,
            check=True,
        )
        out = subprocess.run(
            [ab, "-k", "-n", str(REQUESTS), "-c", str(CONCURRENCY), *auth, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(home, ignore_errors=True)
    rate = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    p50 = int(re.search(r"^\s+50%\s+(\d+)", out, re.M).group(1))
    p95 = int(re.search(r"^\s+95%\s+(\d+)", out, re.M).group(1))
    print(f"{'measure':44} {'figure':>12} {'bar':>10}")
    print(f"{'demo: first answer on an empty home':44} {first_answer:>10.1f} s {'< 30 s':>10}")
    print(f"{'GET /api/v1/me, 10 clients (ab -k)':44} {rate:>8.0f} req/s {'>= 200':>10}")
    print(f"{'  latency p50 / p95':44} {f'{p50} / {p95} ms':>12}")
    print(
        f"{'  failed or non-2xx responses':44} {failed + int(non_2xx.group(1) if non_2xx else 0):>12}"
    )
    ok = first_answer < 30 and rate >= 200 and failed == 0 and non_2xx is None
    print("bars met" if ok else "BAR MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
