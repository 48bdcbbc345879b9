"""Fixed-window rate limits kept in the cache, so every web process shares them when the cache does."""

from __future__ import annotations

import time

from django.core.cache import cache


class RateLimited(Exception):
    """Too many attempts: answer 429 with Retry-After (the API's error handler does)."""

    def __init__(self, retry_after: int, message: str):
        self.retry_after = retry_after
        super().__init__(message)


def client_ip(request) -> str:
    """The address the server saw; a proxy's forwarded address arrives here only from trusted proxies."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one attempt under `key`; the seconds to wait when it is over `limit`, else None."""
    now = time.time()
    slot = int(now // window)
    cache_key = f"ratelimit:{key}:{slot}"
    if cache.add(cache_key, 1, window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, window + 1)
            count = 1
    if count > limit:
        return max(1, int((slot + 1) * window - now))
    return None
