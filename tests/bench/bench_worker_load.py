"""Benchmark: web throughput while a report builds in `socialvalue worker`, against the web alone.

Run: .venv/bin/python tests/bench/bench_worker_load.py
Serves the demo (SQLite, embedded queue) with `socialvalue serve` (2 workers when serve offers
--workers), measures GET /api/v1/me with ApacheBench (10 clients, keep-alive, a fixed time) alone,
then again while `socialvalue worker` builds the council's annual evaluation, one run after another.
Bar: throughput under the build is no more than 15 % lower than alone. Exits 1 if it is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_foundation import ensure_ab, free_port, wait_for  # noqa: E402

BIN = Path(sys.executable).parent
SOCIALVALUE = str(BIN / "socialvalue")
CONCURRENCY = 10
SECONDS = 15
BAR_DROP = 0.15
#: Runs queued for the loaded measurement: enough to keep the worker busy through all of it.
RUNS = 6


def api(base: str, method: str, path: str, token: str = "", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def measure(ab: str, url: str, token: str) -> float:
    out = subprocess.run(
        [ab, "-k", "-t", str(SECONDS), "-n", "10000000", "-c", str(CONCURRENCY)]
        + ["-H", f"Authorization: Bearer {token}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))
    if failed or "Non-2xx responses" in out:
        raise SystemExit(f"ab saw failed or non-2xx responses:\n{out}")
    return float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))


def main() -> int:
    ab = ensure_ab()
    home = tempfile.mkdtemp(prefix="socialvalue-bench-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SOCIALVALUE_QUEUE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SOCIALVALUE_HOME=home,
        SECRET_KEY="bench-" + "k" * 50,
        EMAIL_URL="console://",
        ALLOWED_HOSTS="127.0.0.1",
        SOCIALVALUE_SECURE_SSL_REDIRECT="false",
        SOCIALVALUE_URL=base,
    )
    processes: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [SOCIALVALUE, "demo", "--no-serve"], env=env, check=True, capture_output=True
        )
        serve_help = subprocess.run(
            [SOCIALVALUE, "serve", "--help"], env=env, capture_output=True, text=True
        ).stdout
        workers = ["--workers", "2"] if "--workers" in serve_help else []
        serve = [SOCIALVALUE, "serve", "--host", "127.0.0.1", "--port", str(port), *workers]
        processes.append(
            subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        processes.append(
            subprocess.Popen(
                [SOCIALVALUE, "worker", "--workers", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(f"{base}/sign-in/", timeout=120)
        login = {"email": "commissioner@riverside.example", "password": "demo-password"}
        token = api(base, "POST", "/api/v1/auth/token", body=login)["token"]
        url = f"{base}/api/v1/me"
        subprocess.run(
            [ab, "-q", "-k", "-n", "300", "-c", str(CONCURRENCY)]
            + ["-H", f"Authorization: Bearer {token}", url],
            capture_output=True,
            check=True,
        )
        alone = measure(ab, url, token)

        runs = [
            api(base, "POST", "/api/v1/reports/annual-evaluation/runs", token, {"parameters": {}})
            for _ in range(RUNS)
        ]
        deadline = time.monotonic() + 120
        while (
            api(base, "GET", f"/api/v1/reports/runs/{runs[0]['id']}", token)["status"] != "running"
        ):
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not start the annual evaluation")
            time.sleep(0.2)
        loaded = measure(ab, url, token)
        states = [api(base, "GET", f"/api/v1/reports/runs/{r['id']}", token) for r in runs]
        busy = any(s["status"] in ("queued", "running") for s in states)
        done = sum(s["status"] == "done" for s in states)
        failed = [s["error"] for s in states if s["status"] == "failed"]
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(home, ignore_errors=True)
    if failed:
        raise SystemExit(f"annual evaluations failed: {failed}")
    if not busy:
        raise SystemExit("the worker finished every run before the measurement ended: queue more")
    drop = 1 - loaded / alone
    server = "serve --workers 2" if workers else "serve"
    print(f"{'measure':58} {'figure':>12} {'bar':>10}")
    print(f"{f'GET /api/v1/me, {CONCURRENCY} clients, {server}, alone':58} {alone:>8.0f} req/s")
    print(f"{'  the same while a worker builds the annual evaluation':58} {loaded:>8.0f} req/s")
    print(f"{'  drop':58} {100 * drop:>10.1f} % {f'<= {100 * BAR_DROP:.0f} %':>10}")
    print(f"{'  annual evaluations finished during the measurement':58} {done:>12}")
    ok = drop <= BAR_DROP
    print("bars met" if ok else "BAR MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
