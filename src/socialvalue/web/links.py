"""Absolute links for emails and the command line, built from SOCIALVALUE_URL (the public base URL).

A request's own host is not trusted for links that leave the site: behind a proxy it may be an
internal address, and a forged Host header must never reach an email.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` (starting with /) under the public base URL."""
    return settings.SOCIALVALUE_URL.rstrip("/") + "/" + path.lstrip("/")


def absolute_reverse(viewname: str, *args, **kwargs) -> str:
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
