"""Telling people what happened: `notify` records each event once per person and emails it as they prefer.

The areas call `notify` (or `notify_members`, for an organisation's editors and admins) inside the
transaction of the action; the emails are queued and go out once it commits (`web.emails`), so a
refused or rolled-back action tells nobody anything. Each email carries a link that turns its
kind off without signing in (a signed token, `unsubscribe_token`). `send_digests` sends the daily
summaries; the award's events go through `award_event`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from socialvalue.web.accounts.models import Membership, Role, User
from socialvalue.web.emails import send_email
from socialvalue.web.links import absolute_reverse, absolute_url

from .models import Delivery, Kind, Notification, Preference

#: Keeps an unsubscribe token from being mistaken for any other signed value of the site.
UNSUBSCRIBE_SALT = "socialvalue.notifications.unsubscribe"

#: The kinds an award decision tells, wired by the procurement's award.
AWARD_KINDS = (Kind.BID_OUTCOME, Kind.STANDSTILL_ENDED, Kind.CONTRACT_ENTERED)


def members(organisation: Any, role: str = Role.EDITOR) -> list[User]:
    """The active people of `organisation` with at least `role`: those who can act on what they hear."""
    found = Membership.objects.filter(
        organisation=organisation, user__is_active=True
    ).select_related("user")
    return [m.user for m in found if m.allows(role)]


def delivery_for(users: Iterable[Any], kind: str) -> dict[int, str]:
    chosen = dict(
        Preference.objects.filter(user__in=list(users), kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {user.pk: chosen.get(user.pk, Delivery.IMMEDIATELY) for user in users}


@transaction.atomic
def notify(
    kind: str,
    users: Iterable[Any],
    *,
    organisation: Any,
    title: str,
    link: str = "",
    key: str,
    skip: Any = None,
) -> list[Notification]:
    """Tell each of `users` (but `skip`, who did it) of one event, once: a person who already
    has `key` is not told again. Emails go now, in the next daily summary or not at all, as
    each person prefers. Returns the notifications made."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    people = {u.pk: u for u in users if u is not None and u.pk is not None}
    if skip is not None:
        people.pop(getattr(skip, "pk", None), None)
    if not people:
        return []
    told = set(
        Notification.objects.filter(user_id__in=list(people), key=key).values_list(
            "user_id", flat=True
        )
    )
    fresh = [u for pk, u in people.items() if pk not in told]
    if not fresh:
        return []
    delivery = delivery_for(fresh, kind)
    now = timezone.now()
    made = []
    for user in fresh:
        made.append(
            Notification.objects.create(
                user=user,
                organisation=organisation,
                kind=kind,
                title=title[:300],
                link=link,
                key=key[:200],
                created_at=now,
                in_digest=delivery[user.pk] == Delivery.DAILY,
                emailed_at=now if delivery[user.pk] == Delivery.IMMEDIATELY else None,
            )
        )
    for notification in made:
        if delivery[notification.user_id] == Delivery.IMMEDIATELY:
            _email(notification)
    return made


def notify_members(
    kind: str,
    organisation: Any,
    *,
    title: str,
    link: str = "",
    key: str,
    skip: Any = None,
    role: str = Role.EDITOR,
) -> list[Notification]:
    """Tell the editors and admins of `organisation` (those who can act on it)."""
    if organisation is None:
        return []
    return notify(
        kind,
        members(organisation, role),
        organisation=organisation,
        title=title,
        link=link,
        key=key,
        skip=skip,
    )


def award_event(
    kind: str, organisation: Any, *, title: str, link: str = "", key: str
) -> list[Notification]:
    """An award decision told to a bidder's (or the council's) editors and admins: a bid's
    outcome, the end of a standstill period, a contract entered into. `key` names the event, such
    as f"bid-outcome:{bid.pk}:{decision.pk}", so it is told once."""
    if kind not in AWARD_KINDS:
        raise ValueError(f"{kind!r} is not an award event.")
    return notify_members(kind, organisation, title=title, link=link, key=key)


# ---------------------------------------------------------------------------------------------
# Email


def unsubscribe_token(user: Any, kind: str) -> str:
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The person and kind a token names; ValidationError when it is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=int(data["user"]), is_active=True)
        kind = Kind(data["kind"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        raise ValidationError({"token": "This link is not valid."}) from None
    return user, kind


def _links(user: Any, kind: str) -> dict[str, str]:
    return {
        "unsubscribe_link": absolute_reverse(
            "notifications:unsubscribe", token=unsubscribe_token(user, kind)
        ),
        "preferences_link": absolute_reverse("notifications:preferences"),
    }


def _email(notification: Notification) -> None:
    user = notification.user
    send_email(
        "notifications/emails/notification",
        [user.email],
        {
            "notification": notification,
            "kind_label": Kind(notification.kind).label,
            "link": absolute_url(notification.link or "/"),
            **_links(user, notification.kind),
        },
    )


def send_digests(now: dt.datetime | None = None) -> int:
    """Send each person their daily summary of notifications waiting for it; returns how many went."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(in_digest=True, emailed_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        by_user.setdefault(notification.user_id, []).append(notification)
    for items in by_user.values():
        user = items[0].user
        with transaction.atomic():
            send_email(
                "notifications/emails/digest",
                [user.email],
                {
                    "items": [(n, absolute_url(n.link or "/")) for n in items],
                    "preferences_link": absolute_reverse("notifications:preferences"),
                    "page_link": absolute_reverse("notifications:list"),
                },
            )
            for n in items:
                n.emailed_at = now
                n.in_digest = False
                n.save(update_fields=["emailed_at", "in_digest"])
    return len(by_user)


# ---------------------------------------------------------------------------------------------
# The person's own actions


def unread_count(user: Any, organisation_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        user=user, organisation_id__in=list(organisation_ids), read_at__isnull=True
    ).count()


@transaction.atomic
def mark_read(*, notifications: Any, actor: Any) -> int:
    """Mark the actor's notifications (a queryset already limited to what they see) as read."""
    mine = notifications.filter(user=actor.user, read_at__isnull=True)
    now = timezone.now()
    count = 0
    for notification in mine:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
        count += 1
    return count


@transaction.atomic
def set_preferences(*, user: Any, choices: dict[str, str]) -> None:
    """How `user` hears of each kind named in `choices` (kind → immediately, daily or off)."""
    problems = {}
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            problems[kind] = ["There is no such kind of notification."]
        elif delivery not in Delivery.values:
            problems[kind] = ["Choose straight away, a daily summary or off."]
    if problems:
        raise ValidationError(problems)
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def preferences_of(user: Any) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in Kind.values}


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[User, str]:
    """Turn off the emails of the kind a signed link names, without signing in."""
    user, kind = read_unsubscribe_token(token)
    set_preferences(user=user, choices={kind: Delivery.OFF})
    return user, kind
