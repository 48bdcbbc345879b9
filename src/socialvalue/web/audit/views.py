"""The audit trail page, for organisation admins."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.web.accounts.models import Role
from socialvalue.web.tenancy import visible

from .models import AuditEvent


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    request.actor.require(request.organisation.id, Role.ADMIN)
    page = Paginator(visible(AuditEvent, request.actor), 50).get_page(request.GET.get("page"))
    return render(request, "audit/audit_trail.html", {"page": page})
