"""Error pages in the service's own style."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import bad_request as django_bad_request


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception) if exception and str(exception) else "You do not have permission to do this."
    )
    return render(request, "errors/403.html", {"message": message}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refused before any view (a suspicious header, body or file name): JSON
    with a `detail` under /api/, as every API answer is; Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "The request cannot be read: it is malformed or refused as unsafe."},
            status=400,
        )

    return django_bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


class Conflict(Exception):
    """A sound request the object's current state refuses (the API answers 409).

    `field` names the form field the refusal belongs next to on a page, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FourEyes(PermissionDenied):
    """A person asked to verify what they recorded or submitted: someone else must (the API answers 403).

    It is a refusal of *who* asks, whatever their role, not of the object's state (that would be
    a `Conflict`): another member with the right role may make the same request. `field` names
    the form field the refusal belongs next to on a page, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
