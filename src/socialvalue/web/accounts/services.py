"""Account rules: throttled sign-in, API tokens, organisation settings, invitations and members."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.core.errors import InputError
from socialvalue.core.valuation import check_price_year
from socialvalue.web.audit.registry import acting_as
from socialvalue.web.emails import send_email
from socialvalue.web.links import absolute_reverse
from socialvalue.web.ratelimit import RateLimited, client_ip

from .models import (
    ApiToken,
    Invitation,
    LoginFailure,
    Membership,
    Organisation,
    PasswordResetRequest,
    Role,
    User,
    hash_secret,
)


class TooManyAttempts(RateLimited):
    """More failed sign-ins (or reset requests) than the window allows; answer 429 with Retry-After."""

    def __init__(self, retry_after: int, what: str = "failed sign-in attempts for this account"):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            retry_after,
            f"Too many {what}. Try again in about {minutes} {ngettext('minute', 'minutes', minutes)}.",
        )


def _over_limit(rows: Any, limit: int, window_seconds: int) -> int | None:
    """Seconds until `rows` (attempts within the window) drop below `limit`, or None if they are below it."""
    since = timezone.now() - dt.timedelta(seconds=window_seconds)
    recent = rows.filter(at__gte=since).order_by("-at").values_list("at", flat=True)
    times = list(recent[:limit])
    if len(times) < limit:
        return None
    # When the limit-th newest attempt leaves the window, one more is allowed.
    return max(int((times[-1] - since).total_seconds()) + 1, 1)


def check_throttle(email: str, ip: str | None = None) -> None:
    """Raise TooManyAttempts if this account was guessed at too often from this address, or this
    address failed too often whatever the accounts (one address spraying many accounts)."""
    email = email.strip().lower()
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    wait = _over_limit(
        LoginFailure.objects.filter(email=email, ip_address=ip),
        settings.LOGIN_FAILURE_LIMIT,
        window,
    )
    if wait is not None:
        raise TooManyAttempts(wait)
    wait = _over_limit(
        LoginFailure.objects.filter(ip_address=ip), settings.LOGIN_FAILURE_IP_LIMIT, window
    )
    if wait is not None:
        raise TooManyAttempts(wait, what="failed sign-in attempts from your network address")


def sign_in(*, email: str, password: str, request: Any = None) -> User | None:
    """The user with these credentials, or None; raises TooManyAttempts once throttled."""
    email = (email or "").strip().lower()
    ip = client_ip(request)
    check_throttle(email, ip)
    user = authenticate(request, username=email, password=password)
    if user is None:
        LoginFailure.objects.create(email=email, ip_address=ip)
        return None
    return user


def note_password_reset_request(*, email: str, request: Any = None) -> None:
    """Count a password-reset request, or raise TooManyAttempts if the address or the email address
    has had its share. Counted whether or not an account exists, so the answer tells nothing."""
    email = (email or "").strip().lower()
    ip = client_ip(request)
    limit, window = settings.PASSWORD_RESET_LIMIT, settings.PASSWORD_RESET_WINDOW_SECONDS
    wait = _over_limit(PasswordResetRequest.objects.filter(ip_address=ip), limit, window)
    if wait is not None:
        raise TooManyAttempts(wait, what="password reset requests from your network address")
    wait = _over_limit(PasswordResetRequest.objects.filter(email=email), limit, window)
    if wait is not None:
        raise TooManyAttempts(wait, what="password reset requests for this email address")
    PasswordResetRequest.objects.create(email=email, ip_address=ip)


def issue_token(*, user: User, name: str = "API token") -> tuple[ApiToken, str]:
    # Through the API a token is asked for before anyone is signed in: its owner is the actor.
    with acting_as(user):
        return ApiToken.issue(user, name=name or "API token")


def user_for_token(secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Writing on every request would serialise reads on SQLite; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def parse_areas(text: str | Iterable[str]) -> list[str]:
    """Areas from a list, or from text with one area per line or separated by commas or semicolons."""
    if isinstance(text, str):
        items = text.replace("\n", ",").replace(";", ",").split(",")
    else:
        items = list(text)
    return [a.strip() for a in items if a and a.strip()]


def update_organisation(
    *, organisation: Organisation, membership: Membership, **fields: Any
) -> Organisation:
    if not membership.allows(Role.ADMIN):
        raise PermissionDenied("Only an organisation admin can change its settings.")
    allowed = {"name", "organisation_type", "areas_served", "price_year"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({k: "This field cannot be changed." for k in unknown})
    if "areas_served" in fields:
        fields["areas_served"] = parse_areas(fields["areas_served"])
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": "Enter the organisation's name."})
    if (
        "organisation_type" in fields
        and fields["organisation_type"] not in Organisation.Type.values
    ):
        raise ValidationError(
            {"organisation_type": f"Choose one of: {', '.join(Organisation.Type.values)}."}
        )
    if fields.get("price_year") is not None:  # None: follow the latest year of the series
        try:
            fields["price_year"] = check_price_year(fields["price_year"])
        except InputError as exc:
            raise ValidationError({"price_year": exc.problems[0].message}) from None
    for key, value in fields.items():
        setattr(organisation, key, value.strip() if isinstance(value, str) else value)
    organisation.full_clean()
    organisation.save()
    return organisation


def invitation_link(secret: str) -> str:
    return absolute_reverse("accounts:accept_invitation", secret)


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    invited_by: User | None,
    email: str,
    role: str,
    champion: bool = False,
) -> tuple[Invitation, str]:
    """Record an invitation and email its link; returns the invitation and the link's secret."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}."})
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        champion=champion,
        token_hash=hash_secret(secret),
        invited_by=invited_by,
    )
    send_email(
        "accounts/emails/invitation",
        [invitation.email],
        {
            "organisation": organisation,
            "invited_by": invited_by,
            "role": invitation.get_role_display(),
            "valid_days": Invitation.VALID_DAYS,
            "link": invitation_link(secret),
        },
    )
    return invitation, secret


def open_invitation(secret: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_secret(secret))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def accept_invitation(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    if user is None:
        user = User.objects.filter(email=invitation.email).first()
    if user is None:
        try:
            # The person's own details make a weak password too ("fresh-person" for fresh-person@...).
            password_validation.validate_password(
                password, user=User(email=invitation.email, full_name=full_name)
            )
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    elif user.email != invitation.email:
        raise PermissionDenied("This invitation was sent to another email address.")
    Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": invitation.role, "champion": invitation.champion},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def show_first_steps(*, organisation: Organisation, membership: Membership, shown: bool) -> None:
    """Hide the home page's first-steps list, or bring it back (editors and admins)."""
    if not membership.allows(Role.EDITOR):
        raise PermissionDenied("Only an editor or admin can hide or show the first steps.")
    organisation.onboarding_dismissed_at = None if shown else timezone.now()
    organisation.save(update_fields=["onboarding_dismissed_at"])


def _admins_left(organisation: Organisation, excluding: Membership) -> int:
    return organisation.memberships.filter(role=Role.ADMIN).exclude(pk=excluding.pk).count()


def change_member(*, membership: Membership, role: str, champion: bool) -> Membership:
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and _admins_left(membership.organisation, membership) == 0
    ):
        raise ValidationError({"role": "An organisation needs at least one admin."})
    membership.role = role
    membership.champion = champion
    membership.save()
    return membership


def remove_member(*, membership: Membership) -> None:
    if membership.role == Role.ADMIN and _admins_left(membership.organisation, membership) == 0:
        raise ValidationError(
            "An organisation needs at least one admin: make someone else admin first."
        )
    membership.delete()
