"""What the accounts app adds, once every app is loaded: its models in the audit trail and its first steps."""

from __future__ import annotations

from socialvalue.web import onboarding
from socialvalue.web.audit.registry import audit
from socialvalue.web.audit.security import organisations_of

from .models import ApiToken, Invitation, Membership, Organisation, Registration, User


def register() -> None:
    audit(
        Organisation,
        organisation=lambda o: o,
        exclude=("created_at", "onboarding_dismissed_at"),
    )
    audit(Membership, organisation=lambda m: m.organisation)
    audit(Invitation, organisation=lambda i: i.organisation, exclude=("token_hash",))
    # A registration has no organisation until its email is confirmed; then it is filed there.
    audit(
        Registration,
        organisation=lambda r: r.organisation,
        exclude=("password_hash", "token_hash"),
    )
    # A person's account is filed in each organisation they belong to. The password is
    # recorded as changed (a change or a reset), never its hash; a sign-in's time is a
    # security event of its own, not an account change.
    audit(User, organisation=organisations_of, exclude=("last_login",), redact=("password",))
    audit(
        ApiToken,
        organisation=lambda token: organisations_of(token.user),
        exclude=("token_hash", "last_used_at"),
    )
    _first_steps()


def _first_steps() -> None:
    both = (onboarding.PROVIDER, onboarding.COMMISSIONER)

    def details(organisation: Organisation) -> str:
        return onboarding.done_if(bool(organisation.areas_served))

    def colleagues(organisation: Organisation) -> str:
        others = organisation.memberships.count() > 1 or organisation.invitations.exists()
        champion = (
            organisation.memberships.filter(champion=True).exists()
            or organisation.invitations.filter(champion=True, accepted_at__isnull=True).exists()
        )
        return onboarding.done_if(others and champion, started=others or champion)

    onboarding.add(
        "details",
        "Check your organisation's details",
        hint="Its name, legal form and the areas it serves.",
        url_name="accounts:organisation",
        order=10,
        kinds=both,
        status=details,
    )
    onboarding.add(
        "colleagues",
        "Invite colleagues and name a champion",
        hint="Who records, who verifies, and who champions social value.",
        url_name="accounts:members",
        order=20,
        kinds=both,
        status=colleagues,
    )
