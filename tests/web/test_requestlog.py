"""Every request gets an id (the proxy's, if well formed) and one access-log line; secrets never reach the log.

The in-process tests read lines written through the project's own JSON formatter; the served
tests read a real server's stderr.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from socialvalue.web.monitoring import RedactRequestPath, logging_settings
from tests.factories import PASSWORD, token_for
from tests.web.served import NOT_INHERITED, SOCIALVALUE, ServedSite

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def log_lines():
    """Lines logged during the test, as the JSON formatter writes them, parsed back."""
    config = logging_settings("json", "INFO")["formatters"]["structured"]
    formatter = config.pop("()")(**config)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RedactRequestPath())
    root = logging.getLogger()
    root.addHandler(handler)
    reader = lambda: [json.loads(line) for line in stream.getvalue().splitlines()]  # noqa: E731
    reader.text = stream.getvalue
    yield reader
    root.removeHandler(handler)


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line.get("logger") == "socialvalue.access"]


@pytest.mark.django_db
def test_access_line_names_the_user_and_organisation(client, demo_world, log_lines):
    client.force_login(demo_world.admin)
    response = client.get("/")
    assert response.status_code == 200
    [line] = access_lines(log_lines())
    assert line["event"] == "request" and line["level"] == "info"
    assert line["method"] == "GET" and line["path"] == "/" and line["route"] == "/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] == demo_world.admin.pk
    assert line["organisation_id"] == demo_world.alice_org.pk
    assert line["ip"] == "127.0.0.1"
    assert HEX_ID.match(line["request_id"])
    assert response["X-Request-ID"] == line["request_id"]
    assert line["timestamp"].endswith("Z")


@pytest.mark.django_db
def test_api_access_line_has_the_user_but_never_the_token(client, demo_world, log_lines):
    secret = token_for(demo_world.editor)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    [line] = access_lines(log_lines())
    assert line["user_id"] == demo_world.editor.pk
    assert line["route"] == "/api/v1/me"
    assert secret not in log_lines.text() and "Bearer" not in log_lines.text()


@pytest.mark.django_db
def test_a_well_formed_request_id_from_the_proxy_is_kept(client, log_lines):
    response = client.get("/sign-in/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert response["X-Request-ID"] == "lb-7f3a-0001"
    assert access_lines(log_lines())[0]["request_id"] == "lb-7f3a-0001"


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced(client, log_lines):
    response = client.get("/sign-in/", HTTP_X_REQUEST_ID='x" injected="1')
    assert HEX_ID.match(response["X-Request-ID"])
    assert "injected" not in log_lines.text()


@pytest.mark.django_db
def test_request_ids_are_not_taken_when_the_header_is_not_trusted(client, settings):
    settings.SOCIALVALUE_TRUST_REQUEST_ID = False
    response = client.get("/sign-in/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert HEX_ID.match(response["X-Request-ID"])


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(client, settings, tmp_path, log_lines):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "files")
    response = client.get("/readyz", HTTP_X_REQUEST_ID="probe-42")
    assert response.status_code == 503
    [warning] = [line for line in log_lines() if line["event"] == "readiness check failed"]
    assert warning["request_id"] == "probe-42" and warning["check"] == "storage"
    assert warning["level"] == "warning"


@pytest.mark.django_db
def test_passwords_and_query_strings_are_not_logged(client, demo_world, log_lines):
    client.post(
        "/sign-in/?next=/&token=query-secret", {"email": "x@example.org", "password": PASSWORD}
    )
    [line] = access_lines(log_lines())
    assert line["path"] == "/sign-in/" and line["status"] == 200
    assert PASSWORD not in log_lines.text() and "query-secret" not in log_lines.text()


@pytest.mark.django_db
def test_password_reset_tokens_in_the_path_are_redacted(client, demo_world, log_lines):
    user = demo_world.admin
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    client.get(f"/password-reset/{uid}/{token}/")
    [line] = access_lines(log_lines())
    assert line["path"] == "/password-reset/[redacted]/[redacted]/"
    assert line["route"] == "/password-reset/<uidb64>/<token>/"
    assert token not in log_lines.text() and uid not in log_lines.text()


def test_django_request_errors_name_the_path_redacted(log_lines):
    request = RequestFactory().get("/invitations/invitation-secret-value/")
    request.resolver_match = resolve(request.path)
    logging.getLogger("django.request").error(
        "%s: %s",
        "Internal Server Error",
        request.path,
        extra={"status_code": 500, "request": request},
    )
    [line] = log_lines()
    assert line["event"] == "Internal Server Error: /invitations/[redacted]/"
    assert line["status_code"] == 500 and "invitation-secret-value" not in log_lines.text()


# ---------------------------------------------------------------- a real server's stderr


@pytest.mark.slow
def test_served_requests_log_json_lines_to_stderr(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "SOCIALVALUE_SECURE_SSL_REDIRECT": "false",
    }
    token = "sv_" + "t" * 40
    with ServedSite(tmp_path / "home", env=env) as site:
        page = site.get(
            "/sign-in/?next=/&token=query-secret",
            {"X-Request-ID": "edge-123", "X-Forwarded-Proto": "https"},
        )
        # With the token table gone from under the server, the token lookup fails with a 500.
        site.drop_table("accounts_apitoken")
        failed = site.get(
            "/api/v1/me", {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
        )
    assert page.status == 200 and page.headers["X-Request-ID"] == "edge-123"
    assert failed.status == 500 and HEX_ID.match(failed.headers["X-Request-ID"])
    lines = site.json_lines()
    by_id = {line.get("request_id"): line for line in lines if line.get("event") == "request"}
    sign_in = by_id["edge-123"]
    assert sign_in == {
        "event": "request",
        "logger": "socialvalue.access",
        "level": "info",
        "timestamp": sign_in["timestamp"],
        "request_id": "edge-123",
        "method": "GET",
        "path": "/sign-in/",
        "route": "/sign-in/",
        "status": 200,
        "duration_ms": sign_in["duration_ms"],
        "user_id": None,
        "organisation_id": None,
        "ip": "127.0.0.1",
    }
    assert by_id[failed.headers["X-Request-ID"]]["status"] == 500
    [error] = [line for line in lines if line.get("logger") == "django.request"]
    assert error["level"] == "error" and "no such table" in error["exception"]
    assert error["request_id"] == failed.headers["X-Request-ID"]
    log = site.log()
    assert token not in log and "query-secret" not in log and "Authorization" not in log


def shell_log(code: str, env: dict[str, str], tmp_path) -> str:
    clean = {k: v for k, v in __import__("os").environ.items() if k not in NOT_INHERITED}
    result = subprocess.run(
        [SOCIALVALUE, "manage", "shell", "-c", code],
        env={**clean, "SOCIALVALUE_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


LOG_SOMETHING = "import structlog; structlog.get_logger('demo').info('hello', answer=42)"


@pytest.mark.slow
def test_development_logs_read_as_console_lines(tmp_path):
    out = shell_log(LOG_SOMETHING, {}, tmp_path)
    line = next(line for line in out.splitlines() if "hello" in line)
    assert "answer=42" in line and "[info" in line and not line.startswith("{")


@pytest.mark.slow
def test_production_logs_are_json_and_the_level_is_configurable(tmp_path):
    production = {"SOCIALVALUE_ENV": "production", "SECRET_KEY": "p" * 60}
    out = shell_log(LOG_SOMETHING, production, tmp_path)
    assert json.loads(out.strip().splitlines()[-1])["answer"] == 42
    quiet = shell_log(LOG_SOMETHING, {**production, "SOCIALVALUE_LOG_LEVEL": "warning"}, tmp_path)
    assert "hello" not in quiet


@pytest.mark.slow
def test_a_wrong_log_format_is_one_clear_line(tmp_path):
    clean = {k: v for k, v in __import__("os").environ.items() if k not in NOT_INHERITED}
    result = subprocess.run(
        [SOCIALVALUE, "serve"],
        env={**clean, "SOCIALVALUE_HOME": str(tmp_path), "SECRET_KEY": "p" * 60}
        | {"SOCIALVALUE_LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "SOCIALVALUE_LOG_FORMAT must be one of json, console" in result.stderr
    assert "Traceback" not in result.stderr
