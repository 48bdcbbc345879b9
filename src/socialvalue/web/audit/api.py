"""API route for the audit trail of the organisations the caller administers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialvalue.web.accounts.models import Role
from socialvalue.web.api.schemas import Pages, answers

from .models import AuditEvent

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor_email: str
    organisation_id: int | None
    organisation_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict


@router.get(
    "/audit-events",
    response=answers(list[AuditEventOut], 403, 404),
    summary="Audit trail (organisation admins)",
)
@paginate(Pages)
def list_audit_events(request: HttpRequest, organisation: int | None = None):
    """Every create, update and delete in the organisations where you are an admin, newest first."""
    admin_of = [oid for oid, m in request.actor.memberships.items() if m.allows(Role.ADMIN)]
    if organisation is not None:
        request.actor.require(organisation, Role.ADMIN)
        admin_of = [organisation]
    return AuditEvent.objects.filter(organisation_id__in=admin_of)
