"""`socialvalue migrate` is the release step: safe when two run at once; `serve` waits for it."""

from __future__ import annotations

import os
import re
import socket
import subprocess

import dj_database_url
import psycopg
import pytest

from tests.ops.processes import SOCIALVALUE, production_env, run

pytestmark = pytest.mark.slow


def migrate_twice_at_once(env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    runners = [
        subprocess.Popen(
            [SOCIALVALUE, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    results = []
    for runner in runners:
        out, err = runner.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(runner.args, runner.returncode, out, err))
    return results


def assert_both_migrated(results: list[subprocess.CompletedProcess]) -> None:
    for result in results:
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert "Database up to date" in result.stdout
    applied = sorted(int(re.search(r"\((\d+) migration", r.stdout).group(1)) for r in results)
    # One runner applied everything while the other waited for the lock, then found nothing left.
    assert applied[0] == 0 and applied[1] > 0


@pytest.fixture
def empty_postgres():
    """A PostgreSQL database dropped and created afresh, beside the one DATABASE_URL names.

    A name of its own (…_migrate_race) rather than DATABASE_URL's own, so the test never drops a
    database someone pointed it at.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL does not name a PostgreSQL database")
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_migrate_race"
    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_serve_with_pending_migrations_exits_with_one_line_naming_migrate(tmp_path):
    env = production_env(tmp_path, EMAIL_URL="console://")
    result = run("serve", "--port", "18199", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "pending" in result.stderr and "socialvalue migrate" in result.stderr
    assert result.stdout == ""  # it never got as far as serving


def test_two_migrates_at_once_on_empty_postgresql_both_succeed(tmp_path, empty_postgres):
    env = production_env(tmp_path, DATABASE_URL=empty_postgres, EMAIL_URL="console://")
    pending = run("serve", "--port", "18199", env=env)
    assert pending.returncode == 2 and "socialvalue migrate" in pending.stderr
    assert_both_migrated(migrate_twice_at_once(env))
    # migrate --check exits non-zero while anything is still unapplied.
    check = run("manage", "migrate", "--check", env=env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_two_migrates_at_once_on_sqlite_both_succeed(tmp_path):
    env = production_env(tmp_path)
    assert_both_migrated(migrate_twice_at_once(env))
    # Migrated, serve gets as far as listening: a port already taken is one line too.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run(
            "serve", "--host", "127.0.0.1", "--port", str(port),
            env={**env, "EMAIL_URL": "console://", "SOCIALVALUE_URL": "https://sv.example.org"},
        )  # fmt: skip
    assert busy.returncode == 2
    assert busy.stderr.strip() == f"Cannot listen on 127.0.0.1:{port}: Address already in use."


def test_migrate_on_an_unreachable_database_is_one_line(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = run("migrate", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("Cannot use the database:")
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_serve_refuses_console_email_unless_asked_for(tmp_path):
    env = production_env(tmp_path)
    refused = run("serve", env=env)
    assert refused.returncode == 2
    assert refused.stderr.startswith("EMAIL_URL is not set")
    assert refused.stderr.strip().count("\n") == 0
    # Asked for explicitly, the console is accepted: serve goes on to its next check.
    asked = run("serve", env={**env, "EMAIL_URL": "console://"})
    assert "EMAIL_URL" not in asked.stderr and "pending" in asked.stderr
