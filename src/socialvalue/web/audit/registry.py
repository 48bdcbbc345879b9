"""Records an AuditEvent for every create, update and delete of a registered model.

The acting user comes from a context variable that the web middleware and the API's
authentication set; changes made by commands (the demo loader, imports) are recorded with no actor.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from .models import AuditEvent

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)
_registered: dict[type[models.Model], tuple[Callable[[Any], Any], frozenset[str]]] = {}


def set_actor(user: Any) -> contextvars.Token:
    return _actor.set(user if getattr(user, "is_authenticated", False) else None)


def reset_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


@contextmanager
def acting_as(user: Any):
    token = set_actor(user)
    try:
        yield
    finally:
        reset_actor(token)


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, exclude: frozenset[str]) -> dict[str, Any]:
    return {
        f.attname: _plain(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in exclude and not f.primary_key
    }


def _record(instance: models.Model, action: str, changes: dict[str, list[Any]]) -> None:
    organisation_of, _ = _registered[type(instance)]
    organisation = organisation_of(instance)
    user = _actor.get()
    AuditEvent.objects.create(
        actor_id=getattr(user, "pk", None),
        actor_email=getattr(user, "email", "") or "",
        organisation_id=getattr(organisation, "pk", None),
        organisation_name=str(organisation or "")[:200],
        action=action,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
    )


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    _, exclude = _registered[sender]
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old, exclude) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    _, exclude = _registered[sender]
    after = snapshot(instance, exclude)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(instance, "create", {k: [None, v] for k, v in after.items()})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        _record(instance, "update", changes)


def _after_delete(sender, instance, **kwargs):
    _, exclude = _registered[sender]
    _record(instance, "delete", {k: [v, None] for k, v in snapshot(instance, exclude).items()})


def audit(
    model: type[models.Model],
    *,
    organisation: Callable[[Any], Any] | None = None,
    exclude: Iterable[str] = (),
) -> None:
    """Register `model`: its changes are recorded under the organisation `organisation(instance)` returns."""
    _registered[model] = (organisation or (lambda obj: obj.organisation), frozenset(exclude))
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-del")


def is_audited(model: type[models.Model]) -> bool:
    return model in _registered
