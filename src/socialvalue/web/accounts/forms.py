"""Forms for signing in, organisation settings, invitations and members."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm

from socialvalue.web.forms import GovukForm
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
        help_text="At least 10 characters; not a common password.",
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class TokenForm(GovukForm):
    name = forms.CharField(
        label="What is this token for?",
        max_length=100,
        help_text="For example: monthly export script.",
    )


class PublicLinkPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, its emailed link built from SOCIALVALUE_URL.

    Django would build the link from the request's Host: behind a proxy that is an internal
    address, and a forged Host would put an attacker's domain in front of a valid reset token.
    """

    def save(self, *args, **kwargs):
        kwargs["domain_override"] = urlsplit(settings.SOCIALVALUE_URL).netloc
        return super().save(*args, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context["reset_url"] = absolute_reverse(
            "accounts:password_reset_confirm", uidb64=context["uid"], token=context["token"]
        )
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
