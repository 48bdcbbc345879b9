"""Schemas shared by every API router, and the documented answers every route can give."""

import enum
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: An object's id in a path: bounded, so an id beyond any database integer is a 422, not a database error.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def named_choices(name: str, choices: type[enum.Enum]) -> type[enum.StrEnum]:
    """A model's choices under a name of their own in the OpenAPI document.

    The document files an enum under its class name, so two models' inner `Kind` classes would share
    one entry and one would describe the other's values.
    """
    return enum.StrEnum(name, {member.name: member.value for member in choices})


class ErrorOut(Schema):
    detail: str | list | dict


def answers(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The response map of a route: its success schema, plus the errors it can answer.

    Every route can answer 400 (an unreadable body), 401 (no or bad token) and 422 (a request
    that does not match its schema).
    """
    return {status: ok, **{code: ErrorOut for code in sorted({400, 401, 422, *errors})}}


class Pages(LimitOffsetPagination):
    """Limit/offset pages; an offset beyond any real list is refused (422) rather than overflowing the database."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31 - 1)
