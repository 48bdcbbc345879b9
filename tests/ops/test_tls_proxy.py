"""socialvalue serve behind Debian's nginx ending TLS: sign-in, HSTS, no redirect loop, emailed links.

Everything is real: nginx with a self-signed certificate runs docs/operations/nginx-socialvalue.conf,
gunicorn runs `socialvalue serve --workers 2` on SQLite, and password-reset mail goes over SMTP to
an aiosmtpd sink.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.ops.processes import SOCIALVALUE, free_port, production_env, run, stop, wait_for_port

pytestmark = pytest.mark.slow

SITE_CONF = Path(__file__).resolve().parents[2] / "docs" / "operations" / "nginx-socialvalue.conf"
EMAIL = "ops@example.org"
PASSWORD = "a-long-proxy-test-password"


def require(program: str, package: str) -> str:
    """The program's path; a skip where it is missing locally, a failure in CI (where it must be)."""
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found:
        return found
    message = f"{program} is not installed (`make test-system-deps` installs {package})"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class MailSink:
    """Keeps every message an SMTP client hands over."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"

    def wait_for_message(self, timeout: float = 60) -> email.message.Message:
        deadline = time.monotonic() + timeout
        while not self.messages:
            if time.monotonic() > deadline:
                raise AssertionError(f"no email reached the SMTP sink within {timeout} s")
            time.sleep(0.2)
        return self.messages[-1]


@dataclass
class Deployment:
    url: str  # SOCIALVALUE_URL, where nginx listens with TLS
    http_url: str  # nginx's plain http listener
    app_port: int  # gunicorn, behind nginx
    ca: ssl.SSLContext
    mail: MailSink
    nginx_conf: str

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=self.ca, timeout=60, **kwargs)


def site_conf(*, https_port: int, http_port: int, app_port: int, cert: Path, key: Path) -> str:
    """The documented site, with only its ports, name and certificate paths changed."""
    conf = SITE_CONF.read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("server_name socialvalue.example.org;", "server_name 127.0.0.1;"),
        ("/etc/letsencrypt/live/socialvalue.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/socialvalue.example.org/privkey.pem", str(key)),
    ]:
        assert old in conf, f"{SITE_CONF.name} no longer has {old!r}: update this test with it"
        conf = conf.replace(old, new)
    return conf


def nginx_conf(tmp: Path, site: str) -> str:
    """A whole nginx configuration of its own: no daemon, every path under `tmp`."""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root nginx's workers would drop to nobody, who cannot enter pytest's private tmp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\nevents {{ worker_connections 128; }}\n"
        f"http {{\n    access_log {tmp / 'access.log'};\n{temp_paths}\n{site}\n}}\n"
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    nginx = require("nginx", "nginx")
    openssl = require("openssl", "openssl")
    from aiosmtpd.controller import Controller

    tmp = tmp_path_factory.mktemp("tls-proxy")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    https_port, http_port, app_port, smtp_port = (free_port() for _ in range(4))
    url = f"https://127.0.0.1:{https_port}"

    mail = MailSink()
    smtp = Controller(mail, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = production_env(
        tmp / "home",
        SOCIALVALUE_URL=url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DEFAULT_FROM_EMAIL="socialvalue@example.org",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    migrated = run("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    created = run(
        "manage", "shell", "-c",
        "from socialvalue.web.accounts.models import User; "
        f"User.objects.create_user({EMAIL!r}, {PASSWORD!r}, full_name='Ops Tester')",
        env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr

    app_log = (tmp / "serve.log").open("w")
    app = subprocess.Popen(
        [SOCIALVALUE, "serve", "--workers", "2", "--threads", "2",
         "--host", "127.0.0.1", "--port", str(app_port)],
        env=env, stdout=app_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    conf = nginx_conf(
        tmp,
        site_conf(
            https_port=https_port, http_port=http_port, app_port=app_port, cert=cert, key=key
        ),
    )
    (tmp / "nginx.conf").write_text(conf)
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(https_port, proxy)
        wait_for_port(app_port, app)
        yield Deployment(
            url=url,
            http_url=f"http://127.0.0.1:{http_port}",
            app_port=app_port,
            ca=ssl.create_default_context(cafile=str(cert)),
            mail=mail,
            nginx_conf=conf,
        )
    finally:
        stop(proxy)
        stop(app)
        smtp.stop()
        app_log.close()
        print((tmp / "serve.log").read_text()[-3000:])


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def browser_post(client: httpx.Client, path: str, data: dict, url: str) -> httpx.Response:
    """POST a form the way a browser does: the page's CSRF token, Origin and Referer."""
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return client.post(
        path,
        data={"csrfmiddlewaretoken": csrf_token(page.text), **data},
        headers={"Origin": url, "Referer": f"{url}{path}"},
    )


