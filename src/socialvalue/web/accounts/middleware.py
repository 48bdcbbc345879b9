"""A signed-in person with no active organisation is told so on every workspace page, never shown a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .views import no_organisation

#: Pages of the accounts app that need no organisation: signing in and out, invitations, passwords,
#: registration and one's own API tokens.
WITHOUT_ORGANISATION = {
    "login",
    "logout",
    "switch",
    "accept_invitation",
    "tokens",
    "token_revoke",
    "register",
    "registration_sent",
    "verify_registration",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def needs_organisation(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None:
        return False
    if match.namespace in ("", "admin", "pages"):
        return False
    if match.route.startswith("public/"):  # public links work for anyone
        return False
    return not (match.namespace == "accounts" and match.url_name in WITHOUT_ORGANISATION)


class OrganisationRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(request, "actor", None) is None or request.organisation is not None:
            return None
        if not needs_organisation(request):
            return None
        return no_organisation(request, status=403)
