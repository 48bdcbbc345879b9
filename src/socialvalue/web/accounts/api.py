"""API routes for tokens, the signed-in user and organisations."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from socialvalue.web.api.schemas import answers, named_choices
from socialvalue.web.ratelimit import RateLimited, client_ip
from socialvalue.web.tenancy import get_visible_or_404, require_role, visible

from . import registration, services
from .models import ApiToken, Organisation, Role
from .views import registration_throttled

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


class PendingOut(Schema):
    organisation_name: str
    organisation_slug: str
    kind: str
    status: str = Field(description="awaiting_approval or refused")


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut] = Field(
        description="Active organisations only; empty when the person belongs to none yet."
    )
    pending: list[PendingOut] = Field(
        description="Organisations this person registered that are awaiting approval or were refused."
    )


OrganisationKind = named_choices("OrganisationKind", Organisation.Kind)


class RegistrationIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    full_name: str = Field(max_length=200)
    organisation_name: str = Field(max_length=200)
    kind: OrganisationKind
    organisation_type: Organisation.Type
    areas_served: list[str] = Field(default_factory=list, max_length=200)


class RegistrationOut(Schema):
    status: str = Field(
        description="awaiting_email until the emailed link is opened; then active or awaiting_approval"
    )
    email: str
    organisation_name: str
    kind: str
    organisation_slug: str | None = None
    detail: str


class ConfirmIn(Schema):
    token: str = Field(max_length=200, description="The last part of the emailed link.")


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    organisation_type: str
    areas_served: list[str]
    price_year: int = Field(
        description="The year whose prices the organisation's money figures are shown in."
    )

    @staticmethod
    def resolve_price_year(obj) -> int:
        return (
            obj.reporting_price_year if hasattr(obj, "reporting_price_year") else obj["price_year"]
        )


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    organisation_type: Organisation.Type | None = None
    areas_served: list[str] | None = None
    price_year: int | None = Field(
        None, description="A year of the shipped GDP deflator series (the reporting price year)."
    )


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
        "pending": [
            {
                "organisation_name": o.name,
                "organisation_slug": o.slug,
                "kind": o.kind,
                "status": o.status,
            }
            for o in registration.pending_for(user)
        ],
    }


def _registration_answer(made, detail: str) -> dict:
    return {
        "status": made.status,
        "email": made.email,
        "organisation_name": made.organisation_name,
        "kind": made.kind,
        "organisation_slug": made.organisation.slug if made.organisation_id else None,
        "detail": detail,
    }


@router.post(
    "/registrations",
    auth=None,
    response=answers(RegistrationOut, 404, 429, status=201),
    summary="Register an organisation",
)
def create_registration(request: HttpRequest, payload: RegistrationIn):
    """Register an organisation with yourself as its first admin. A link is emailed to confirm the
    address; a provider is then active, a commissioner waits for a site administrator's approval
    (as the site's registration policy says). Errors name their field."""
    if not registration.registration_is_open():
        return Status(404, {"detail": "Registration is closed on this site."})
    retry_after = registration_throttled(request)
    if retry_after is not None:
        raise RateLimited(retry_after, "Too many registrations from your network; try again later.")
    made = registration.register(**payload.model_dump(), ip_address=client_ip(request))
    return Status(
        201,
        _registration_answer(
            made, f"We sent a link to {made.email}: open it to confirm the address."
        ),
    )


@router.post(
    "/registrations/confirm",
    auth=None,
    response=answers(RegistrationOut, 404),
    summary="Confirm a registration's email address",
)
def confirm_registration(request: HttpRequest, payload: ConfirmIn):
    """The same as opening the emailed link and pressing its button."""
    found = registration.registration_for_link(payload.token)
    if found is None:
        return Status(404, {"detail": "This link has expired or was used already."})
    made = registration.verify_registration(registration=found)
    detail = (
        "Confirmed; a site administrator approves the organisation before its workspace opens."
        if made.status == made.Status.AWAITING_APPROVAL
        else "Confirmed; sign in to start."
    )
    return _registration_answer(made, detail)


@router.get("/organisations", response=answers(list[OrganisationOut]), summary="Your organisations")
def list_organisations(request: HttpRequest):
    return visible(Organisation, request.actor).order_by("name")


@router.get("/organisations/{organisation_id}", response=answers(OrganisationOut, 404))
def get_organisation(request: HttpRequest, organisation_id: int):
    return get_visible_or_404(Organisation, request.actor, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=answers(OrganisationOut, 400, 403, 404))
def patch_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch):
    """Change an organisation's name, type, areas served or reporting price year (organisation admins only)."""
    organisation = get_visible_or_404(Organisation, request.actor, pk=organisation_id)
    membership = require_role(request.actor, organisation, Role.ADMIN)
    return services.update_organisation(
        organisation=organisation,
        membership=membership,
        **payload.model_dump(exclude_unset=True, exclude_none=True),
    )
