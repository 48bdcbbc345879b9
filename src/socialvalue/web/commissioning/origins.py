"""Where a procurement's asked-for outcomes came from, learnt from the apps that know.

Commissioning sits below early engagement, so it imports nothing of it: an app that can say
where outcomes came from registers a finder here (in its `AppConfig.ready()`), and the
procurement's page asks each one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: A procurement in; by outcome id, a sentence saying where that outcome came from (under the
#: key None, where the procurement itself came from).
OriginFinder = Callable[[Any], dict[int | None, str]]

_finders: list[OriginFinder] = []


def add_origin_finder(finder: OriginFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def origins(procurement: Any) -> dict[int | None, str]:
    found: dict[int | None, str] = {}
    for finder in _finders:
        for outcome_id, note in finder(procurement).items():
            found.setdefault(outcome_id, note)
    return found
