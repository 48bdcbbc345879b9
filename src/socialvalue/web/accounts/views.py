"""Sign-in, sign-out, organisation switching and settings, members, invitations and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from socialvalue.web.audit.registry import acting_as
from socialvalue.web.ratelimit import client_ip
from socialvalue.web.tenancy import SESSION_KEY, get_visible_or_404, switch_organisation

from . import registration, services
from .forms import (
    AcceptInvitationForm,
    InviteForm,
    MemberForm,
    NewPasswordForm,
    OrganisationForm,
    PublicLinkPasswordResetForm,
    RegistrationForm,
    SignInForm,
    TokenForm,
)
from .models import ApiToken, Membership, Registration, Role, User


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("pages:home")
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except services.TooManyAttempts as exc:
            form.add_error(None, str(exc))
            response = render(
                request,
                "accounts/login.html",
                {"form": form, "can_register": registration.registration_is_open()},
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        if user is not None:
            login(request, user)
            next_url = request.GET.get("next", "")
            if next_url.startswith("/") and not next_url.startswith("//"):
                return redirect(next_url)
            return redirect("pages:home")
        form.add_error("password", "The email address or password is not right.")
        status = 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "can_register": registration.registration_is_open()},
        status=status,
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password page: the audit trail records the reset as the link holder's own."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        with acting_as(form.user):
            return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, limited per address and per email address (429 with Retry-After).

    Requests are counted whether or not the email address has an account, so neither the
    neutral "sent" page nor the 429 tells anyone which addresses are registered.
    """

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    form_class = PublicLinkPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            services.note_password_reset_request(
                email=form.cleaned_data["email"], request=self.request
            )
        except services.TooManyAttempts as exc:
            form.add_error(None, str(exc))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().form_valid(form)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = -1
    organisation = switch_organisation(request, organisation_id)
    messages.success(request, f"You are now working in {organisation.name}.")
    return redirect("pages:home")


@login_required
def organisation_settings(request: HttpRequest) -> HttpResponse:
    membership = request.actor.require(request.organisation.id, Role.VIEWER)
    organisation = membership.organisation
    initial = {
        "name": organisation.name,
        "organisation_type": organisation.organisation_type,
        "areas_served": "\n".join(organisation.areas_served),
        "price_year": organisation.price_year,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        request.actor.require(organisation.id, Role.ADMIN)
        if form.is_valid():
            fields = dict(form.cleaned_data)  # a price year of None follows the latest series
            try:
                services.update_organisation(
                    organisation=organisation, membership=membership, **fields
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Organisation settings saved.")
                return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {"form": form, "organisation": organisation, "can_edit": membership.allows(Role.ADMIN)},
    )


@login_required
def members(request: HttpRequest) -> HttpResponse:
    membership = request.actor.require(request.organisation.id, Role.VIEWER)
    organisation = membership.organisation
    form = InviteForm(request.POST or None)
    invite_link = None
    if request.method == "POST":
        request.actor.require(organisation.id, Role.ADMIN)
        if form.is_valid():
            try:
                invitation, secret = services.invite_member(
                    organisation=organisation, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                invite_link = services.invitation_link(secret)
                messages.success(request, f"Invitation sent to {invitation.email}.")
                form = InviteForm()
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").order_by("user__email"),
        "invitations": [
            i for i in organisation.invitations.filter(accepted_at__isnull=True) if i.is_open
        ],
        "form": form,
        "invite_link": invite_link,
        "is_admin": membership.allows(Role.ADMIN),
    }
    return render(request, "accounts/members.html", context)


@login_required
def member_edit(request: HttpRequest, membership_id: int) -> HttpResponse:
    target = get_visible_or_404(Membership, request.actor, pk=membership_id)
    request.actor.require(target.organisation_id, Role.ADMIN)
    form = MemberForm(
        request.POST or None, initial={"role": target.role, "champion": target.champion}
    )
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.remove_member(membership=target)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("accounts:member_edit", membership_id=target.pk)
            messages.success(
                request, f"{target.user.email} no longer belongs to {target.organisation.name}."
            )
            return redirect("accounts:members")
        if form.is_valid():
            try:
                services.change_member(membership=target, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{target.user.email} updated.")
                return redirect("accounts:members")
    return render(request, "accounts/member_edit.html", {"form": form, "target": target})


def accept_invitation(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = services.open_invitation(secret)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=invitation.email).first()
    form = AcceptInvitationForm(request.POST or None) if existing is None else None
    if request.method == "POST":
        if existing is not None:
            if not request.user.is_authenticated or request.user.email != invitation.email:
                messages.error(request, f"Sign in as {invitation.email} to accept this invitation.")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            services.accept_invitation(invitation=invitation, user=request.user)
            user = request.user
        elif form.is_valid() and _accepted(form, invitation):
            user = form.user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        else:
            return render(
                request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form}
            )
        request.session[SESSION_KEY] = invitation.organisation_id
        messages.success(request, f"Welcome to {invitation.organisation.name}.")
        return redirect("pages:home")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )


