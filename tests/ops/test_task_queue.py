"""The task queue: email and the scheduled jobs as tasks, `socialvalue worker` as real processes,
the demo's worker, and reports built across several web and worker processes on PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from socialvalue.web.accounts.models import LoginFailure
from socialvalue.web.tasks import (
    clear_expired_sessions,
    delete_old_login_failures,
    refresh_statistics,
    send_email,
    send_email_later,
)

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")
#: The environment of the test run that must not leak into the processes it starts.
TEST_ONLY = {
    "DJANGO_SETTINGS_MODULE",
    "SOCIALVALUE_TESTING",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SOCIALVALUE_HOME",
    "SOCIALVALUE_QUEUE",
    "SOCIALVALUE_QUEUE_URL",
    "REDIS_URL",
    "SOCIALVALUE_ENV",
}


def clean_env(**extra: str) -> dict[str, str]:
    # The suite keeps every core busy: a worker in the idle scheduling class would hardly run.
    return {
        **{k: v for k, v in os.environ.items() if k not in TEST_ONLY},
        "SOCIALVALUE_WORKER_IDLE": "false",
        **extra,
    }


# -- email and the scheduled jobs, run by the queue's immediate mode -------------------------------


@pytest.mark.django_db
def test_email_sent_later_goes_out_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_email_later(
            "Your report is ready",
            "Open it at http://testserver/reports/1/",
            "lead@example.org",
            html_body="<p>Open it</p>",
        )
        assert mail.outbox == []  # not before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead@example.org"]
    assert message.subject == "Your report is ready"
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_email_asked_for_in_a_rolled_back_transaction_is_never_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_email_later("Invitation", "Join us", ["a@example.org", "b@example.org"])
    assert len(callbacks) == 1 and mail.outbox == []  # dropped with the transaction
    send_email("Invitation", "Join us", ["a@example.org", "b@example.org"])
    assert mail.outbox[0].to == ["a@example.org", "b@example.org"]


@pytest.mark.django_db
def test_the_daily_job_clears_expired_sessions_only():
    live, dead = SessionStore(), SessionStore()
    live["n"] = dead["n"] = 1
    live.create()
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    clear_expired_sessions()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}


@pytest.mark.django_db
def test_the_daily_job_deletes_sign_in_failures_older_than_30_days_only():
    now = timezone.now()
    LoginFailure.objects.create(email="old@example.org", at=now - timedelta(days=31))
    LoginFailure.objects.create(email="new@example.org", at=now - timedelta(days=29))
    delete_old_login_failures()
    delete_old_login_failures()  # a second run (two workers' schedulers) changes nothing more
    assert list(LoginFailure.objects.values_list("email", flat=True)) == ["new@example.org"]


@pytest.mark.django_db
def test_the_daily_job_gives_sqlite_the_statistics_it_plans_by(demo_world):
    from django.db import connection

    from tests.web.evidence.factories import evidence

    evidence(demo_world.alice_org)
    refresh_statistics()
    if connection.vendor != "sqlite":
        return  # PostgreSQL's autovacuum keeps its own; the job does nothing there
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'evidence_evidence'")
        assert cursor.fetchone()[0] > 0


# -- socialvalue worker as a process ---------------------------------------------------------------


def test_worker_refuses_immediate_mode_in_one_line(tmp_path):
    done = subprocess.run(
        [SOCIALVALUE, "worker"],
        env=clean_env(SOCIALVALUE_HOME=str(tmp_path), SOCIALVALUE_QUEUE="immediate"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "immediate" in done.stderr.strip().splitlines()[-1]


def test_worker_says_so_when_redis_cannot_be_reached(tmp_path):
    done = subprocess.run(
        [SOCIALVALUE, "worker"],
        env=clean_env(SOCIALVALUE_HOME=str(tmp_path), REDIS_URL="redis://127.0.0.1:18299/2"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith(
        "Cannot reach the task queue (Redis at 127.0.0.1:18299/2)"
    )


def _wait_for_output(process: subprocess.Popen, path: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = path.read_text(errors="replace")
        if text in seen:
            return seen
        assert process.poll() is None, f"the process stopped:\n{seen}"
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not seen within {timeout} s:\n{path.read_text()}")


def _migrated_worker(
    tmp_path: Path, env: dict[str, str], workers: int
) -> tuple[subprocess.Popen, Path]:
    """`socialvalue worker --workers N` on a freshly migrated home, started and announced."""
    subprocess.run([SOCIALVALUE, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [SOCIALVALUE, "worker", "--workers", str(workers)], env=env, stdout=out, stderr=out
        )
    _wait_for_output(worker, log, f"socialvalue worker: {workers} process(es)", 60)
    return worker, log


@pytest.mark.slow
def test_embedded_worker_sends_queued_email_and_stops_cleanly_on_sigterm(tmp_path):
    """The default: a SQLite queue file in SOCIALVALUE_HOME shared by the web and the worker."""
    env = clean_env(SOCIALVALUE_HOME=str(tmp_path))
    worker, log = _migrated_worker(tmp_path, env, 2)
    try:
        # Another process (as a web request would) queues a message in the SQLite file.
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from socialvalue.web.tasks import send_email; "
                "send_email('Queued hello', 'Sent by the worker.', ['lead@example.org'])",
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "socialvalue.web.settings"},
            check=True,
            timeout=120,
        )
        assert (tmp_path / "queue.sqlite3").exists()
        # The console email backend prints what it sends: the worker sent it.
        _wait_for_output(worker, log, "Subject: Queued hello", 60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert "Traceback" not in log.read_text()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="the idle scheduling class is Linux's")
def test_worker_and_its_processes_yield_the_processor_to_the_web(tmp_path):
    """By default the worker is niced and in the idle class, and so is every process it starts."""
    env = clean_env(SOCIALVALUE_HOME=str(tmp_path), SOCIALVALUE_WORKER_IDLE="true")
    worker, _log = _migrated_worker(tmp_path, env, 1)
    try:
        deadline = time.monotonic() + 30
        while not _children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in [worker.pid, *_children(worker.pid)]:
            assert os.sched_getscheduler(pid) == os.SCHED_IDLE
            assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.nice(0) + 10)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_demo_runs_its_worker_as_a_child_process_and_stops_it(tmp_path):
    port = 18202
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [SOCIALVALUE, "demo", "--port", str(port)],
            env=clean_env(SOCIALVALUE_HOME=str(tmp_path)),
            stdout=out,
            stderr=out,
        )
    try:
        _wait_for_output(demo, log, "socialvalue worker: 1 process(es)", 180)
        workers = [
            pid
            for pid in _children(demo.pid)
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        assert len(workers) == 1
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=10) as page:
            assert page.status == 200
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _alive(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(workers[0]), "the demo's worker outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


# -- several web and worker processes on PostgreSQL and Redis --------------------------------------

#: The heartbeat bound for the processes this test starts: short, so a dead worker shows quickly.
BOUND_S = 6
WEB_PORTS = (18210, 18211)


class Api:
    def __init__(self, base: str, token: str = ""):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, body: dict | None = None) -> dict:
        status, data = self.call(method, path, body)
        assert status < 300, f"{method} {path}: {status} {data[:300]!r}"
        return json.loads(data)


def _postgres_for_processes() -> str:
    """A database of its own for the processes (the test database is inside a transaction)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL=postgres://... (CI's PostgreSQL run)")
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'socialvalue'}_queue_processes"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def _redis_for_processes() -> str:
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is not running: {exc}")
        pytest.skip(f"Redis at {url} is not running")
    for key in client.scan_iter("huey.*socialvalue*"):  # tasks left by an earlier run
        client.delete(key)
    return url


