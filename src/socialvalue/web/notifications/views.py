"""Pages: the person's notifications, marking them read, their email preferences, and the
unsubscribe link of an email (which needs no sign-in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from socialvalue.web.forms import add_domain_errors
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import services
from .forms import PreferencesForm
from .models import Kind, Notification

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    shown = visible(Notification, request.actor).select_related("organisation")
    unread_only = request.GET.get("show") == "unread"
    if unread_only:
        shown = shown.filter(read_at__isnull=True)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(
        notifications=visible(Notification, request.actor), actor=request.actor
    )
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


@login_required
@require_POST
def mark_one_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_visible_or_404(Notification, request.actor, pk=notification_id)
    services.mark_read(
        notifications=Notification.objects.filter(pk=notification.pk), actor=request.actor
    )
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=services.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_preferences(user=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Your email preferences are saved.")
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From an email: a page with one button (mail scanners follow links, so GET changes nothing)."""
    try:
        user, kind = services.read_unsubscribe_token(token)
    except ValidationError:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"kind_label": Kind(kind).label, "email": user.email, "done": done},
    )
