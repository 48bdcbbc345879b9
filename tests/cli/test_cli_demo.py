"""`socialvalue demo` prepares an idempotent demo; `serve` refuses to start unsafely; deploy checks pass."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SOCIALVALUE = str(Path(sys.executable).parent / "socialvalue")
pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SOCIALVALUE_TESTING",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [SOCIALVALUE, *args], env={**clean, **env}, capture_output=True, text=True, timeout=300
    )


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("accounts_user", "accounts_organisation", "accounts_membership")
        )


def test_demo_is_idempotent_and_prints_the_logins(tmp_path):
    env = {"SOCIALVALUE_HOME": str(tmp_path)}
    first = run("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    for email in [
        "commissioner@riverside.example",
        "champion@riverside.example",
        "lead@brightwater.example",
        "lead@oakways.example",
        "lead@meridian.example",
    ]:
        assert email in first.stdout
    assert "password: demo-password" in first.stdout and "DEMO" in first.stdout
    before = counts(tmp_path / "socialvalue.sqlite3")
    second = run("demo", "--no-serve", env=env)
    assert second.returncode == 0, second.stderr
    assert counts(tmp_path / "socialvalue.sqlite3") == before


def test_demo_password_comes_from_the_environment(tmp_path):
    result = run(
        "demo",
        "--no-serve",
        env={"SOCIALVALUE_HOME": str(tmp_path), "SOCIALVALUE_DEMO_PASSWORD": "another-secret-pw"},
    )
    assert "password: another-secret-pw" in result.stdout


def test_serve_refuses_to_start_without_secret_key(tmp_path):
    result = run("serve", env={"SOCIALVALUE_HOME": str(tmp_path), "SECRET_KEY": ""})
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "SOCIALVALUE_HOME": str(tmp_path),
        "SOCIALVALUE_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-" + "q" * 20,
        "ALLOWED_HOSTS": "socialvalue.example.org",
    }
    result = run("manage", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
