"""REDIS_URL makes the cache one store shared by every process; without it each process keeps its own,
and /readyz names the cache when Redis cannot be reached."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import uuid
from urllib.parse import urlsplit

import pytest

from tests.web.served import NOT_INHERITED, SOCIALVALUE, ServedSite, refusing_port

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("SOCIALVALUE_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def redis_is_up() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


def shell(code: str, env: dict[str, str], tmp_path) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    result = subprocess.run(
        [SOCIALVALUE, "manage", "shell", "-c", code],
        env={**clean, "SOCIALVALUE_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_without_redis_each_process_keeps_its_own_cache(tmp_path):
    code = (
        "from django.conf import settings; from django.core.cache import cache; "
        "print(settings.CACHES['default']['BACKEND']); cache.set('k', 'v'); "
    )
    backend = shell(code, {}, tmp_path)
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.skipif(not redis_is_up(), reason=f"no Redis at {REDIS_URL}")
def test_with_redis_url_two_processes_share_the_cache(tmp_path):
    key, value = f"shared-{uuid.uuid4().hex}", uuid.uuid4().hex
    env = {"REDIS_URL": REDIS_URL}
    writer = (
        "from django.conf import settings; from django.core.cache import cache; "
        f"cache.set({key!r}, {value!r}, 60); print(settings.CACHES['default']['BACKEND'])"
    )
    assert shell(writer, env, tmp_path) == "django.core.cache.backends.redis.RedisCache"
    reader = (
        "import json; from django.core.cache import cache; "
        f"print(json.dumps(cache.get({key!r}))); cache.delete({key!r})"
    )
    assert json.loads(shell(reader, env, tmp_path)) == value


def test_readyz_names_the_cache_when_redis_is_unreachable(tmp_path):
    nothing_there = refusing_port()
    env = {
        "REDIS_URL": f"redis://127.0.0.1:{nothing_there.getsockname()[1]}/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    try:
        with ServedSite(tmp_path / "home", env=env) as site:
            answer = site.get("/readyz")
    finally:
        nothing_there.close()
    assert answer.status == 503
    checks = answer.json()["checks"]
    assert checks["cache"] == "error: ConnectionError"
    assert checks["database"] == "ok"
