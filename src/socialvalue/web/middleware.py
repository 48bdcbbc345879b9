"""Response headers that make every page safe by default, and requests no field can hold refused early."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Adds the content security policy (no inline script) and a restrictive permissions policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


class RejectNulCharactersMiddleware:
    """Answers 400 to a NUL character in the query string or a JSON body, before any view sees it.

    No text anyone means to store contains NUL, and PostgreSQL refuses it in text columns; without
    this, such a request would fail inside the database rather than be told what is wrong. Forms
    already refuse it field by field (Django's ProhibitNullCharactersValidator).
    """

    MESSAGE = "The request contains a NUL character (\\u0000), which no field accepts."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return True
        if request.content_type == "application/json":
            body = request.body
            return b"\x00" in body or bool(_JSON_NUL.search(body))
        return False
