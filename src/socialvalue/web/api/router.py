"""The NinjaAPI instance: routers of each app, and errors answered as JSON with a `detail`."""

from __future__ import annotations

import importlib

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from socialvalue import __version__
from socialvalue.core.errors import InputError
from socialvalue.core.text import LONG_TEXT_MAX
from socialvalue.web.errors import Conflict
from socialvalue.web.ratelimit import RateLimited

from .auth import BearerToken


def _request_schemas(schema: dict) -> set[str]:
    """The names of the component schemas a request body can hold, nested ones included."""
    components = schema.get("components", {}).get("schemas", {})
    found: set[str] = set()

    def refs(node) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    refs(components.get(name))
            for value in node.values():
                refs(value)
        elif isinstance(node, list):
            for value in node:
                refs(value)

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                refs(operation["requestBody"])
    return found


def _document_text_limit(node) -> None:
    """Give every text of a request body without a limit of its own the policy's LONG_TEXT_MAX."""
    if isinstance(node, dict):
        if (
            node.get("type") == "string"
            and "maxLength" not in node
            and "format" not in node
            and "enum" not in node
        ):
            node["maxLength"] = LONG_TEXT_MAX
        for value in node.values():
            _document_text_limit(value)
    elif isinstance(node, list):
        for value in node:
            _document_text_limit(value)


class SocialValueAPI(NinjaAPI):
    """The NinjaAPI whose document states the text policy's limit on every text a request sends
    (enforced for every JSON body by `socialvalue.web.middleware.TextPolicyMiddleware`)."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        components = schema.get("components", {}).get("schemas", {})
        for name in _request_schemas(schema):
            _document_text_limit(components.get(name))
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict) and "requestBody" in operation:
                    _document_text_limit(operation["requestBody"])
        return schema


api = SocialValueAPI(
    title="socialvalue API",
    version=__version__,
    description="Plan, measure, evidence and report social value. Authenticate with POST /auth/token, then send "
    "`Authorization: Bearer <token>`. Errors are JSON with a `detail` that says what was wrong.",
    auth=BearerToken(),
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(
        request, {"detail": str(exc) or "You do not have permission to do this."}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Send a valid token as `Authorization: Bearer <token>`."}, status=401
    )


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError):
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid_data(request: HttpRequest, exc: DjangoValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(InputError)
def invalid_input(request: HttpRequest, exc: InputError):
    problems = [{"place": p.place, "message": p.message} for p in exc.problems]
    return api.create_response(
        request, {"detail": exc.describe(), "problems": problems}, status=400
    )


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict):
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(RawPostDataException)
def body_not_json(request: HttpRequest, exc: RawPostDataException):
    """A form or multipart body sent to a route that reads JSON: the form was read first."""
    return api.create_response(
        request,
        {
            "detail": "This operation takes a JSON body: send it with Content-Type: application/json."
        },
        status=415,
    )


@api.exception_handler(RateLimited)
def throttled(request: HttpRequest, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


#: Apps with an `api.py` whose `router` is mounted at /api/v1/, in this order.
API_APPS = (
    "accounts",
    "audit",
    "measures",
    "files",
    "planning",
    "statements",
    "evidence",
    "casestudies",
    "surveys",
    "analyses",
    "commissioning",
    "engagements",
    "contracts",
    "reports",
    "dashboard",
    "todo",
    "notifications",
    "search",
)


def _add_routers() -> None:
    for app in API_APPS:
        module = importlib.import_module(f"socialvalue.web.{app}.api")
        api.add_router("/", module.router)


_add_routers()
