"""The provider's dashboard, shown as the home page of a provider organisation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.web.accounts.models import Role

from . import services
from .forms import ScopeForm


def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    request.actor.require(organisation.id, Role.VIEWER)
    form = ScopeForm(request.GET or None, organisation=organisation)
    scope = form.scope
    value = services.value_over_time(organisation, scope=scope)
    price_note = f"£ in {value.price_year} prices" if value.price_year else "£"
    if scope.label:
        price_note = f"{scope.label}, {price_note}"
    context = {
        "organisation": organisation,
        "membership": request.membership,
        "value": value,
        "theme_chart": (
            services.chart_html(
                f"Value by theme and quarter ({price_note})", value.labels, value.by_theme
            )
            if value.by_theme
            else ""
        ),
        "goal_chart": (
            services.chart_html(
                f"Value by Sustainable Development Goal and quarter ({price_note})",
                value.labels,
                value.by_goal,
                additive=False,
            )
            if value.by_goal
            else ""
        ),
        "form": form,
        "scope": scope,
        "awaiting": services.awaiting_verification(organisation, scope=scope),
        "review": services.statement_review(organisation),
        "case_studies": services.recent_case_studies(organisation, scope=scope),
        "can_edit": request.membership.allows(Role.EDITOR),
    }
    return render(request, "dashboard/dashboard.html", context)
