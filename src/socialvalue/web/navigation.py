"""The service navigation: each app adds its entries here, shown to the members it concerns."""

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


_items: list[NavItem] = []


def add(
    label: str, url_name: str, *, order: int, shown: Callable[[Any], bool] | None = None
) -> None:
    if any(item.url_name == url_name for item in _items):
        return
    _items.append(NavItem(label, url_name, order, shown or (lambda request: True)))
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
        return {"navigation": []}
    path = request.path
    entries = []
    for item in _items:
        if not item.shown(request):
            continue
        url = reverse(item.url_name)
        active = path == url if url == "/" else path.startswith(url)
        entries.append({"label": item.label, "url": url, "active": active})
    return {"navigation": entries}
