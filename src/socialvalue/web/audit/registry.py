"""Records an AuditEvent for every create, update and delete of a registered model.

The acting user comes from a context variable that the web middleware and the API's
authentication set; changes made by commands (the demo loader, imports) are recorded with no actor.

Every path is covered, not only `Model.save` and `Model.delete`:

- `QuerySet.delete` sends the delete signals for every row of a model with listeners, so each row
  deleted in bulk (or by a cascade) is recorded like a single delete;
- `QuerySet.update`, `bulk_create` and `bulk_update` send no signals, so registering a model gives
  its managers (and the related managers built from them) a queryset that records those too.

User and account data (people, API tokens) belong to no single organisation: their events are
filed in every organisation the person is a member of, so each one's admins see them.
"""

from __future__ import annotations

import contextvars
import copy
import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .models import AuditEvent

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)

#: Rows read at a time around a bulk update (below every database's limit on query parameters).
BATCH = 500
#: What the trail shows instead of the value of a redacted field (a password hash, for one).
HIDDEN = "(hidden)"


@dataclass(frozen=True)
class Registration:
    organisation_of: Callable[[Any], Any]
    exclude: frozenset[str]
    redact: frozenset[str]


_registered: dict[type[models.Model], Registration] = {}


def set_actor(user: Any) -> contextvars.Token:
    return _actor.set(user if getattr(user, "is_authenticated", False) else None)


def reset_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


def current_actor() -> Any:
    return _actor.get()


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


def _stored(field: models.Field, value: Any) -> Any:
    """A decimal as the column stores it, so 4 and 4.00 are not recorded as a change."""
    if isinstance(field, models.DecimalField) and isinstance(value, decimal.Decimal | int | float):
        try:
            number = decimal.Decimal(str(value))
            return f"{number.quantize(decimal.Decimal(1).scaleb(-field.decimal_places)):f}"
        except decimal.InvalidOperation:
            return str(value)
    return _plain(value)


def snapshot(instance: models.Model, exclude: frozenset[str]) -> dict[str, Any]:
    return {
        f.attname: _stored(f, getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.attname not in exclude and not f.primary_key
    }


def _masked(changes: dict[str, list[Any]], redact: frozenset[str]) -> dict[str, list[Any]]:
    return {
        field: [None if v is None else HIDDEN for v in values] if field in redact else values
        for field, values in changes.items()
    }


def _organisations(found: Any) -> list[Any]:
    """One organisation, none, or several (a person's, for user and account data)."""
    if found is None:
        return [None]
    if isinstance(found, models.Model):
        return [found]
    several = list(found)
    return several or [None]


def record_event(
    *,
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str,
    organisations: Any = None,
    changes: dict[str, list[Any]] | None = None,
    actor: Any = None,
) -> None:
    """Write one event per organisation concerned; the actor defaults to the request's user."""
    user = actor if actor is not None else _actor.get()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_id=getattr(user, "pk", None),
            actor_email=getattr(user, "email", "") or "",
            organisation_id=getattr(organisation, "pk", None),
            organisation_name=str(organisation or "")[:200],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:300],
            changes=changes or {},
        )
        for organisation in _organisations(organisations)
    )


def _record(instance: models.Model, action: str, changes: dict[str, list[Any]]) -> None:
    registration = _registered[type(instance)]
    record_event(
        action=action,
        object_type=instance._meta.label,
        object_id=instance.pk,
        object_repr=str(instance),
        organisations=registration.organisation_of(instance),
        changes=_masked(changes, registration.redact),
    )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _before_save(sender, instance, raw=False, **kwargs):
    if raw:
        # Loaded from a fixture or a backup as it was: neither it nor its links are new changes.
        instance._audit_raw = True
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    exclude = _registered[sender].exclude
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old, exclude) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance, _registered[sender].exclude)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(instance, "create", {k: [None, v] for k, v in after.items()})
        return
    changes = _diff(before, after)
    if changes:
        _record(instance, "update", changes)


def _after_delete(sender, instance, **kwargs):
    exclude = _registered[sender].exclude
    _record(instance, "delete", {k: [v, None] for k, v in snapshot(instance, exclude).items()})


