"""Every email the product sends: a plain-text and an HTML part from two templates, through Django's email API.

Templates live at `<app>/templates/<name>.txt` and `<name>.html`; the first line of the text template
is the subject. Links in them are absolute, built from SOCIALVALUE_URL (see `links`). Messages are
rendered in the request and sent by a worker once the transaction commits (`tasks`), so a slow
mail server never holds up a page; with the queue in immediate mode they go at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .links import absolute_url
from .tasks import send_email as send_now
from .tasks import send_email_later


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject, text body and HTML body of the email template `name`."""
    context = {"site_url": absolute_url("/"), **context}
    text = render_to_string(f"{name}.txt", context).lstrip()
    subject, _, body = text.partition("\n")
    html = render_to_string(f"{name}.html", {**context, "subject": subject.strip()})
    return subject.strip(), body.strip() + "\n", html


def send_email(name: str, to: Iterable[str], context: dict[str, Any]) -> int:
    """Send the email `name` to each address in `to`: one message each, so nobody sees the others."""
    recipients = sorted({address for address in to if address})
    subject, text, html = render_email(name, context) if recipients else ("", "", "")
    for address in recipients:
        if settings.HUEY.get("immediate"):
            send_now(subject, text, [address], html_body=html)
        else:
            send_email_later(subject, text, [address], html_body=html)
    return len(recipients)