def _wait_until_up(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url} stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer:\n{log.read_text()}")


def _run_row(database_url: str, run_id: int) -> tuple[str, int, str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT status, attempts, worker FROM reports_reportrun WHERE id = %s", (run_id,)
        ).fetchone()


@pytest.mark.slow
def test_reports_run_on_workers_any_web_process_follows_them_and_a_killed_worker_is_recovered(
    tmp_path,
):
    database_url = _postgres_for_processes()
    redis_url = _redis_for_processes()
    env = clean_env(
        SOCIALVALUE_HOME=str(tmp_path / "home"),  # one files folder, as shared storage would be
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY="queue-test-" + "k" * 50,
        EMAIL_URL="console://",
        SOCIALVALUE_URL=f"http://127.0.0.1:{WEB_PORTS[0]}",
        ALLOWED_HOSTS="127.0.0.1",
        SOCIALVALUE_SECURE_SSL_REDIRECT="false",
        SOCIALVALUE_REPORT_HEARTBEAT_TIMEOUT=str(BOUND_S),
    )
    subprocess.run(
        [SOCIALVALUE, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=600
    )
    processes: list[subprocess.Popen] = []
    logs: list[Path] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen([SOCIALVALUE, *args], env=env, stdout=out, stderr=out)
        processes.append(process)
        logs.append(log)
        return process

    try:
        webs = [
            start(f"web-{port}", "serve", "--host", "127.0.0.1", "--port", str(port))
            for port in WEB_PORTS
        ]
        workers = [start(f"worker-{n}", "worker", "--workers", "1") for n in (1, 2)]
        for web, port, log in zip(webs, WEB_PORTS, logs, strict=False):
            _wait_until_up(web, f"http://127.0.0.1:{port}/api/v1/me", log)
        login = {"email": "commissioner@riverside.example", "password": "demo-password"}
        token = Api(f"http://127.0.0.1:{WEB_PORTS[0]}").json("POST", "/api/v1/auth/token", login)
        a = Api(f"http://127.0.0.1:{WEB_PORTS[0]}", token["token"])
        b = Api(f"http://127.0.0.1:{WEB_PORTS[1]}", token["token"])

        # 1. Started on A, followed and downloaded on B.
        run = a.json("POST", "/api/v1/reports/annual-evaluation/runs", {"parameters": {}})
        assert run["status"] == "queued"
        seen = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            state = b.json("GET", f"/api/v1/reports/runs/{run['id']}")
            seen.append((state["status"], state["progress"]))
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.3)
        assert state["status"] == "done", (state["error"], seen)
        assert any(status == "running" and 0 < progress < 1 for status, progress in seen), seen
        pdf = next(d for d in state["downloads"] if d["format"] == "pdf")
        status, data = b.call("GET", pdf["url"])
        assert status == 200 and data.startswith(b"%PDF") and len(data) == pdf["size"]

        # 2. The worker building the next run is killed mid-run.
        run = a.json("POST", "/api/v1/reports/annual-evaluation/runs", {"parameters": {}})
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = b.json("GET", f"/api/v1/reports/runs/{run['id']}")
            if state["status"] == "running" and state["progress"] > 0:
                break
            assert state["status"] != "done", "the run finished before the test could kill it"
            time.sleep(0.1)
        _, attempts, worker = _run_row(database_url, run["id"])
        victim = int(worker.rsplit(":", 1)[1])
        # Only ever a process this test started: a worker process of one of our two workers.
        assert any(victim in _children(w.pid) for w in workers), (victim, worker)
        os.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        assert attempts == 1

        recovered_after = None
        deadline = killed_at + 240
        while time.monotonic() < deadline:
            state = b.json("GET", f"/api/v1/reports/runs/{run['id']}")
            status, attempts, _ = _run_row(database_url, run["id"])
            if recovered_after is None and (attempts > 1 or status != "running"):
                recovered_after = time.monotonic() - killed_at
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.3)
        print(
            f"recovered {recovered_after:.1f} s after the kill; {state['status']}, {attempts} attempts"
        )
        # Never "running" for the dead attempt past the bound (plus a poll and a heartbeat's slack).
        assert recovered_after is not None and recovered_after <= BOUND_S + 4, recovered_after
        if state["status"] == "done":
            assert attempts == 2  # started again once, by a live worker
            status, data = b.call("GET", f"/api/v1/reports/runs/{run['id']}/download/pdf")
            assert status == 200 and data.startswith(b"%PDF")
        else:
            assert state["error"] == "The worker building this report stopped; start it again."
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _drop_database(database_url)
    for log in logs:
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


