"""API routes for the signed-in person's notifications: list them, read or unread, and mark them read."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from socialvalue.web.api.schemas import Id, Pages, answers
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import services
from .models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    organisation_id: int
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool

    @staticmethod
    def resolve_read(obj: Notification) -> bool:
        return obj.is_read


class MarkedOut(Schema):
    marked: int = Field(..., description="How many were unread and are now read.")


@router.get(
    "/notifications",
    response=answers(list[NotificationOut]),
    summary="Your notifications, newest first",
)
@paginate(Pages)
def list_notifications(request: HttpRequest, unread: bool | None = None):
    """`?unread=true` for the unread ones only, `?unread=false` for those already read."""
    found = visible(Notification, request.actor)
    if unread is not None:
        found = found.filter(read_at__isnull=unread)
    return found


@router.post(
    "/notifications/{notification_id}/read",
    response=answers(NotificationOut, 404),
    summary="Mark one notification read",
)
def mark_read(request: HttpRequest, notification_id: Id):
    notification = get_visible_or_404(Notification, request.actor, pk=notification_id)
    services.mark_read(
        notifications=Notification.objects.filter(pk=notification.pk), actor=request.actor
    )
    notification.refresh_from_db()
    return notification


@router.post(
    "/notifications/read", response=answers(MarkedOut), summary="Mark all your notifications read"
)
def mark_all_read(request: HttpRequest):
    marked = services.mark_read(
        notifications=visible(Notification, request.actor), actor=request.actor
    )
    return {"marked": marked}
