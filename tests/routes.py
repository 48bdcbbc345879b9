"""A route of the site and what an outsider (Charlie, of another organisation) must get from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Route:
    pattern: str
    method: str = "get"
    #: Builds the URL naming Alice's object from the `World`; None for routes that name no tenant object.
    url: Callable[[Any], str] | None = None
    api: bool = False
    #: Form fields or JSON body; the value "ALICE_ORG" is replaced by Alice's organisation id.
    body: dict | None = None
    #: Files to send as multipart form data: field name -> (file name, content).
    files: dict[str, tuple[str, bytes]] | None = None
