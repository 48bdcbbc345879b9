"""The provider's dashboard, shown as the home page of a provider organisation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.web.accounts.models import Role

from . import services


def dashboard(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    request.actor.require(organisation.id, Role.VIEWER)
    value = services.value_over_time(organisation)
    price_note = f"£ in {value.price_year} prices" if value.price_year else "£"
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
            )
            if value.by_goal
            else ""
        ),
        "awaiting": services.awaiting_verification(organisation),
        "review": services.statement_review(organisation),
        "case_studies": services.recent_case_studies(organisation),
        "can_edit": request.membership.allows(Role.EDITOR),
    }
    return render(request, "dashboard/dashboard.html", context)
