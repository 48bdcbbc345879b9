"""Response headers that make every page safe by default, and requests no field can hold refused early."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control

from socialvalue.core.text import (
    SEARCH_MAX,
    SEARCH_PARAMETERS,
    TextError,
    clean_tree,
    search_term,
)

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


def _api_error(detail, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class TextPolicyMiddleware:
    """The text policy (`socialvalue.core.text`) at the edge of every request.

    - A search term (`?search=`, `?q=`) is cut to SEARCH_MAX characters, on pages and the API.
    - An API JSON body must be an object; its strings lose control characters, and a lone
      surrogate or a text over LONG_TEXT_MAX is a 400 naming the field (`criteria[1].name`).
    - An API multipart body that cannot be read (no boundary, too many files or fields, a file
      name Django finds suspicious) is a JSON 400, never Django's HTML error page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._cap_searches(request)
        if request.path.startswith("/api/"):
            refusal = self._police_api_body(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _cap_searches(request: HttpRequest) -> None:
        if not any(len(request.GET.get(name, "")) > SEARCH_MAX for name in SEARCH_PARAMETERS):
            return
        capped = request.GET.copy()
        for name in SEARCH_PARAMETERS:
            if name in capped:
                capped.setlist(name, [search_term(value) for value in capped.getlist(name)])
        capped._mutable = False
        request.GET = capped

    @staticmethod
    def _police_api_body(request: HttpRequest) -> HttpResponse | None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if request.content_type == "multipart/form-data":
            return TextPolicyMiddleware._read_multipart(request)
        if request.content_type != "application/json":
            return None
        try:
            if not request.body:
                return None
            data = json.loads(request.body)
        except RequestDataTooBig as exc:
            return _api_error(f"The request cannot be read: {_reason(exc)}")
        except ValueError:
            return None  # the API answers an unreadable body itself
        if not isinstance(data, dict):
            return _api_error("The request body must be a JSON object ({...}) of named fields.")
        try:
            cleaned = clean_tree(data)
        except TextError as exc:
            return _api_error({exc.field: [f"This text {exc.message}"]})
        if cleaned != data:
            request._body = json.dumps(cleaned).encode()
        return None

    @staticmethod
    def _read_multipart(request: HttpRequest) -> HttpResponse | None:
        try:
            request.POST  # noqa: B018 - parse now, so a malformed body is answered here as JSON
            request.FILES  # noqa: B018
        except (MultiPartParserError, SuspiciousOperation, RequestDataTooBig) as exc:
            return _api_error(f"The form data cannot be read: {_reason(exc)}")
        return None


def _reason(exc: Exception) -> str:
    if isinstance(exc, TooManyFilesSent):
        return f"send at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files at once."
    if isinstance(exc, TooManyFieldsSent):
        return f"send at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields at once."
    if isinstance(exc, RequestDataTooBig):
        return f"the request is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
    if isinstance(exc, MultiPartParserError):
        return "it is not valid multipart data (is the boundary missing?)."
    return f"it was refused as unsafe ({exc})."


class NoStoreMiddleware:
    """Pages for a signed-in person, and every API answer, are never kept by a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
