"""The task queue: email and the scheduled jobs as tasks, `socialvalue worker` as real processes,
the demo's worker, and reports built across several web and worker processes on PostgreSQL and Redis.
"""

from __future__ import annotations

import json
import os
import signal
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
    return {**{k: v for k, v in os.environ.items() if k not in TEST_ONLY}, **extra}


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
    assert done.stderr.strip().startswith("Cannot reach the task queue (Redis at 127.0.0.1:18299/2)")


def _wait_for_output(process: subprocess.Popen, path: Path, text: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = path.read_text(errors="replace")
        if text in seen:
            return seen
        assert process.poll() is None, f"the process stopped:\n{seen}"
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not seen within {timeout} s:\n{path.read_text()}")


@pytest.mark.slow
def test_embedded_worker_sends_queued_email_and_stops_cleanly_on_sigterm(tmp_path):
    """The default: a SQLite queue file in SOCIALVALUE_HOME shared by the web and the worker."""
    env = clean_env(SOCIALVALUE_HOME=str(tmp_path))
    subprocess.run([SOCIALVALUE, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [SOCIALVALUE, "worker", "--workers", "2"], env=env, stdout=out, stderr=out
        )
    try:
        _wait_for_output(worker, log, "socialvalue worker: 2 process(es)", 60)
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
