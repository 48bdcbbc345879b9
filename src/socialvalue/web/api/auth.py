"""Bearer-token authentication: a valid token makes the request's actor its user with all their memberships."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer

from socialvalue.web.accounts.services import user_for_token
from socialvalue.web.audit.registry import set_actor
from socialvalue.web.tenancy import Actor


class BearerToken(HttpBearer):
    openapi_description = (
        "A token from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`."
    )

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        request.actor = Actor.for_user(user)
        set_actor(user)
        if not request.actor.memberships and not _allowed_without_organisation(request.path):
            raise PermissionDenied(NO_ORGANISATION)
        return user


NO_ORGANISATION = (
    "You do not belong to an active organisation yet: register one (POST /api/v1/registrations) "
    "or ask an organisation's admin to invite you. A registration awaiting approval opens its "
    "workspace once a site administrator approves it."
)
#: Routes a person with no organisation may still use: who they are, their tokens, registering.
_OPEN_ROUTES = ("me", "auth/token", "auth/tokens", "registrations", "registrations/confirm")


def _allowed_without_organisation(path: str) -> bool:
    rest = path.split("/api/v1/", 1)[-1].rstrip("/")
    return rest in _OPEN_ROUTES or rest.startswith("auth/tokens/")
