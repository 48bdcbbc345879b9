"""What the notifications app adds, once every app is loaded: its models in the audit trail and
its entry in the navigation, with the number unread."""

from __future__ import annotations

from typing import Any

from socialvalue.web import navigation
from socialvalue.web.audit.registry import audit
from socialvalue.web.audit.security import organisations_of

from . import services
from .models import Notification, Preference


def _unread(request: Any) -> int:
    actor = getattr(request, "actor", None)
    if actor is None or actor.user is None:
        return 0
    return services.unread_count(actor.user, actor.organisation_ids)


def register() -> None:
    audit(Notification, organisation=lambda n: n.organisation, exclude=("created_at",))
    audit(Preference, organisation=lambda p: organisations_of(p.user))
    navigation.add("Notifications", "notifications:list", order=98, count=_unread)
