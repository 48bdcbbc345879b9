"""factory_boy factories for the web models, and a small world of organisations and people."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from socialvalue.web.accounts.models import Membership, Organisation, User

PASSWORD = "correct-horse-battery"


@cache
def _hashed_password() -> str:
    # Argon2 is deliberately slow; hash the shared test password once per run.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.LazyFunction(_hashed_password)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.PROVIDER
    organisation_type = Organisation.Type.CHARITY
    areas_served = factory.LazyFunction(lambda: ["Riverside"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "viewer"


@dataclass
class World:
    alice_org: Organisation
    other_org: Organisation
    admin: User
    editor: User
    viewer: User
    outsider: User


def world() -> World:
    """Alice's organisation with three members, and Charlie, who belongs only to another organisation."""
    alice_org = OrganisationFactory(name="Alice Care", slug="alice-care")
    other_org = OrganisationFactory(name="Charlie Support", slug="charlie-support")
    admin = UserFactory(email="alice@example.org")
    editor = UserFactory(email="eddie@example.org")
    viewer = UserFactory(email="vera@example.org")
    outsider = UserFactory(email="charlie@example.org")
    MembershipFactory(user=admin, organisation=alice_org, role="admin")
    MembershipFactory(user=editor, organisation=alice_org, role="editor")
    MembershipFactory(user=viewer, organisation=alice_org, role="viewer")
    MembershipFactory(user=outsider, organisation=other_org, role="admin")
    return World(alice_org, other_org, admin, editor, viewer, outsider)


def token_for(user: User) -> str:
    from socialvalue.web.accounts.services import issue_token

    return issue_token(user=user)[1]


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
