"""Answering too many attempts: the exception the API turns into 429, and the client's address."""

from __future__ import annotations

import ipaddress


class RateLimited(Exception):
    """Too many attempts: answer 429 with Retry-After (the API's error handler does)."""

    def __init__(self, retry_after: int, message: str):
        self.retry_after = retry_after
        super().__init__(message)


def client_ip(request) -> str | None:
    """The client's address as the server set it in REMOTE_ADDR, or None when it is not one.

    Never a forwarded header: the WSGI server replaces REMOTE_ADDR from proxy headers only when the
    proxy is one it trusts, so a client cannot choose the address its attempts are counted against.
    """
    value = (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
