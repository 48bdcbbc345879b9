"""EMAIL_URL gives Django's email settings, and each SMTP flavour really delivers through them."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from socialvalue.web.email_url import email_settings
from tests.ops.processes import free_port


def test_smtp_url_with_credentials_and_port():
    settings = email_settings("smtp://mailer:p%40ss%3Aword@mail.example.org:2525")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["EMAIL_HOST"] == "mail.example.org"
    assert settings["EMAIL_PORT"] == 2525
    assert settings["EMAIL_HOST_USER"] == "mailer"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss:word"
    assert not settings["EMAIL_USE_TLS"] and not settings["EMAIL_USE_SSL"]


@pytest.mark.parametrize(
    "url, port, starttls, implicit_tls",
    [
        ("smtp://mail.example.org", 25, False, False),
        ("smtp+tls://mail.example.org", 587, True, False),
        ("smtps://mail.example.org", 465, False, True),
    ],
)
def test_each_scheme_chooses_its_tls_and_default_port(url, port, starttls, implicit_tls):
    settings = email_settings(url)
    assert settings["EMAIL_PORT"] == port
    assert settings["EMAIL_USE_TLS"] is starttls
    assert settings["EMAIL_USE_SSL"] is implicit_tls


def test_console_url_prints_emails():
    assert email_settings("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"
    }


@pytest.mark.parametrize(
    "url, says",
    [
        ("imap://mail.example.org", "unknown scheme 'imap'"),
        ("mail.example.org", "unknown scheme '(none)'"),
        ("smtp://mail.example.org:twenty", "not a number"),
        ("smtp+tls://", "names no host"),
    ],
)
def test_a_wrong_url_is_one_clear_line(url, says):
    with pytest.raises(ImproperlyConfigured, match=says.replace("(", r"\(").replace(")", r"\)")):
        email_settings(url)


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.original_content)
        return "250 OK"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed (`make test-system-deps` installs it)")
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize("scheme", ["smtp+tls", "smtps"])
def test_tls_schemes_deliver_over_tls(scheme, certificate, monkeypatch):
    """A real SMTP server that insists on STARTTLS, or speaks only TLS, gets the message."""
    from aiosmtpd.controller import Controller

    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    sink, port = Sink(), free_port()
    if scheme == "smtps":
        controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=server_tls)
    else:
        controller = Controller(
            sink, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True
        )
    # Django verifies the server's certificate against the default store: trust ours for the test.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    controller.start()
    try:
        settings = email_settings(f"{scheme}://127.0.0.1:{port}")
        connection = mail.get_connection(
            settings["EMAIL_BACKEND"],
            host=settings["EMAIL_HOST"],
            port=settings["EMAIL_PORT"],
            use_tls=settings["EMAIL_USE_TLS"],
            use_ssl=settings["EMAIL_USE_SSL"],
            timeout=settings["EMAIL_TIMEOUT"],
            fail_silently=False,
        )
        sent = mail.EmailMessage(
            "Over TLS", "body", "from@example.org", ["to@example.org"], connection=connection
        ).send()
        deadline = time.monotonic() + 10
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        controller.stop()
    assert sent == 1
    assert len(sink.received) == 1 and b"Subject: Over TLS" in sink.received[0]
