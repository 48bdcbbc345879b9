"""Tenancy in one place: who is acting, for which organisations, and the one path to fetch tenant objects.

Every tenant model's queryset has `visible_to(actor)`; views and API routes fetch through
`get_visible_or_404`, so an object outside the actor's organisations is a 404, never a 403 that
would confirm it exists. Role checks come after visibility (`require_role`), and answer 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

# TenantQuerySet lives beside Membership (accounts builds no further on tenancy); it is named here
# too, where every app's models have always found it.
from socialvalue.web.accounts.models import Membership, Role, TenantQuerySet, User

__all__ = [
    "SESSION_KEY",
    "Actor",
    "CurrentOrganisationMiddleware",
    "TenantQuerySet",
    "get_visible_or_404",
    "organisation_context",
    "organisation_to_act_for",
    "require_role",
    "switch_organisation",
    "visible",
]

SESSION_KEY = "organisation_id"


@dataclass
class Actor:
    """A signed-in user acting for the organisations in scope (the current one on the web, all of them in the API)."""

    #: None for the system acting alone (the demo loader, the command line, a built-in set).
    user: User | None
    #: By organisation id; a system actor's values are None, as it holds no membership.
    memberships: dict[int, Membership | None] = field(default_factory=dict)

    @classmethod
    def for_user(cls, user: User, memberships: Iterable[Membership] | None = None) -> Actor:
        if memberships is None:
            # An organisation awaiting approval (or refused) gives its members no workspace.
            memberships = Membership.objects.filter(
                user=user, organisation__status="active"
            ).select_related("organisation")
        return cls(user=user, memberships={m.organisation_id: m for m in memberships})

    @property
    def organisation_ids(self) -> list[int]:
        return list(self.memberships)

    def membership_for(self, organisation_id: int | None) -> Membership | None:
        return self.memberships.get(organisation_id) if organisation_id is not None else None

    def require(self, organisation_id: int, role: str = "viewer") -> Membership:
        membership = self.membership_for(organisation_id)
        if membership is None:
            raise Http404("No such organisation.")
        if not membership.allows(role):
            raise PermissionDenied(
                f"This needs the {Role(role).label.lower()} role in {membership.organisation.name}."
            )
        return membership


def visible(model: type[models.Model], actor: Actor) -> models.QuerySet:
    """The rows of `model` the actor may see; the only way views and routes start a tenant query."""
    return model._default_manager.visible_to(actor)


def get_visible_or_404(model: type[models.Model], actor: Actor, **lookup: Any) -> Any:
    try:
        return visible(model, actor).get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {model._meta.verbose_name} found.") from None


def require_role(actor: Actor, obj: models.Model, role: str) -> Any:
    """The actor's membership in the organisation owning `obj`, if it carries at least `role`."""
    organisation_id = getattr(obj, "organisation_id", obj.pk)
    return actor.require(organisation_id, role)


def organisation_to_act_for(actor: Actor, organisation_id: int | None, role: str = "editor") -> Any:
    """The organisation a new object is created in: the one named, or the actor's only one.

    The API acts for all of a user's organisations, so a create names one unless there is no doubt;
    naming an organisation the actor is not in is a 404, lacking the role a 403.
    """
    if organisation_id is None:
        if len(actor.memberships) != 1:
            raise ValidationError(
                {"organisation_id": ["You belong to several organisations: say which one."]}
            )
        organisation_id = next(iter(actor.memberships))
    return actor.require(organisation_id, role).organisation


class CurrentOrganisationMiddleware:
    """Puts `request.actor` (scoped to the current organisation) and the switcher's memberships on the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = None
        request.organisation = None
        request.membership = None
        request.all_memberships = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            memberships = list(user.memberships_in_order())
            request.all_memberships = memberships
            current = next(
                (m for m in memberships if m.organisation_id == request.session.get(SESSION_KEY)),
                None,
            )
            current = current or (memberships[0] if memberships else None)
            if current is not None:
                request.organisation = current.organisation
                request.membership = current
            request.actor = Actor.for_user(user, [current] if current else [])
        return self.get_response(request)


def switch_organisation(request: HttpRequest, organisation_id: int) -> Any:
    membership = next(
        (m for m in request.all_memberships if m.organisation_id == organisation_id), None
    )
    if membership is None:
        raise Http404("No such organisation.")
    request.session[SESSION_KEY] = organisation_id
    return membership.organisation


def organisation_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "current_organisation": getattr(request, "organisation", None),
        "current_membership": getattr(request, "membership", None),
        "all_memberships": getattr(request, "all_memberships", []),
    }
