"""The demo: Riverside Borough Council and three providers, loaded idempotently.

Later areas add their demo data with `add_loader`; each loader must itself be idempotent
(look things up by natural key before creating them), so a second `socialvalue demo` reuses the data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from socialvalue.web.accounts.models import Membership, Organisation, User

DEFAULT_PASSWORD = "demo-password"

ORGANISATIONS = [
    {
        "slug": "riverside",
        "name": "Riverside Borough Council",
        "kind": "commissioner",
        "organisation_type": "local_authority",
        "areas_served": ["Riverside Borough"],
    },
    {
        "slug": "brightwater",
        "name": "Brightwater Care",
        "kind": "provider",
        "organisation_type": "charity",
        "areas_served": ["Riverside North", "Riverside South", "Eastbank"],
    },
    {
        "slug": "oakways",
        "name": "Oakways Support",
        "kind": "provider",
        "organisation_type": "social_enterprise",
        "areas_served": ["Riverside South", "Millford"],
    },
    {
        "slug": "meridian",
        "name": "Meridian Homecare Ltd",
        "kind": "provider",
        "organisation_type": "company",
        "areas_served": ["Riverside Borough", "Westmoor"],
    },
]

#: (email, full name, [(organisation slug, role, champion)])
USERS = [
    ("commissioner@riverside.example", "Priya Shah", [("riverside", "admin", False)]),
    ("champion@riverside.example", "Tom Okafor", [("riverside", "editor", True)]),
    ("lead@brightwater.example", "Grace Mensah", [("brightwater", "admin", True)]),
    ("lead@oakways.example", "Daniel Hughes", [("oakways", "admin", True)]),
    ("lead@meridian.example", "Sofia Rossi", [("meridian", "admin", True)]),
    # An independent adviser working with two providers: shows the organisation switcher.
    (
        "adviser@socialvalue.example",
        "Sam Adeyemi",
        [("oakways", "editor", False), ("meridian", "viewer", False)],
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    organisations: str


_loaders: list[Callable[[], None]] = []


def add_loader(loader: Callable[[], None]) -> None:
    """Register another area's demo data; loaders run in registration order after the organisations."""
    if loader not in _loaders:
        _loaders.append(loader)


def demo_password() -> str:
    return os.environ.get("SOCIALVALUE_DEMO_PASSWORD") or DEFAULT_PASSWORD


@transaction.atomic
def load_demo(password: str | None = None) -> list[DemoLogin]:
    password = password or demo_password()
    organisations = {}
    for data in ORGANISATIONS:
        defaults = {k: v for k, v in data.items() if k != "slug"}
        organisations[data["slug"]], _ = Organisation.objects.get_or_create(
            slug=data["slug"], defaults=defaults
        )
    logins = []
    for email, full_name, memberships in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name)
        elif not user.check_password(password):
            # The password may have been changed by SOCIALVALUE_DEMO_PASSWORD since the last run.
            user.set_password(password)
            user.save(update_fields=["password"])
        for slug, role, champion in memberships:
            Membership.objects.get_or_create(
                user=user,
                organisation=organisations[slug],
                defaults={"role": role, "champion": champion},
            )
        names = ", ".join(organisations[slug].name for slug, _, _ in memberships)
        logins.append(DemoLogin(email=email, organisations=names))
    for loader in _loaders:
        loader()
    return logins