def test_sign_in_through_https_lands_on_the_home_page_signed_in(deployment):
    with deployment.client(follow_redirects=True) as client:
        response = browser_post(
            client, "/sign-in/", {"email": EMAIL, "password": PASSWORD}, deployment.url
        )
        assert response.status_code == 200, response.text[:500]
        assert response.url == f"{deployment.url}/"
        assert "Sign out" in response.text
        assert all(r.status_code == 302 for r in response.history)
        # The session cookie is marked Secure: the application knows the browser used https.
        assert any(
            "secure" in c.lower() for c in response.history[0].headers.get_list("set-cookie")
        )


def test_https_answers_carry_hsts_and_do_not_loop(deployment):
    with deployment.client(follow_redirects=True, max_redirects=5) as client:
        home = client.get("/")
        private = client.get("/organisation/")
    assert home.status_code == 200 and home.history == []
    assert "max-age=31536000" in home.headers["strict-transport-security"]
    # A page that needs signing in redirects once, to the https sign-in page, and stops there.
    assert private.status_code == 200
    assert private.url.path == "/sign-in/"
    assert [r.status_code for r in private.history] == [302]
    assert "strict-transport-security" in private.headers


def test_plain_http_is_sent_to_https(deployment):
    response = httpx.get(f"{deployment.http_url}/sign-in/", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"].startswith("https://127.0.0.1")


def test_forwarded_proto_is_believed_only_from_forwarded_allow_ips(deployment):
    """A client reaching gunicorn from an address not in FORWARDED_ALLOW_IPS cannot claim https."""
    app = f"http://127.0.0.1:{deployment.app_port}/sign-in/"
    spoof = {"X-Forwarded-Proto": "https"}
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as outsider:
        response = outsider.get(app, headers=spoof)
    assert response.status_code == 301
    assert response.headers["location"].startswith("https://")
    assert "strict-transport-security" not in response.headers
    with httpx.Client() as proxy:  # 127.0.0.1 is the proxy's address, trusted
        trusted = proxy.get(app, headers=spoof)
    assert trusted.status_code == 200
    assert "strict-transport-security" in trusted.headers


def test_password_reset_email_links_to_the_public_url(deployment):
    before = len(deployment.mail.messages)
    with deployment.client(follow_redirects=True) as client:
        response = browser_post(client, "/password-reset/", {"email": EMAIL}, deployment.url)
        assert response.status_code == 200
        assert response.url.path == "/password-reset/sent/"
        message = deployment.mail.wait_for_message()
        assert len(deployment.mail.messages) == before + 1
        assert message["To"] == EMAIL
        assert message["From"] == "socialvalue@example.org"
        body = message.get_payload(decode=True).decode()
        link = re.search(r"https?://\S+/password-reset/\S+/", body).group(0)
        assert link.startswith(f"{deployment.url}/password-reset/")
        # The link works: it opens the form for a new password, over https.
        opened = client.get(link)
        assert opened.status_code == 200
        assert "new_password1" in opened.text
