"""What the to-do app adds, once every app is loaded: its entry in the navigation, with the count."""

from __future__ import annotations

from typing import Any

from socialvalue.web import navigation

from . import services


def _count(request: Any) -> int:
    return len(services.items_for_request(request))


def register() -> None:
    navigation.add("To do", "todo:list", order=2, count=_count)
