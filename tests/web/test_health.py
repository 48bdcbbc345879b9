"""/healthz says the process is up without touching the database; /readyz names each check that fails.

In-process tests of the probes (any database); test_health_served.py takes a real server's
database away and brings it back.
"""

import socket

import pytest

from socialvalue.web import health
from tests.web.served import refusing_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_reports_each_check_when_all_pass(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "cache": "ok"},
    }


@pytest.fixture
def queue_check():
    """A check as another app would register it: a service on a port where nothing listens."""
    nothing_there = refusing_port()

    def check_queue() -> None:
        socket.create_connection(nothing_there.getsockname(), timeout=2).close()

    health.register("queue", check_queue)
    yield
    health.unregister("queue")
    nothing_there.close()


def test_readyz_is_503_naming_a_registered_check_that_fails(client, queue_check):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["queue"] == "error: ConnectionRefusedError"
    assert body["checks"]["database"] == "ok"


def test_readyz_is_503_naming_storage_when_uploads_cannot_be_kept(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = str(blocker / "files")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error: ")
    assert response.json()["checks"]["database"] == "ok"


def test_probes_skip_the_https_redirect_and_the_host_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["socialvalue.example.org"]
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.0.5:8000").status_code == 200
    # Every other page is still redirected and host-checked.
    page = client.get("/sign-in/", HTTP_HOST="socialvalue.example.org")
    assert page.status_code == 301 and page["Location"].startswith("https://")
    assert client.get("/sign-in/", HTTP_HOST="10.0.0.5:8000", secure=True).status_code == 400
