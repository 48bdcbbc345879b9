"""Forms for signing in, organisation settings, invitations and members."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from socialvalue.core.valuation import load_deflators
from socialvalue.web.forms import GovukForm, GovukFormMixin
from socialvalue.web.links import absolute_reverse

from .models import Organisation, Role


class SignInForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OrganisationForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    organisation_type = forms.ChoiceField(label="Type", choices=Organisation.Type.choices)
    areas_served = forms.CharField(
        label="Areas served",
        required=False,
        help_text="One area per line, for example a borough or ward.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    price_year = forms.TypedChoiceField(
        label="Reporting price year",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Sums of pounds are restated to this year's prices with HM Treasury's GDP "
        "deflator, so values from proxies of different years can be added.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(load_deflators().index, reverse=True)
        # Left on the first choice, the year moves on when a newer deflator series ships.
        self.fields["price_year"].choices = [
            ("", f"The latest year of the deflator series (now {years[0]})")
        ] + [(y, str(y)) for y in years]


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text="Viewers read; editors record and change; admins also manage members and settings.",
    )
    champion = forms.BooleanField(label="Social value champion", required=False)


class MemberForm(GovukForm):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    champion = forms.BooleanField(label="Social value champion", required=False)


class AcceptInvitationForm(GovukForm):
    full_name = forms.CharField(label="Your name", max_length=200)
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, and not like your name or email address.",
        error_messages={"required": "Choose a password."},
    )


class TokenForm(GovukForm):
    name = forms.CharField(
        label="What is this token for?",
        max_length=100,
        help_text="For example: monthly export script.",
        error_messages={
            "required": "Say what the token is for, for example: monthly export script.",
            "max_length": "Say what the token is for in at most %(limit_value)d characters.",
        },
    )


class RegistrationForm(GovukForm):
    """Parses the registration page; the rules are `registration.register`'s."""

    full_name = forms.CharField(label="Your full name", max_length=200)
    email = forms.EmailField(
        label="Your email address",
        help_text="We send a link to confirm it. You sign in with it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, and not like your name or email address.",
    )
    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As it is known to the people you work with.",
    )
    kind = forms.ChoiceField(label="What kind of organisation is it?", widget=forms.RadioSelect)
    organisation_type = forms.ChoiceField(
        label="Legal form", choices=[("", "Choose one"), *Organisation.Type.choices]
    )
    areas_served = forms.CharField(
        label="Areas served (optional)",
        required=False,
        help_text="One per line, for example a borough or ward.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    KIND_LABELS = {
        "provider": "A provider of care or support services",
        "commissioner": "A council or other body that commissions services",
    }

    PERSONAL_FIELDS = ("full_name", "email", "password")

    def __init__(self, *args, kinds: list[str], signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:  # the account exists: only the organisation is asked for
            for name in self.PERSONAL_FIELDS:
                del self.fields[name]
        self.fields["kind"].choices = [(k, self.KIND_LABELS[k]) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["kind"].error_messages["required"] = "Choose what kind of organisation it is."
        self.fields["organisation_type"].error_messages["required"] = (
            "Choose the organisation's legal form."
        )
        for name, message in {
            "full_name": "Enter your full name.",
            "email": "Enter your email address.",
            "password": "Choose a password.",
            "organisation_name": "Enter the organisation's name.",
        }.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        if "email" in self.fields:
            self.fields["email"].error_messages["invalid"] = (
                "Enter an email address in the right format, like name@example.org."
            )


class NewPasswordForm(GovukFormMixin, SetPasswordForm):
    """Django's form for the new password a reset link leads to, its errors worded like every
    other form's."""

    error_messages = {
        "password_mismatch": "Enter the same new password twice: the two passwords are different."
    }
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, and not like your name or email address.",
    )
    new_password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Type the same password again, to check it.",
    )


class PublicLinkPasswordResetForm(GovukFormMixin, PasswordResetForm):
    """Django's password-reset form, its emailed link built from SOCIALVALUE_URL, its errors
    worded like every other form's.

    Django would build the link from the request's Host: behind a proxy that is an internal
    address, and a forged Host would put an attacker's domain in front of a valid reset token.
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, *args, **kwargs):
        kwargs["domain_override"] = urlsplit(settings.SOCIALVALUE_URL).netloc
        return super().save(*args, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context["reset_url"] = absolute_reverse(
            "accounts:password_reset_confirm", uidb64=context["uid"], token=context["token"]
        )
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
