"""Users sign in by email; they belong to organisations (providers or commissioners) through memberships."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from socialvalue.core.valuation import load_deflators

if TYPE_CHECKING:
    from socialvalue.web.tenancy import Actor


class TenantQuerySet(models.QuerySet):
    """Rows owned by one organisation through an `organisation` foreign key.

    Every app's models take it from `socialvalue.web.tenancy`, which builds on this module.
    """

    def visible_to(self, actor: Actor) -> models.QuerySet:
        return self.filter(organisation_id__in=actor.organisation_ids)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        return self.filter(id__in=actor.organisation_ids)

    def active(self) -> models.QuerySet:
        return self.filter(status=Organisation.Status.ACTIVE)

    def with_name(self, name: str) -> models.QuerySet:
        """Organisations whose name matches, ignoring case and surrounding spaces."""
        return self.filter(name__iexact=" ".join(name.split()))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Site administrator: may import value sets site-wide."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        """Save; when the password was changed (a change, a reset, an admin setting it), every API
        token of the person is revoked, so a token taken with the old password stops working too.

        `set_password` keeps the new password in `_password` until the save; Django's rehash of a
        stored password on sign-in clears it first, so an upgrade of the hash revokes nothing.
        """
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            self.revoke_api_tokens()

    def revoke_api_tokens(self) -> int:
        """Revoke every active API token of this person (one by one, so each is audited)."""
        now = timezone.now()
        revoked = 0
        for token in self.api_tokens.filter(revoked_at__isnull=True):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            revoked += 1
        return revoked

    @property
    def email_local_part(self) -> str:
        """The address before the @, which the password checks compare against."""
        return self.email.partition("@")[0]

    def memberships_in_order(self):
        """Memberships of active organisations: one awaiting approval or refused gives no workspace."""
        return (
            self.memberships.select_related("organisation")
            .filter(organisation__status=Organisation.Status.ACTIVE)
            .order_by("organisation__name")
        )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROVIDER = "provider", "Provider"
        COMMISSIONER = "commissioner", "Commissioner"

    class Type(models.TextChoices):
        CHARITY = "charity", "Charity"
        SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
        COMPANY = "company", "Company"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        REFUSED = "refused", "Refused"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation_type = models.CharField("type", max_length=30, choices=Type.choices)
    areas_served = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        help_text="Only an active organisation's members can use its workspace.",
    )
    status_reason = models.TextField(
        blank=True, help_text="Why a registration was refused; sent to the person who made it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: When the first-steps list on the home page was dismissed (None: shown until every step is done).
    onboarding_dismissed_at = models.DateTimeField(null=True, blank=True)
    #: The price year the organisation reports money in; None: the latest year of the shipped
    #: GDP deflator series (so the default moves on when a newer series is shipped).
    price_year = models.PositiveSmallIntegerField(
        "reporting price year",
        null=True,
        blank=True,
        help_text="Every sum of pounds is restated to this year's prices with the GDP deflator.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_commissioner(self) -> bool:
        return self.kind == self.Kind.COMMISSIONER

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def reporting_price_year(self) -> int:
        """The year whose prices this organisation's figures are shown in."""
        return self.price_year or load_deflators().last_year


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


#: What each role may do, from least to most.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    champion = models.BooleanField(
        default=False, help_text="A social value champion for the organisation."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["organisation__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    def allows(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    champion = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    #: Days an invitation link stays valid.
    VALID_DAYS = 14

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    @property
    def is_open(self) -> bool:
        age = timezone.now() - self.created_at
        return self.accepted_at is None and age.days < self.VALID_DAYS


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored, so a leaked database leaks no tokens."""

    PREFIX = "sv_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str = "API token") -> tuple[ApiToken, str]:
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_secret(secret), hint=secret[:10]
        )
        return token, secret

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """One failed sign-in, kept to throttle guessing: per account and address, and per address."""

    email = models.CharField(max_length=254, db_index=True)
    #: The client address as the server saw it (REMOTE_ADDR); empty when the server gave none.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"]),
            models.Index(fields=["ip_address", "at"], name="accounts_lo_ip_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Failed sign-in for {self.email} at {self.at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """Someone asking for a new organisation with themselves as its first admin.

    The password is kept only as its hash; nothing is created until the email address is verified.
    """

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", "Awaiting email verification"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        ACTIVE = "active", "Active"
        REFUSED = "refused", "Refused"

    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    password_hash = models.CharField(max_length=256, editable=False)
    organisation_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Organisation.Kind.choices)
    organisation_type = models.CharField("type", max_length=30, choices=Organisation.Type.choices)
    areas_served = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_EMAIL)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        help_text="Created when the email address is verified.",
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )

    #: Days a verification link stays valid.
    VALID_DAYS = 3

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Registration of {self.organisation_name} by {self.email}"

    @property
    def link_is_open(self) -> bool:
        age = timezone.now() - self.created_at
        return self.status == self.Status.AWAITING_EMAIL and age.days < self.VALID_DAYS


class PasswordResetRequest(models.Model):
    """One password-reset request, kept to limit them per address and per email address."""

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email", "at"], name="accounts_pr_email_at_idx"),
            models.Index(fields=["ip_address", "at"], name="accounts_pr_ip_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Password reset for {self.email} at {self.at:%Y-%m-%d %H:%M}"
