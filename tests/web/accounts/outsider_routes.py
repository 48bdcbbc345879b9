"""Routes of registration and site administration, and what an outsider gets from each.

Charlie is not staff: every page of the site administration answers him 404, including those that
name Alice's organisation, her membership, an invitation or a registration.
"""

from tests.routes import Route


def _registration(w):
    from socialvalue.web.accounts.models import Registration

    return Registration.objects.create(
        email="new@example.org",
        full_name="New Person",
        organisation_name="New Care",
        kind="provider",
        organisation_type="charity",
        token_hash="x" * 64,
        organisation=w.alice_org,
    )


def _invitation(w):
    from socialvalue.web.accounts.models import Invitation

    return Invitation.objects.create(
        organisation=w.alice_org, email="invited@example.org", token_hash="y" * 64
    )


def _alice_set(w):
    from tests.web.measures.factories import imported_set

    return imported_set(w.alice_org)


#: Each model of the site administration, and how to make one of Alice's to name in its URLs.
ADMIN_OBJECTS = {
    "accounts/organisation": lambda w: w.alice_org.pk,
    "accounts/membership": lambda w: w.admin.memberships.get().pk,
    "accounts/user": lambda w: w.admin.pk,
    "accounts/invitation": lambda w: _invitation(w).pk,
    "accounts/registration": lambda w: _registration(w).pk,
    "measures/valueset": lambda w: _alice_set(w).pk,
}


def _admin_routes() -> list[Route]:
    routes = [
        Route("admin/", url=lambda w: "/admin/"),
        Route("admin/(?P<url>.*)$", url=lambda w: "/admin/no-such-page/"),
        Route(
            "admin/^(?P<app_label>accounts|measures)/$",
            url=lambda w: "/admin/accounts/",
        ),
        Route("admin/autocomplete/", url=lambda w: "/admin/autocomplete/"),
        Route("admin/jsi18n/", url=lambda w: "/admin/jsi18n/"),
        Route("admin/login/", url=lambda w: "/admin/login/"),
        Route("admin/logout/", "post", url=lambda w: "/admin/logout/"),
        Route("admin/password_change/", url=lambda w: "/admin/password_change/"),
        Route("admin/password_change/done/", url=lambda w: "/admin/password_change/done/"),
        Route(
            "admin/r/<path:content_type_id>/<path:object_id>/",
            url=lambda w: f"/admin/r/1/{w.alice_org.pk}/",
        ),
        Route(
            "admin/accounts/user/<id>/password/",
            url=lambda w: f"/admin/accounts/user/{w.admin.pk}/password/",
        ),
    ]
    for model, make in ADMIN_OBJECTS.items():
        base = f"admin/{model}/"
        routes.append(Route(base, url=lambda w, base=base: f"/{base}"))
        routes.append(Route(base + "add/", url=lambda w, base=base: f"/{base}add/"))
        for suffix in ("", "change/", "delete/", "history/"):
            routes.append(
                Route(
                    f"{base}<path:object_id>/{suffix}",
                    url=lambda w, base=base, make=make, suffix=suffix: f"/{base}{make(w)}/{suffix}",
                )
            )
        routes.append(
            Route(
                f"{base}<path:object_id>/change/",
                "post",
                url=lambda w, base=base, make=make: f"/{base}{make(w)}/change/",
                body={"name": "Mine now"},
            )
        )
    return routes


ROUTES: list[Route] = [
    Route("register/"),
    Route("register/check-your-email/"),
    Route("register/confirm/<str:secret>/"),
    Route("organisation/first-steps/"),
    Route("api/v1/registrations"),
    Route("api/v1/registrations/confirm"),
    *_admin_routes(),
]
