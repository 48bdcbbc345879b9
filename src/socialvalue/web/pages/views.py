"""The home page: the dashboard for a signed-in member, the sign-in form for everyone else."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socialvalue.web.accounts.views import sign_in


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # The address people type is the address they sign in at; no redirect to follow.
        return sign_in(request)
    if request.organisation is not None and request.organisation.is_commissioner:
        from socialvalue.web.commissioning.views import commissioner_home

        return commissioner_home(request)
    return render(request, "pages/home.html", {"membership": request.membership})
