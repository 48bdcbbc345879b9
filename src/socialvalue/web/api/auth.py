"""Bearer-token authentication: a valid token makes the request's actor its user with all their memberships."""

from __future__ import annotations

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
        return user
