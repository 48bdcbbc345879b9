"""A request id on every log line and response, and one access-log line per request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

import sentry_sdk
import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from socialvalue.web.health import LIVENESS_PATHS, READINESS_PATHS
from socialvalue.web.monitoring import loggable_path

access_log = structlog.get_logger("socialvalue.access")

REQUEST_ID_HEADER = "X-Request-ID"
#: What an id from the proxy may look like; anything else (a log-injection attempt, a page of
#: text) is replaced by one of our own.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_PROBES = LIVENESS_PATHS | READINESS_PATHS


def request_id_for(request: HttpRequest) -> str:
    if getattr(settings, "SOCIALVALUE_TRUST_REQUEST_ID", True):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        if _VALID_REQUEST_ID.match(given):
            return given
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    # A user nobody looked at (static files, anonymous API calls) is not fetched just to be logged.
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestLogMiddleware:
    """First in the chain: binds the request id for every line logged while the request runs,
    returns it in the X-Request-ID header, and logs method, path, status, duration and who asked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_for(request)
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        sentry_sdk.set_tag("request_id", request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            organisation = getattr(request, "organisation", None)
            match = getattr(request, "resolver_match", None)
            # Load balancers probe every few seconds: those lines only at DEBUG unless they fail.
            quiet = request.path_info in _PROBES and response.status_code < 500
            access_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "request",
                method=request.method,
                path=loggable_path(request),
                route=("/" + match.route) if match is not None else None,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                user_id=_user_id(request),
                organisation_id=getattr(organisation, "pk", None),
                ip=request.META.get("REMOTE_ADDR") or None,
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()