def _linked(instance: models.Model, field: models.ManyToManyField) -> list[str]:
    """What a many-to-many field links to, by name: the record must outlive what it names."""
    return sorted(str(obj) for obj in getattr(instance, field.name).all())


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    owner, field = _through[sender]
    if action not in (
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        return
    if instance.__dict__.get("_audit_raw"):
        return
    if reverse:
        # Changed from the other side (`objective.activities.remove(...)`): each owner changed.
        if not pk_set:
            return
        owners = list(owner._base_manager.filter(pk__in=pk_set))
    else:
        owners = [instance]
    # Kept on the instance the signal names, which is the same object before and after.
    state = instance.__dict__.setdefault("_audit_links", {})
    for obj in owners:
        key = (field.name, obj.pk)
        if action.startswith("pre_"):
            state[key] = _linked(obj, field)
            continue
        before, after = state.pop(key, None), _linked(obj, field)
        if before is not None and before != after:
            _record(obj, "update", {field.name: [before, after]})


_through: dict[type[models.Model], tuple[type[models.Model], models.ManyToManyField]] = {}


# ---------------------------------------------------------------- bulk paths


class AuditedQuerySet(models.QuerySet):
    """Records `update`, `bulk_create` and `bulk_update` of a registered model, row by row.

    Registration mixes this into a model's own queryset class, so `Model.objects.filter(...)`,
    `parent.children.filter(...)` and `Model._default_manager` all record.
    """

    def _watches(self, field_names: Iterable[str]) -> bool:
        registration = _registered.get(self.model)
        if registration is None:
            return False
        opts = self.model._meta
        return any(opts.get_field(name).attname not in registration.exclude for name in field_names)

    def update(self, **kwargs):
        if not self._watches(kwargs):
            return super().update(**kwargs)
        exclude = _registered[self.model].exclude
        rows = self.model._base_manager.using(self.db)
        with transaction.atomic(using=self.db, savepoint=False):
            # By primary key, so that `.values()` querysets and ones the update moves out of
            # their own filter are read the same way before and after.
            pks = list(self._chain().values_list("pk", flat=True))
            before = {
                row.pk: snapshot(row, exclude)
                for start in range(0, len(pks), BATCH)
                for row in rows.filter(pk__in=pks[start : start + BATCH])
            }
            count = super().update(**kwargs)
            for start in range(0, len(pks), BATCH):
                for row in rows.filter(pk__in=pks[start : start + BATCH]):
                    changes = _diff(before[row.pk], snapshot(row, exclude))
                    if changes:
                        _record(row, "update", changes)
        return count

    update.alters_data = True
    update.queryset_only = False

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        registration = _registered.get(self.model)
        if registration is not None:
            for obj in created:
                after = snapshot(obj, registration.exclude)
                _record(obj, "create", {k: [None, v] for k, v in after.items()})
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not objs or not self._watches(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        exclude = _registered[self.model].exclude
        with transaction.atomic(using=self.db, savepoint=False):
            stored = self.model._base_manager.using(self.db).filter(pk__in=[o.pk for o in objs])
            before = {row.pk: snapshot(row, exclude) for row in stored}
            count = super().bulk_update(objs, fields, *args, **kwargs)
            for obj in objs:
                changes = _diff(before.get(obj.pk, {}), snapshot(obj, exclude))
                if changes:
                    _record(obj, "update", changes)
        return count

    bulk_update.alters_data = True


_audited_managers: dict[type, type] = {}


def _audited_manager_class(manager_class: type) -> type:
    """`manager_class` with its queryset class made an AuditedQuerySet; the same names, so that
    migrations and `deconstruct` see the model's own manager."""
    if issubclass(manager_class._queryset_class, AuditedQuerySet):
        return manager_class
    if manager_class not in _audited_managers:
        queryset_class = manager_class._queryset_class
        audited_queryset = type(
            queryset_class.__name__,
            (AuditedQuerySet, queryset_class),
            {"__module__": queryset_class.__module__, "__qualname__": queryset_class.__qualname__},
        )
        _audited_managers[manager_class] = type(
            manager_class.__name__,
            (manager_class,),
            {
                "_queryset_class": audited_queryset,
                "__module__": manager_class.__module__,
                "__qualname__": manager_class.__qualname__,
                # Equal to the model's own manager, as migrations recorded it.
                "__eq__": lambda self, other: (
                    isinstance(other, manager_class)
                    and self._constructor_args == other._constructor_args
                ),
                "__hash__": manager_class.__hash__,
            },
        )
    return _audited_managers[manager_class]


def _audit_bulk_paths(model: type[models.Model]) -> None:
    own = {manager.name for manager in model._meta.local_managers}
    for manager in model._meta.local_managers:
        manager.__class__ = _audited_manager_class(type(manager))
    # A manager inherited from an abstract parent is shared with its other children: the model
    # gets its own audited copy instead of changing the parent's.
    for manager in model._meta.managers:
        if manager.name not in own:
            copied = copy.copy(manager)
            copied.__class__ = _audited_manager_class(type(manager))
            copied.contribute_to_class(model, manager.name)
    model._meta._expire_cache()  # the copies `Model.objects` hands out are made afresh


def audit(
    model: type[models.Model],
    *,
    organisation: Callable[[Any], Any] | None = None,
    exclude: Iterable[str] = (),
    redact: Iterable[str] = (),
) -> None:
    """Register `model`: its changes are recorded under the organisation `organisation(instance)`
    returns (or under each of several it returns). `exclude` names attributes that are not
    recorded at all; `redact` those recorded as changed without their values."""
    exclude_set = frozenset(exclude)
    _registered[model] = Registration(
        organisation or (lambda obj: obj.organisation), exclude_set, frozenset(redact)
    )
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
    post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-del")
    for field in model._meta.local_many_to_many:
        if field.name in exclude_set:
            continue
        through = field.remote_field.through
        _through[through] = (model, field)
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"{uid}-{field.name}")
    _audit_bulk_paths(model)


def is_audited(model: type[models.Model]) -> bool:
    return model in _registered


def registered_models() -> list[type[models.Model]]:
    return list(_registered)
