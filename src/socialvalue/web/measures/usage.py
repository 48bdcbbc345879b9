"""Where a measure is used, learnt from the apps that use it.

Measures are the base library: planning, evidence, commissioning and contracts build on them, so
this module imports none of them. Each of those apps registers, in its `AppConfig.ready()`, a
function that says how it uses a measure; the measure's page asks every one, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import ngettext

if TYPE_CHECKING:
    from socialvalue.web.tenancy import Actor

    from .models import Measure


@dataclass(frozen=True)
class Use:
    """One kind of thing in the actor's organisations that counts this measure."""

    label: str
    url: str = ""


#: How an app uses a measure: what of it in the actor's organisations counts the measure.
UseFinder = Callable[["Measure", "Actor"], list[Use]]

_finders: dict[str, tuple[int, UseFinder]] = {}


def add_use_finder(name: str, finder: UseFinder, *, order: int) -> None:
    """Register (or replace) an app's way of finding its uses of a measure; lower `order` first."""
    _finders[name] = (order, finder)


def where_used(measure: Measure, actor: Actor) -> list[Use]:
    """What in the actor's organisations refers to the measure, app by app."""
    uses: list[Use] = []
    for _order, finder in sorted(_finders.values(), key=lambda entry: entry[0]):
        uses.extend(finder(measure, actor))
    return uses


def count(n: int, one: str, many: str) -> str:
    """`n` things, with the thousands separated: "1 activity", "1,250 activities"."""
    return f"{n:,} {ngettext(one, many, n)}"
