"""Sets the acting user for the audit trail for the length of a web request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .registry import reset_actor, set_actor


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_actor(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)