@pytest.mark.slow
def test_a_report_running_when_the_worker_is_stopped_is_queued_again_and_finished_by_the_next(
    tmp_path,
):
    env = clean_env(SOCIALVALUE_HOME=str(tmp_path))
    subprocess.run(
        [SOCIALVALUE, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=600
    )
    queued = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from socialvalue.web.accounts.models import Organisation\n"
            "from socialvalue.web.reports import registry, services\n"
            "council = Organisation.objects.get(slug='riverside')\n"
            "run = services.start_run(actor=services.operator_actor(council), organisation=council,"
            " report=registry.get('annual-evaluation'), raw={}, wait=False)\n"
            "print(run.pk)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "socialvalue.web.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    run_id = int(queued.stdout.split()[-1])
    database = tmp_path / "socialvalue.sqlite3"

    def row() -> tuple[str, int, str]:
        with sqlite3.connect(database) as conn:
            return conn.execute(
                "SELECT status, attempts, message FROM reports_reportrun WHERE id = ?", (run_id,)
            ).fetchone()

    def worker(name: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        with log.open("w") as out:
            return subprocess.Popen([SOCIALVALUE, "worker"], env=env, stdout=out, stderr=out), log

    first, log = worker("first")
    try:
        deadline = time.monotonic() + 120
        while row()[0] != "running":
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        first.send_signal(signal.SIGINT)  # Ctrl+C: stop now
        assert first.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    # Not left "running": back in the queue, with its attempt given back (a stop is not a death).
    assert row() == ("queued", 0, "The worker stopped; the report will start again.")

    second, log = worker("second")
    try:
        deadline = time.monotonic() + 240
        while row()[0] not in ("done", "failed"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        assert row()[:2] == ("done", 1)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
