"""The service navigation and the header's account menu: each app adds its entries here, shown to
the members they concern."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    shown: Callable[[Any], bool] = lambda request: True
    #: How many things wait behind the entry (shown beside its label when there are any).
    count: Callable[[Any], int] | None = None
    #: "service" for the service navigation, "account" for the header's account menu (the
    #: organisation, its members, the audit trail, API tokens: about the account, not the work).
    menu: str = "service"


_items: list[NavItem] = []


def add(
    label: str,
    url_name: str,
    *,
    order: int,
    shown: Callable[[Any], bool] | None = None,
    count: Callable[[Any], int] | None = None,
    menu: str = "service",
) -> None:
    if any(item.url_name == url_name for item in _items):
        return
    _items.append(NavItem(label, url_name, order, shown or (lambda request: True), count, menu))
    _items.sort(key=lambda item: item.order)


def is_admin(request: Any) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == "admin"


def is_provider(request: Any) -> bool:
    organisation = getattr(request, "organisation", None)
    return organisation is not None and not organisation.is_commissioner


def is_commissioner(request: Any) -> bool:
    organisation = getattr(request, "organisation", None)
    return organisation is not None and organisation.is_commissioner


def navigation_context(request: Any) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"navigation": [], "account_navigation": []}
    path = request.path
    entries = []
    account = []
    for item in _items:
        if not item.shown(request):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        count = item.count(request) if item.count is not None else 0
        entry = {"label": item.label, "url": url, "active": active, "count": count}
        (account if item.menu == "account" else entries).append(entry)
    return {"navigation": entries, "account_navigation": account}
