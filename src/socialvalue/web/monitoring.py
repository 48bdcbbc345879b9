"""Logs and error reports: JSON lines (or a readable console) through structlog, and Sentry when asked for.

Imported by the settings module, so it must not import anything that needs Django set up.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import sentry_sdk
import structlog
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration

LOG_FORMATS = ("json", "console")

#: Event keys whose values are never written out, whoever logs them.
_SECRET_KEY = re.compile(r"pass(word|wd)?|token|secret|authori[sz]ation|cookie|api[_-]?key", re.I)
#: URL parameters that carry a secret (password-reset uid and token, invitation secret).
_SECRET_URL_KWARG = re.compile(r"token|secret|uid", re.I)
REDACTED = "[redacted]"


def _redact_secrets(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in event_dict:
        if key != "event" and _SECRET_KEY.search(key):
            event_dict[key] = REDACTED
    return event_dict


_LEADING_KEYS = ("timestamp", "level", "logger", "event", "request_id")


def _essentials_first(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """When, how bad, where and what come first on every JSON line, whoever logged it."""
    lead = {key: event_dict.pop(key) for key in _LEADING_KEYS if key in event_dict}
    return {**lead, **event_dict}


def loggable_path(request: Any) -> str:
    """The request's path with secret URL parameters replaced; never its query string."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if _SECRET_URL_KWARG.search(name) and isinstance(value, str) and value:
                path = path.replace(value, REDACTED)
    return path


class RedactRequestPath(logging.Filter):
    """Django's own request errors name the path ("Internal Server Error: /..."): redact it likewise."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple):
            raw = getattr(request, "path", "")
            # Django logs the path escaped (unicode_escape), so match either spelling.
            spellings = {raw, raw.encode("unicode_escape").decode("ascii")}
            record.args = tuple(
                loggable_path(request) if isinstance(arg, str) and arg in spellings else arg
                for arg in record.args
            )
        return True


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        _redact_secrets,
    ]


def logging_settings(log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING for the chosen format and level; also points structlog at the same handler."""
    log_format = log_format.strip().lower()
    level = level.strip().upper()
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"SOCIALVALUE_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}."
        )
    if not isinstance(logging.getLevelName(level), int):
        raise ImproperlyConfigured(
            f"SOCIALVALUE_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}."
        )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if log_format == "json":
        renderer: list[Any] = [
            structlog.processors.format_exc_info,
            _essentials_first,
            structlog.processors.JSONRenderer(),
        ]
    else:
        renderer = [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *renderer,
                ],
                # Lines from Django and libraries get the same fields; of their extras only the
                # status code, as Django's carry the request object whose repr holds the query string.
                "foreign_pre_chain": [
                    *_shared_processors(),
                    structlog.stdlib.ExtraAdder(allow=["status_code"]),
                ],
            }
        },
        "filters": {"redact_request_path": {"()": RedactRequestPath}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["redact_request_path"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Every request has its access line; Django's own 4xx warnings would only repeat it.
            "django.request": {"level": "ERROR"},
            # Font subsetting and plotting narrate every PDF and chart at INFO: only their problems.
            **{
                name: {"level": "WARNING"}
                for name in ("fontTools", "matplotlib", "PIL", "weasyprint.progress")
            },
        },
    }


def _scrub_event(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry sees the route pattern, not secrets in the URL, and no query string."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("query_string", None)
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            # Sentry masks these already; not sending them at all leaves nothing to unmask.
            for name in [n for n in headers if n.lower() in _SECRET_HEADERS]:
                del headers[name]
        route = event.get("transaction") or ""
        url = request.get("url")
        if url and re.search(r"<[^>]*(token|secret|uid)[^>]*>", route):
            origin = re.match(r"^[a-z]+://[^/]+", url)
            request["url"] = (origin.group(0) if origin else "") + route
    return event


_SECRET_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def init_sentry(
    dsn: str, *, environment: str, release: str, traces_sample_rate: float = 0.0
) -> None:
    """Send unhandled errors to Sentry; no personal data (no cookies, user details or bodies' secrets)."""
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        # Frame variables would carry what the scrubber cannot recognise by name: a bearer token
        # split into `parts`, a request's repr with its query string, a password under another name.
        include_local_variables=False,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        before_send=_scrub_event,
    )
