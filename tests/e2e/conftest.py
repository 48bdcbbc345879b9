"""Browser tests: Playwright drives Debian's chromium against the live server; axe-core checks every page."""

from __future__ import annotations

import email
import email.message
import email.policy
import os
import socket
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SOCIALVALUE_CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ARTIFACTS = Path(
    os.environ.get(
        "SOCIALVALUE_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"
    )
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class CheckedPage:
    """A page whose every loaded document must pass axe before the test ends."""

    def __init__(self, page):
        self.page = page
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        page.on("load", lambda p: self.loaded.append(p.url))

    def __getattr__(self, name):
        return getattr(self.page, name)

    def check_accessibility(self) -> None:
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE.read_text())
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        assert not violations, f"axe on {page.url}:\n" + "\n".join(violations)
        self.checked.add(page.url)

    def screenshot_as(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    checked = CheckedPage(context.new_page())
    yield checked
    unchecked = [url for url in checked.loaded if url not in checked.checked]
    context.close()
    assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"


@pytest.fixture(autouse=True)
def public_url_is_the_live_server(request, settings):
    """Absolute links are built from SOCIALVALUE_URL: here the site's public address is the live server."""
    if "live_server" in request.fixturenames:
        settings.SOCIALVALUE_URL = request.getfixturevalue("live_server").url


class SmtpSink:
    """What a real SMTP server (aiosmtpd) received, parsed as the recipient's mail reader would."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 OK"

    def text(self, message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_sink(settings):
    """A local SMTP server that every email of the test is sent to, over the network."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


def choose(page, label: str, typed: str, option: str | None = None) -> None:
    """Pick from a long choice the way a person does where JavaScript runs: type some of its
    words into the autocomplete and click the suggestion (`option`, or the typed text)."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label, exact=True)
    box.fill(typed)
    multiple = box.evaluate("input => Boolean(input.closest('.sv-multi-choice'))")
    page.get_by_role("option", name=option or typed).first.click()
    if multiple:
        # A multiple choice adds the option to its list and then draws a fresh, empty box in the
        # next task. Words typed before that would go into the box being replaced and be lost,
        # so wait for the fresh one.
        expect(box).to_have_value("")
