"""Liveness (/healthz) and readiness (/readyz) for load balancers, with a registry other apps add checks to.

Both are answered by a middleware placed before the security, session, authentication and tenancy
middleware: a probe is never redirected to HTTPS, never refused for its Host header (load balancers
call by address), never asked to sign in, and costs no session or user lookup.

An app whose service must be up for the site to work registers a check in its AppConfig.ready():

    from socialvalue.web import health
    health.register("queue", check_queue)   # a callable that raises when the service is unreachable
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

import structlog
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = structlog.get_logger("socialvalue.health")

LIVENESS_PATHS = frozenset({"/healthz", "/healthz/"})
READINESS_PATHS = frozenset({"/readyz", "/readyz/"})

Check = Callable[[], None]
_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add (or replace) a readiness check; `check()` returns when the service answers, raises if not."""
    _checks[name] = check


def unregister(name: str) -> None:
    _checks.pop(name, None)


def registered() -> list[str]:
    return list(_checks)


def check_database() -> None:
    if connection.vendor == "sqlite":
        # A kept connection reads on from a file whose folder went away: look at the path itself.
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not os.path.exists(name):
            raise FileNotFoundError(f"the SQLite database {name} is missing")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_storage() -> None:
    """Uploaded files can be kept: a writable folder on disk, or a storage service that answers."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = storage.location
        # The first upload creates the folder; creating it here is the same step, done earlier.
        os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK | os.X_OK):
            raise PermissionError(f"cannot write to {location}")
        return
    # A remote storage: one read (no write, no cost per object) shows it is reachable and we may use it.
    storage.exists(f"readyz-probe-{uuid.uuid4().hex}")


def check_cache() -> None:
    key = f"readyz-probe-{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("a value written to the cache could not be read back")
    cache.delete(key)


register("database", check_database)
register("storage", check_storage)
register("cache", check_cache)


def run_checks() -> dict[str, str]:
    """Each registered check's result: "ok", or "error: <kind of error>" (the details go to the log)."""
    results = {}
    for name, check in list(_checks.items()):
        try:
            check()
        except Exception as exc:
            # The body may be public, so it names only the kind of failure; hosts and reasons are logged.
            results[name] = f"error: {type(exc).__name__}"
            log.warning("readiness check failed", check=name, error=f"{type(exc).__name__}: {exc}")
        else:
            results[name] = "ok"
    return results


def _probe_response(body: dict, status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def liveness() -> HttpResponse:
    return _probe_response({"status": "ok"}, 200)


def readiness() -> HttpResponse:
    results = run_checks()
    ready = all(result == "ok" for result in results.values())
    return _probe_response(
        {"status": "ok" if ready else "unavailable", "checks": results}, 200 if ready else 503
    )


class HealthCheckMiddleware:
    """Answers the two probe paths before any other middleware does work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path in LIVENESS_PATHS:
            return liveness()
        if path in READINESS_PATHS:
            return readiness()
        return self.get_response(request)
