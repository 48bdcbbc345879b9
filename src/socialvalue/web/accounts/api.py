"""API routes for tokens, the signed-in user and organisations."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from socialvalue.web.api.schemas import answers
from socialvalue.web.tenancy import get_visible_or_404, require_role, visible

from . import services
from .models import ApiToken, Organisation, Role

router = Router(tags=["accounts"])


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    name: str = Field("API token", max_length=100)


class TokenOut(Schema):
    token: str


class TokenInfo(Schema):
    id: int
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class MembershipOut(Schema):
    organisation_id: int
    organisation_name: str
    organisation_slug: str
    kind: str
    role: str
    champion: bool


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    organisation_type: str
    areas_served: list[str]


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    organisation_type: Organisation.Type | None = None
    areas_served: list[str] | None = None


@router.post("/auth/token", auth=None, response=answers(TokenOut, 429), summary="Get a token")
def create_token(request: HttpRequest, payload: TokenIn):
    """Exchange an email and password for a bearer token (stored hashed; revocable)."""
    user = services.sign_in(email=payload.email, password=payload.password, request=request)
    if user is None:
        return Status(401, {"detail": "The email address or password is not right."})
    _, secret = services.issue_token(user=user, name=payload.name)
    return {"token": secret}


@router.get("/auth/tokens", response=answers(list[TokenInfo]), summary="List your tokens")
def list_tokens(request: HttpRequest):
    return ApiToken.objects.filter(user=request.user)


@router.delete(
    "/auth/tokens/{token_id}", response=answers(TokenInfo, 404), summary="Revoke a token"
)
def delete_token(request: HttpRequest, token_id: int):
    return services.revoke_token(user=request.user, token_id=token_id)


@router.get("/me", response=answers(MeOut), summary="The signed-in user and their memberships")
def me(request: HttpRequest):
    user = request.user
    if not user.is_authenticated:
        raise AuthenticationError()
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation_name": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "kind": m.organisation.kind,
                "role": m.role,
                "champion": m.champion,
            }
            for m in request.actor.memberships.values()
        ],
    }


@router.get("/organisations", response=answers(list[OrganisationOut]), summary="Your organisations")
def list_organisations(request: HttpRequest):
    return visible(Organisation, request.actor).order_by("name")


@router.get("/organisations/{organisation_id}", response=answers(OrganisationOut, 404))
def get_organisation(request: HttpRequest, organisation_id: int):
    return get_visible_or_404(Organisation, request.actor, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=answers(OrganisationOut, 400, 403, 404))
def patch_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch):
    """Change an organisation's name, type or areas served (organisation admins only)."""
    organisation = get_visible_or_404(Organisation, request.actor, pk=organisation_id)
    membership = require_role(request.actor, organisation, Role.ADMIN)
    return services.update_organisation(
        organisation=organisation,
        membership=membership,
        **payload.model_dump(exclude_unset=True, exclude_none=True),
    )
