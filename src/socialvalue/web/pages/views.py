"""The home page: a council's or a provider's own home for members, the sign-in form for everyone else."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.web import glossary
from socialvalue.web.accounts.views import no_organisation, sign_in
from socialvalue.web.commissioning.views import commissioner_home
from socialvalue.web.dashboard.views import dashboard


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # The address people type is the address they sign in at; no redirect to follow.
        return sign_in(request)
    if request.organisation is not None and request.organisation.is_commissioner:
        return commissioner_home(request)
    if request.organisation is not None:
        return dashboard(request)
    return no_organisation(request)


AREAS = (
    ("sroi", "Social return on investment"),
    ("wellbeing", "Wellbeing"),
    ("tenders", "Tenders"),
)


def glossary_page(request: HttpRequest) -> HttpResponse:
    """Plain-English help on the terms of the SROI and valuation pages, open to everyone."""
    sections = [
        (title, [term for term in glossary.TERMS if term.area == area]) for area, title in AREAS
    ]
    return render(request, "pages/glossary.html", {"sections": sections})
