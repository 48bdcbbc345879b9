"""Every email the product sends: a plain-text and an HTML part from two templates, through Django's email API.

Templates live at `<app>/templates/<name>.txt` and `<name>.html`; the first line of the text template
is the subject. Links in them are absolute, built from SOCIALVALUE_URL (see `links`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .links import absolute_url


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """The subject, text body and HTML body of the email template `name`."""
    context = {"site_url": absolute_url("/"), **context}
    text = render_to_string(f"{name}.txt", context).lstrip()
    subject, _, body = text.partition("\n")
    html = render_to_string(f"{name}.html", {**context, "subject": subject.strip()})
    return subject.strip(), body.strip() + "\n", html


def send_email(name: str, to: Iterable[str], context: dict[str, Any]) -> int:
    """Send the email `name` to each address in `to` (one message, addresses not shown to each other)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return 0
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to=recipients[:1], bcc=recipients[1:]
    )
    message.attach_alternative(html, "text/html")
    return message.send()
