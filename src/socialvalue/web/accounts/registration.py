"""New organisations: created by a site operator, or registered by a person who then verifies their email.

The policy (`settings.REGISTRATION_POLICY`) says, for each kind of organisation, whether
self-service registration is open, needs a site administrator's approval, or is closed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from socialvalue.web.emails import send_email
from socialvalue.web.links import absolute_reverse

from .models import Invitation, Membership, Organisation, Registration, Role, User, hash_secret
from .policy import APPROVAL, CLOSED
from .services import invite_member, parse_areas


def policy_for(kind: str) -> str:
    return settings.REGISTRATION_POLICY.get(kind, CLOSED)


def open_kinds() -> list[str]:
    """The kinds of organisation that may register themselves, in the order the form offers them."""
    return [kind for kind in Organisation.Kind.values if policy_for(kind) != CLOSED]


def registration_is_open() -> bool:
    return bool(open_kinds())


def clean_name(name: str) -> str:
    return " ".join(str(name or "").split())


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_new_organisation(
    *, name: str, kind: str, organisation_type: str, errors: dict[str, list[str]]
) -> None:
    if not name:
        errors.setdefault("organisation_name", []).append("Enter the organisation's name.")
    elif len(name) > 200:
        errors.setdefault("organisation_name", []).append(
            "The organisation's name must be 200 characters or fewer."
        )
    elif (
        Organisation.objects.with_name(name).exclude(status=Organisation.Status.REFUSED).exists()
        or _pending_registrations().filter(organisation_name__iexact=name).exists()
    ):
        errors.setdefault("organisation_name", []).append(
            f"An organisation called “{name}” is already registered. If it is yours, ask its admin "
            "to invite you."
        )
    if kind not in Organisation.Kind.values:
        errors.setdefault("kind", []).append("Choose provider or commissioner.")
    if organisation_type not in Organisation.Type.values:
        errors.setdefault("organisation_type", []).append(
            f"Choose one of: {', '.join(Organisation.Type.values)}."
        )


def seconds_until_another(ip_address: str | None) -> int | None:
    """Seconds until this address may register again, or None: counted from the database, so every
    web process and machine shares the limit (settings.REGISTRATION_RATE_LIMIT an hour)."""
    if not ip_address:
        return None
    window = dt.timedelta(seconds=settings.REGISTRATION_RATE_WINDOW_SECONDS)
    recent = Registration.objects.filter(
        ip_address=ip_address, created_at__gte=timezone.now() - window
    ).order_by("created_at")
    if recent.count() < settings.REGISTRATION_RATE_LIMIT:
        return None
    return max(1, int((recent.first().created_at + window - timezone.now()).total_seconds()))


def _check_kind_open(kind: str, errors: dict[str, list[str]]) -> None:
    if kind in Organisation.Kind.values and policy_for(kind) == CLOSED:
        errors.setdefault("kind", []).append(
            f"Registration of {Organisation.Kind(kind).label.lower()}s is closed on this site: ask "
            "the site's operator to create the organisation."
        )


def _pending_registrations():
    """Registrations still waiting for their email link (within its validity) and not yet decided."""
    cutoff = timezone.now() - dt.timedelta(days=Registration.VALID_DAYS)
    return Registration.objects.filter(
        status=Registration.Status.AWAITING_EMAIL, created_at__gte=cutoff
    )


def _check_email(email: str, errors: dict[str, list[str]], field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.setdefault(field, []).append(
            "Enter an email address in the right format, like name@example.org."
        )
        return email
    if User.objects.filter(email__iexact=email).exists():
        errors.setdefault(field, []).append(
            "An account already uses this email address: sign in, or reset your password."
        )
    return email


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    organisation_type: str,
    admin_email: str,
    areas_served: str | list[str] = (),
    invited_by: User | None = None,
) -> tuple[Organisation, Invitation, str]:
    """An active organisation and an emailed invitation for its first admin (a site operator's action).

    Returns the organisation, the invitation and the invitation's secret (for its link).
    """
    name = clean_name(name)
    errors: dict[str, list[str]] = {}
    _check_new_organisation(
        name=name, kind=kind, organisation_type=organisation_type, errors=errors
    )
    admin_email = (admin_email or "").strip().lower()
    try:
        validate_email(admin_email)
    except ValidationError:
        errors.setdefault("admin_email", []).append(
            "Enter the first admin's email address in the right format, like name@example.org."
        )
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.create(
        name=name,
        slug=_unique_slug(name),
        kind=kind,
        organisation_type=organisation_type,
        areas_served=parse_areas(areas_served),
    )
    invitation, secret = invite_member(
        organisation=organisation, invited_by=invited_by, email=admin_email, role=Role.ADMIN
    )
    return organisation, invitation, secret


@transaction.atomic
def register(
    *,
    email: str,
    password: str,
    full_name: str,
    organisation_name: str,
    kind: str,
    organisation_type: str,
    areas_served: str | list[str] = (),
    ip_address: str | None = None,
) -> Registration:
    """Record a registration and email its verification link; nothing else exists until it is opened."""
    errors: dict[str, list[str]] = {}
    full_name = clean_name(full_name)
    if not full_name:
        errors.setdefault("full_name", []).append("Enter your full name.")
    elif len(full_name) > 200:
        errors.setdefault("full_name", []).append("Your name must be 200 characters or fewer.")
    email = _check_email(email, errors)
    name = clean_name(organisation_name)
    _check_new_organisation(
        name=name, kind=kind, organisation_type=organisation_type, errors=errors
    )
    _check_kind_open(kind, errors)
    try:
        # The person's own details make a weak password too ("fresh-person" for fresh-person@...).
        password_validation.validate_password(
            password or "", user=User(email=email, full_name=full_name)
        )
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    # Asking again replaces an unconfirmed request (a mistyped name, a lost email).
    Registration.objects.filter(email=email, status=Registration.Status.AWAITING_EMAIL).delete()
    secret = secrets.token_urlsafe(32)
    registration = Registration(
        email=email,
        full_name=full_name,
        organisation_name=name,
        kind=kind,
        organisation_type=organisation_type,
        areas_served=parse_areas(areas_served),
        token_hash=hash_secret(secret),
        ip_address=ip_address,
    )
    registration.password_hash = make_password(password)
    registration.save()
    send_email(
        "accounts/emails/verify_email",
        [email],
        {
            "registration": registration,
            "link": absolute_reverse("accounts:verify_registration", secret),
            "valid_days": Registration.VALID_DAYS,
            "needs_approval": policy_for(kind) == APPROVAL,
        },
    )
    return registration


def registration_for_link(secret: str) -> Registration | None:
    registration = Registration.objects.filter(token_hash=hash_secret(secret)).first()
    return registration if registration is not None and registration.link_is_open else None


@transaction.atomic
def verify_registration(*, registration: Registration) -> Registration:
    """Create the person's account and the organisation, active or waiting for approval."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.link_is_open:
        raise ValidationError("This link has expired or was used already.")
    errors: dict[str, list[str]] = {}
    # Someone else may have taken the name or the address since the form was sent.
    if User.objects.filter(email__iexact=registration.email).exists():
        errors["email"] = ["An account already uses this email address: sign in instead."]
    if (
        Organisation.objects.with_name(registration.organisation_name)
        .exclude(status=Organisation.Status.REFUSED)
        .exists()
    ):
        errors["organisation_name"] = [
            f"An organisation called “{registration.organisation_name}” was registered meanwhile."
        ]
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(registration.email, None, full_name=registration.full_name)
    user.password = registration.password_hash
    user.save(update_fields=["password"])
    registration.password_hash = ""  # the account holds it now
    return _open_workspace(registration, user)


@transaction.atomic
def register_for_user(
    *,
    user: User,
    organisation_name: str,
    kind: str,
    organisation_type: str,
    areas_served: str | list[str] = (),
    ip_address: str | None = None,
) -> Registration:
    """A signed-in person registers an organisation: their address is known, so no email link."""
    errors: dict[str, list[str]] = {}
    name = clean_name(organisation_name)
    _check_new_organisation(
        name=name, kind=kind, organisation_type=organisation_type, errors=errors
    )
    _check_kind_open(kind, errors)
    if errors:
        raise ValidationError(errors)
    registration = Registration(
        email=user.email,
        full_name=user.full_name,
        organisation_name=name,
        kind=kind,
        organisation_type=organisation_type,
        areas_served=parse_areas(areas_served),
        token_hash=hash_secret(secrets.token_urlsafe(32)),
        ip_address=ip_address,
    )
    return _open_workspace(registration, user)


def _open_workspace(registration: Registration, user: User) -> Registration:
    """The organisation with `user` as its admin: active, or waiting for a site administrator."""
    needs_approval = policy_for(registration.kind) == APPROVAL
    organisation = Organisation.objects.create(
        name=registration.organisation_name,
        slug=_unique_slug(registration.organisation_name),
        kind=registration.kind,
        organisation_type=registration.organisation_type,
        areas_served=registration.areas_served,
        status=Organisation.Status.AWAITING_APPROVAL
        if needs_approval
        else Organisation.Status.ACTIVE,
    )
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    registration.user, registration.organisation = user, organisation
    registration.verified_at = timezone.now()
    registration.status = (
        Registration.Status.AWAITING_APPROVAL if needs_approval else Registration.Status.ACTIVE
    )
    if not needs_approval:
        registration.decided_at = registration.verified_at
    registration.save()
    context = {"organisation": organisation, "user": user}
    if needs_approval:
        send_email("accounts/emails/registration_waiting", [user.email], context)
        site_admins = User.objects.filter(is_staff=True, is_active=True).values_list(
            "email", flat=True
        )
        send_email(
            "accounts/emails/registration_to_approve",
            site_admins,
            {
                **context,
                "link": absolute_reverse("admin:accounts_organisation_change", organisation.pk),
            },
        )
    else:
        send_email(
            "accounts/emails/registration_active",
            [user.email],
            {**context, "approved": False, "link": absolute_reverse("accounts:login")},
        )
    return registration


def _registrants(organisation: Organisation) -> list[User]:
    users = [r.user for r in organisation.registrations.select_related("user") if r.user]
    return users or [m.user for m in organisation.memberships.filter(role=Role.ADMIN)]


@transaction.atomic
def approve_organisation(*, organisation: Organisation) -> Organisation:
    """Open a registered organisation's workspace and tell the person who registered it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == Organisation.Status.ACTIVE:
        raise ValidationError(f"{organisation.name} is already active.")
    organisation.status, organisation.status_reason = Organisation.Status.ACTIVE, ""
    organisation.save(update_fields=["status", "status_reason"])
    organisation.registrations.filter(status=Registration.Status.AWAITING_APPROVAL).update(
        status=Registration.Status.ACTIVE, decided_at=timezone.now()
    )
    for user in _registrants(organisation):
        send_email(
            "accounts/emails/registration_active",
            [user.email],
            {
                "organisation": organisation,
                "user": user,
                "approved": True,
                "link": absolute_reverse("accounts:login"),
            },
        )
    return organisation


@transaction.atomic
def refuse_organisation(*, organisation: Organisation, reason: str) -> Organisation:
    """Refuse a registration awaiting approval, with the reason sent to the person who made it."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    reason = (reason or "").strip()
    if organisation.status != Organisation.Status.AWAITING_APPROVAL:
        raise ValidationError(
            f"Only a registration awaiting approval can be refused; {organisation.name} is "
            f"{organisation.get_status_display().lower()}."
        )
    if not reason:
        raise ValidationError({"reason": ["Say why the registration is refused."]})
    organisation.status, organisation.status_reason = Organisation.Status.REFUSED, reason
    organisation.save(update_fields=["status", "status_reason"])
    organisation.registrations.filter(status=Registration.Status.AWAITING_APPROVAL).update(
        status=Registration.Status.REFUSED, decided_at=timezone.now()
    )
    for user in _registrants(organisation):
        send_email(
            "accounts/emails/registration_refused",
            [user.email],
            {"organisation": organisation, "user": user, "reason": reason},
        )
    return organisation


def pending_for(user: Any) -> list[Organisation]:
    """The organisations this person registered or belongs to that are not (yet) active."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(memberships__user=user)
        .exclude(status=Organisation.Status.ACTIVE)
        .order_by("name")
    )
