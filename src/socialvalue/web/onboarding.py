"""First steps for a new organisation, shown on its home page until they are done or dismissed.

Each app adds the steps it owns (like `navigation`), with a function that reads the step's status
from the organisation's own data; nothing is ticked by hand, so a step is done when the work is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"
STATUS_LABELS = {NOT_STARTED: "Not yet started", IN_PROGRESS: "In progress", DONE: "Completed"}
PROVIDER, COMMISSIONER = "provider", "commissioner"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    hint: str
    url_name: str
    order: int
    kinds: tuple[str, ...]
    status: Callable[[Any], str]


_steps: dict[str, Step] = {}


def add(
    key: str,
    title: str,
    *,
    hint: str,
    url_name: str,
    order: int,
    kinds: tuple[str, ...],
    status: Callable[[Any], str],
) -> None:
    _steps[key] = Step(key, title, hint, url_name, order, kinds, status)


def done_if(condition: bool, started: bool = False) -> str:
    return DONE if condition else IN_PROGRESS if started else NOT_STARTED


def steps_for(organisation: Any) -> list[dict[str, Any]]:
    """The organisation's first steps, in order, each with its link and its status from the data."""
    steps = sorted(
        (s for s in _steps.values() if organisation.kind in s.kinds), key=lambda s: s.order
    )
    result = []
    for step in steps:
        status = step.status(organisation)
        result.append(
            {
                "key": step.key,
                "title": step.title,
                "hint": step.hint,
                "url": reverse(step.url_name),
                "status": status,
                "status_label": STATUS_LABELS[status],
            }
        )
    return result


def checklist(organisation: Any) -> list[dict[str, Any]] | None:
    """The steps to show on the home page, or None once they are all done or were dismissed."""
    if organisation is None or organisation.onboarding_dismissed_at is not None:
        return None
    steps = steps_for(organisation)
    return steps if any(s["status"] != DONE for s in steps) else None
