"""Audit events in words: "Priya Shah changed the procurement ‘Carers’ breaks’: price weight 40 → 35".

The events keep their raw form (attribute names, stored values) for the API; this turns them into
what the trail page and its CSV show: people by name, object types and fields by their labels,
choices by their display text, yes/no, dates as dates and long values cut short.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone

from .models import AuditEvent
from .registry import HIDDEN

#: Values longer than this are cut short on the page (the CSV keeps them whole).
SHORT = 200
#: An update of at most this many fields, each short, is told in one sentence.
INLINE_FIELDS = 3
INLINE_VALUE = 40


@dataclass
class Change:
    label: str
    before: str
    after: str

    @property
    def inline(self) -> str:
        return f"{self.label} {self.before} → {self.after}"


@dataclass
class Described:
    event: AuditEvent
    who: str
    type_label: str
    sentence: str
    changes: list[Change] = field(default_factory=list)
    #: Whether the changes are the values of a record added or removed (not before and after).
    values_only: bool = False


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """ "procurement", "quality criterion": the model's name in words, not "app.Model"."""
    model = model_for(object_type)
    if model is None:
        return object_type.rpartition(".")[2] or object_type
    return str(model._meta.verbose_name)


def _fields(model: type[models.Model] | None) -> dict[str, Any]:
    if model is None:
        return {}
    found: dict[str, Any] = {}
    for f in model._meta.get_fields():
        if f.concrete or f.many_to_many:
            found[getattr(f, "attname", f.name)] = f
            found.setdefault(f.name, f)
    return found


def _short(text: str, whole: bool) -> str:
    return text if whole or len(text) <= SHORT else text[: SHORT - 1] + "…"


def _number(value: Any) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: Any, with_time: bool) -> str | None:
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if with_time:
        if timezone.is_aware(parsed):
            parsed = timezone.localtime(parsed)
        return formats.date_format(parsed, "j M Y H:i")
    return formats.date_format(parsed.date(), "j M Y")


def show_value(f: Any, value: Any, people: dict[int, str], *, whole: bool = False) -> str:
    """One recorded value as a reader would say it."""
    if value is None or value == "" or value == []:
        return "(blank)"
    if value == HIDDEN:
        return "(hidden)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return _short(", ".join(str(v) for v in value), whole)
    if isinstance(value, dict):
        return _short(json.dumps(value, ensure_ascii=False, sort_keys=True), whole)
    if f is not None:
        choices = dict(getattr(f, "flatchoices", None) or ())
        if value in choices:
            return str(choices[value])
        if f.is_relation and f.many_to_one:
            if f.related_model is get_user_model() and value in people:
                return people[value]
            return f"no. {value}"
        if isinstance(f, models.DecimalField | models.FloatField):
            return _number(value) or str(value)
        if isinstance(f, models.DateTimeField):
            return _date(value, with_time=True) or str(value)
        if isinstance(f, models.DateField):
            return _date(value, with_time=False) or str(value)
    return _short(str(value), whole)


def changes_of(event: AuditEvent, people: dict[int, str], *, whole: bool = False) -> list[Change]:
    fields = _fields(model_for(event.object_type))
    found = []
    for name, values in (event.changes or {}).items():
        before, after = (
            (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
        )
        f = fields.get(name)
        label = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else name
        if name == "ip_address":
            label = "network address"
        found.append(
            Change(
                str(label),
                show_value(f, before, people, whole=whole),
                show_value(f, after, people, whole=whole),
            )
        )
    return found


def people_for(
    actor_ids: Iterable[int | None], organisation_id: int | None = None
) -> dict[int, str]:
    """Names of these actors, and of the organisation's members (whom recorded values name)."""
    User = get_user_model()
    users = User._default_manager.filter(pk__in=[i for i in actor_ids if i])
    if organisation_id is not None:
        users = users | User._default_manager.filter(memberships__organisation_id=organisation_id)
    return {u.pk: str(u) for u in users.distinct()}


def with_people_named_in(events: Iterable[AuditEvent], people: dict[int, str]) -> dict[int, str]:
    """`people`, plus the names of everyone the events' values point to (a return's submitter
    from the provider, say), found in one query, so a value reads as a name, not "no. 4"."""
    User = get_user_model()
    wanted: set[int] = set()
    for event in events:
        fields = _fields(model_for(event.object_type))
        for name, values in (event.changes or {}).items():
            f = fields.get(name)
            if f is not None and getattr(f, "related_model", None) is User:
                wanted.update(v for v in values if isinstance(v, int) and v not in people)
    if not wanted:
        return people
    found = {u.pk: str(u) for u in User._default_manager.filter(pk__in=wanted)}
    return {**people, **found}


def _who(event: AuditEvent, people: dict[int, str]) -> str:
    if event.actor_id and event.actor_id in people:
        return people[event.actor_id]
    return event.actor_email or "The system"


def describe(event: AuditEvent, people: dict[int, str], *, whole: bool = False) -> Described:
    who = _who(event, people)
    label = type_label(event.object_type)
    thing = f"the {label} ‘{event.object_repr}’"
    changes = changes_of(event, people, whole=whole)
    address = next((c.after for c in changes if c.label == "network address"), "")
    from_where = f" from {address}" if address and address != "(blank)" else ""
    is_user = event.object_type == get_user_model()._meta.label
    values_only = False
    if event.action == AuditEvent.Action.SIGN_IN:
        sentence, changes = f"{who} signed in{from_where}.", []
    elif event.action == AuditEvent.Action.SIGN_IN_FAILED:
        sentence, changes = f"A sign-in as {event.object_repr} failed{from_where}.", []
    elif event.object_id == "import" and event.action == AuditEvent.Action.CREATE:
        sentence = f"{who} {event.object_repr[:1].lower()}{event.object_repr[1:]}."
        values_only = True
    elif is_user and set(event.changes or {}) == {"password"}:
        if event.actor_id is not None and str(event.actor_id) == event.object_id:
            sentence = f"{who} changed their password."
        else:
            sentence = f"{who} changed the password of {event.object_repr}."
        changes = []
    elif event.action == AuditEvent.Action.CREATE:
        sentence, values_only = f"{who} added {thing}.", True
    elif event.action == AuditEvent.Action.DELETE:
        sentence, values_only = f"{who} removed {thing}.", True
    else:
        short = all(len(c.before) <= INLINE_VALUE and len(c.after) <= INLINE_VALUE for c in changes)
        if changes and len(changes) <= INLINE_FIELDS and short:
            told = "; ".join(c.inline for c in changes)
            sentence, changes = f"{who} changed {thing}: {told}.", []
        else:
            sentence = f"{who} changed {thing}."
    return Described(event, who, label, sentence, changes, values_only)
