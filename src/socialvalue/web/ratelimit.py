"""Answering too many attempts: the exception the API turns into 429, and the client's address."""

from __future__ import annotations


class RateLimited(Exception):
    """Too many attempts: answer 429 with Retry-After (the API's error handler does)."""

    def __init__(self, retry_after: int, message: str):
        self.retry_after = retry_after
        super().__init__(message)


def client_ip(request) -> str | None:
    """The address the server saw; a proxy's forwarded address arrives here only from trusted proxies."""
    return request.META.get("REMOTE_ADDR") or None
