"""Sign-ins and failed sign-ins as security events, from Django's authentication signals.

Each is filed in every organisation the person is a member of, so its admins can see who signed
in and when someone tried their password. A failed sign-in for an address with no account is
filed in no organisation: it concerns nobody's data, and the throttle counts it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from socialvalue.web.ratelimit import client_ip

from .models import AuditEvent
from .registry import record_event


def organisations_of(user: Any) -> list[Any]:
    """The organisations whose trail records what happens to this person's account."""
    if user is None or user.pk is None:
        return []
    return [m.organisation for m in user.memberships.select_related("organisation")]


def _address(request: Any) -> dict[str, list[Any]]:
    ip = client_ip(request) if request is not None else None
    return {"ip_address": [None, ip]} if ip else {}


def _signed_in(sender, request=None, user=None, **kwargs) -> None:
    record_event(
        action=AuditEvent.Action.SIGN_IN,
        object_type=user._meta.label,
        object_id=user.pk,
        object_repr=str(user),
        organisations=organisations_of(user),
        changes=_address(request),
        actor=user,
    )


def _sign_in_failed(sender, credentials=None, request=None, **kwargs) -> None:
    User = get_user_model()
    email = str((credentials or {}).get("username") or (credentials or {}).get("email") or "")
    email = email.strip().lower()[:254]
    user = User._default_manager.filter(email=email).first() if email else None
    record_event(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        object_type=User._meta.label,
        object_id=user.pk if user is not None else "",
        object_repr=str(user) if user is not None else email,
        organisations=organisations_of(user),
        changes={"email": [None, email], **_address(request)},
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit-sign-in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="audit-sign-in-failed")
