"""Sign-in, sign-out, organisation switching and settings, members, invitations and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from socialvalue.web.links import absolute_reverse
from socialvalue.web.tenancy import SESSION_KEY, get_visible_or_404, switch_organisation

from . import services
from .forms import (
    AcceptInvitationForm,
    InviteForm,
    MemberForm,
    OrganisationForm,
    SignInForm,
    TokenForm,
)
from .models import ApiToken, Membership, Role, User


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
            response = render(request, "accounts/login.html", {"form": form}, status=429)
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
    return render(request, "accounts/login.html", {"form": form}, status=status)


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
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        request.actor.require(organisation.id, Role.ADMIN)
        if form.is_valid():
            try:
                services.update_organisation(
                    organisation=organisation, membership=membership, **form.cleaned_data
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
                invite_link = absolute_reverse("accounts:accept_invitation", secret)
                send_mail(
                    f"You are invited to {organisation.name} on socialvalue",
                    f"{request.user} invited you to join {organisation.name} as {invitation.get_role_display().lower()}.\n\n"
                    f"Accept within {invitation.VALID_DAYS} days: {invite_link}\n",
                    None,
                    [invitation.email],
                )
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
        elif form.is_valid():
            user = services.accept_invitation(invitation=invitation, user=None, **form.cleaned_data)
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