def _accepted(form: AcceptInvitationForm, invitation) -> bool:
    """Accept the invitation with a new account; False with the errors on the form when refused."""
    try:
        form.user = services.accept_invitation(
            invitation=invitation, user=None, **form.cleaned_data
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    return True


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _, new_secret = services.issue_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_secret": new_secret,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.revoke_token(user=request.user, token_id=token_id)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")


@login_required
@require_POST
def first_steps(request: HttpRequest) -> HttpResponse:
    membership = request.actor.require(request.organisation.id, Role.EDITOR)
    shown = request.POST.get("show") == "1"
    services.show_first_steps(
        organisation=membership.organisation, membership=membership, shown=shown
    )
    if shown:
        messages.success(request, "The first steps are back on the home page.")
    else:
        messages.success(
            request, "First steps hidden. Bring them back from the organisation's settings."
        )
    return redirect("pages:home")


def registration_throttled(request: HttpRequest) -> int | None:
    """Seconds to wait when this address has registered too often, else None."""
    return registration.seconds_until_another(client_ip(request))


def register(request: HttpRequest) -> HttpResponse:
    """Register an organisation, with the person registering as its first admin."""
    kinds = registration.open_kinds()
    if not kinds:
        raise Http404("Registration is closed on this site.")
    signed_in = request.user.is_authenticated
    form = RegistrationForm(request.POST or None, kinds=kinds, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        retry_after = registration_throttled(request)
        if retry_after is not None:
            form.add_error(
                None,
                "Too many registrations from your network. Try again in about "
                f"{max(1, round(retry_after / 60))} minutes.",
            )
            response = render(request, "accounts/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        try:
            if signed_in:
                made = registration.register_for_user(
                    user=request.user, **form.cleaned_data, ip_address=client_ip(request)
                )
            else:
                made = registration.register(**form.cleaned_data, ip_address=client_ip(request))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if signed_in:
                if made.organisation.is_active:
                    request.session[SESSION_KEY] = made.organisation_id
                    messages.success(request, f"{made.organisation_name} is registered.")
                return redirect("pages:home")
            request.session["registered_email"] = made.email
            return redirect("accounts:registration_sent")
    return render(request, "accounts/register.html", {"form": form})


def registration_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/registration_sent.html",
        {
            "email": request.session.get("registered_email", ""),
            "valid_days": Registration.VALID_DAYS,
        },
    )


def verify_registration(request: HttpRequest, secret: str) -> HttpResponse:
    """The emailed link: a button to confirm (mail scanners follow links, but do not press buttons)."""
    found = registration.registration_for_link(secret)
    if found is None:
        return render(request, "accounts/registration_link_invalid.html", status=404)
    error = None
    if request.method == "POST":
        try:
            found = registration.verify_registration(registration=found)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return render(request, "accounts/registration_verified.html", {"registration": found})
    return render(
        request, "accounts/verify_registration.html", {"registration": found, "error": error}
    )


def no_organisation(request: HttpRequest, status: int = 200) -> HttpResponse:
    """What a signed-in person who belongs to no active organisation sees, wherever they go."""
    return render(
        request,
        "accounts/no_organisation.html",
        {
            "pending": registration.pending_for(request.user),
            "can_register": registration.registration_is_open(),
        },
        status=status,
    )
