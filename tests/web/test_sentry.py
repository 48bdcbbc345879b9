"""Sentry only when SENTRY_DSN is set; then a server error reaches it, tagged with the request id, with
no token, cookie or client address in it. The "Sentry" here is a local HTTP sink."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.web.served import NOT_INHERITED, SOCIALVALUE, ServedSite, free_port

pytestmark = pytest.mark.slow


class Sink:
    """An HTTP server that keeps every envelope posted to it."""

    def __init__(self):
        self.bodies: list[bytes] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "br":  # sentry-sdk prefers brotli when the module is installed
                    import brotli

                    body = brotli.decompress(body)
                sink.bodies.append(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.dsn = f"http://publickey@127.0.0.1:{self.server.server_address[1]}/1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict]:
        found = []
        for body in self.bodies:
            lines = body.split(b"\n")
            for header, payload in zip(lines[1::2], lines[2::2], strict=False):
                if json.loads(header).get("type") == "event":
                    found.append(json.loads(payload))
        return found

    def wait_for_event(self, seconds: float = 20) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if events := self.events():
                return events[0]
            time.sleep(0.2)
        raise AssertionError("no event reached the sink")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sink():
    sink = Sink()
    yield sink
    sink.close()


def test_a_server_error_is_reported_without_secrets(tmp_path, sink):
    token = "sv_" + "s" * 40
    env = {
        "SENTRY_DSN": sink.dsn,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'socialvalue.sqlite3'}",
        "SOCIALVALUE_SECURE_SSL_REDIRECT": "false",
    }
    with ServedSite(tmp_path / "home", env=env) as site:
        # With the token table gone from under the server, the token lookup fails: a real 500.
        site.drop_table("accounts_apitoken")
        answer = site.get("/api/v1/me?password=in-the-query", {"Authorization": f"Bearer {token}"})
        assert answer.status == 500
        event = sink.wait_for_event()
    [exception] = event["exception"]["values"][-1:]
    assert exception["type"] == "OperationalError"
    assert event["tags"]["request_id"] == answer.headers["X-Request-ID"]
    assert event["environment"] == "production" and event["release"].startswith("socialvalue@")
    assert "authorization" not in {name.lower() for name in event["request"].get("headers", {})}
    assert "query_string" not in event["request"]
    raw = b"".join(sink.bodies)
    assert token.encode() not in raw and b"in-the-query" not in raw
    assert b"127.0.0.1" not in json.dumps(event.get("user", {})).encode()


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


CLIENT = (
    "import json, sentry_sdk; c = sentry_sdk.get_client(); "
    "print(json.dumps([c.is_active(), c.options.get('send_default_pii'), c.options.get('dsn')]))"
)


def test_sentry_is_not_started_without_a_dsn(tmp_path):
    active, _, dsn = json.loads(shell(CLIENT, {}, tmp_path))
    assert active is False and dsn is None


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data(tmp_path):
    dsn = "http://publickey@127.0.0.1:9/1"
    active, pii, configured = json.loads(shell(CLIENT, {"SENTRY_DSN": dsn}, tmp_path))
    assert active is True and pii is False and configured == dsn
