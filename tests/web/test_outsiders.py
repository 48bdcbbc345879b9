"""Charlie belongs to another organisation: every route that names Alice's things must answer him 404.

Every URL pattern of the site must appear in ROUTES (a test checks it), so a new route cannot be
added without deciding what an outsider gets from it. The routes of the foundation and measures are
listed here; every other app lists its own in `tests/web/<app>/outsider_routes.py`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests.web
from tests.factories import bearer
from tests.routes import Route

pytestmark = pytest.mark.django_db


def _membership_id(w) -> int:
    return w.viewer.memberships.get().id


def _alice_set_id(w) -> int:
    from tests.web.measures.factories import imported_set

    return imported_set(w.alice_org).id


def _alice_measure_id(w) -> int:
    from tests.web.measures.factories import imported_measure

    return imported_measure(w.alice_org).id


CORE_ROUTES = [
    # Routes that name one of Alice's objects: Charlie gets 404.
    Route(
        "organisation/members/<int:membership_id>/",
        url=lambda w: f"/organisation/members/{_membership_id(w)}/",
    ),
    Route(
        "organisation/members/<int:membership_id>/",
        "post",
        url=lambda w: f"/organisation/members/{_membership_id(w)}/",
        body={"remove": "1"},
    ),
    Route(
        "organisation/switch/",
        "post",
        url=lambda w: "/organisation/switch/",
        body={"organisation": "ALICE_ORG"},
    ),
    Route(
        "account/tokens/<int:token_id>/revoke/",
        "post",
        url=lambda w: f"/account/tokens/{w.admin_token_id}/revoke/",
    ),
    Route(
        "api/v1/organisations/<organisation_id>",
        url=lambda w: f"/api/v1/organisations/{w.alice_org.id}",
        api=True,
    ),
    Route(
        "api/v1/organisations/<organisation_id>",
        "patch",
        url=lambda w: f"/api/v1/organisations/{w.alice_org.id}",
        api=True,
        body={"name": "Mine now"},
    ),
    Route(
        "api/v1/auth/tokens/<token_id>",
        "delete",
        url=lambda w: f"/api/v1/auth/tokens/{w.admin_token_id}",
        api=True,
    ),
    Route(
        "api/v1/audit-events",
        url=lambda w: f"/api/v1/audit-events?organisation={w.alice_org.id}",
        api=True,
    ),
    Route("measures/<int:measure_id>/", url=lambda w: f"/measures/{_alice_measure_id(w)}/"),
    Route("value-sets/<int:value_set_id>/", url=lambda w: f"/value-sets/{_alice_set_id(w)}/"),
    Route(
        "value-sets/<int:value_set_id>/download.<str:file_format>",
        url=lambda w: f"/value-sets/{_alice_set_id(w)}/download.csv",
    ),
    Route(
        "value-sets/import/confirm/",
        "post",
        url=lambda w: "/value-sets/import/confirm/",
        body={"token": "alices-upload"},
    ),
    Route(
        "api/v1/value-sets/<value_set_id>",
        url=lambda w: f"/api/v1/value-sets/{_alice_set_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/measures/<measure_id>",
        url=lambda w: f"/api/v1/measures/{_alice_measure_id(w)}",
        api=True,
    ),
    # Routes scoped to the caller's own organisation or account: nothing of Alice's can be named.
    Route(""),
    Route("sign-in/"),
    Route("glossary/"),
    Route("sign-out/"),
    Route("organisation/"),
    Route("organisation/members/"),
    Route("organisation/audit/"),
    Route("organisation/audit/export.csv"),
    Route("invitations/<str:secret>/"),
    Route("account/tokens/"),
    Route("password-reset/"),
    Route("password-reset/sent/"),
    Route("password-reset/<uidb64>/<token>/"),
    Route("password-reset/done/"),
    Route("api/v1/auth/token"),
    Route("api/v1/auth/tokens"),
    Route("api/v1/me"),
    Route("api/v1/organisations"),
    Route("api/v1/"),
    Route("api/v1/openapi.json"),
    Route("api/v1/docs"),
    Route("measures/"),
    Route("value-sets/"),
    Route("value-sets/import/"),
    Route("api/v1/value-sets"),
    Route("api/v1/measures"),
    Route("api/v1/sdgs"),
]


def _app_routes() -> list[Route]:
    routes: list[Route] = []
    for module in pkgutil.iter_modules(tests.web.__path__):
        if module.ispkg:
            try:
                found = importlib.import_module(f"tests.web.{module.name}.outsider_routes")
            except ModuleNotFoundError:
                continue
            routes.extend(found.ROUTES)
    return routes


ROUTES = CORE_ROUTES + _app_routes()


def _all_patterns(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found |= _all_patterns(entry, text)
        elif isinstance(entry, URLPattern):
            found.add(text)
    return found


def test_every_route_is_listed_here():
    listed = {r.pattern for r in ROUTES}
    missing = sorted(p for p in _all_patterns() if p not in listed and not p.startswith("static/"))
    assert not missing, f"Add these routes to ROUTES with what an outsider must get: {missing}"


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.url], ids=lambda r: f"{r.method} {r.pattern}"
)
def test_outsider_gets_404(client, demo_world, route):
    from socialvalue.web.accounts.services import issue_token

    token, _ = issue_token(user=demo_world.admin)
    demo_world.admin_token_id = token.id
    url = route.url(demo_world)
    body = {
        k: (demo_world.alice_org.id if v == "ALICE_ORG" else v)
        for k, v in (route.body or {}).items()
    }
    if route.files:
        from django.core.files.uploadedfile import SimpleUploadedFile

        uploads = {k: SimpleUploadedFile(name, data) for k, (name, data) in route.files.items()}
        if route.api:
            response = client.post(url, {**body, **uploads}, **bearer(demo_world.outsider))
        else:
            client.force_login(demo_world.outsider)
            response = client.post(url, {**body, **uploads})
    elif route.api:
        call = getattr(client, route.method)
        kwargs = {"content_type": "application/json", **bearer(demo_world.outsider)}
        response = (
            call(url, json.dumps(body), **kwargs)
            if body
            else call(url, **bearer(demo_world.outsider))
        )
    else:
        client.force_login(demo_world.outsider)
        response = getattr(client, route.method)(url, body)
    assert response.status_code == 404, (route, response.status_code)
