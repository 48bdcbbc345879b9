"""Nothing that holds tenant data escapes the trail: every model is registered or named below with
the reason it is not tenant data, and no bulk or raw path writes around the audited queryset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.db.models.deletion import Collector

from socialvalue.web.audit.registry import AuditedQuerySet, is_audited, registered_models

#: Models that are not tenant data, each with the reason. Anything else must be registered.
NOT_TENANT_DATA = {
    # The trail itself: append-only, and recording its writes would never end.
    "audit.AuditEvent": "the audit events themselves",
    # Django's own machinery.
    "sessions.Session": "sign-in sessions; sign-ins are recorded as security events",
    "contenttypes.ContentType": "the framework's table of model names",
    "auth.Permission": "the framework's permission names, the same for every organisation",
    "auth.Group": "unused by the product: roles are memberships, which are recorded",
    "admin.LogEntry": "the site admin's own log of its edits, which the registry records as well",
    # Throttle counters, not anyone's data: kept for minutes and deleted in bulk by a task.
    "accounts.LoginFailure": "a throttle counter; each failed sign-in is a security event",
    "accounts.PasswordResetRequest": "a throttle counter; the reset itself is a user event",
    # Shipped reference data, the same for everyone and changed only by a release.
    "measures.SdgGoal": "the UN Sustainable Development Goals, shipped with the product",
    "measures.SdgTarget": "the UN SDG targets, shipped with the product",
    # A value set's contents change only by importing the whole set again (tens of thousands of
    # rows); the ValueSet's own event records who imported or replaced it, when, and where.
    "measures.Theme": "a value set's contents, recorded as the set's import",
    "measures.Outcome": "a value set's contents, recorded as the set's import",
    "measures.Measure": "a value set's contents, recorded as the set's import",
    "measures.MeasureOverlap": "a value set's contents, recorded as the set's import",
    # Derived or already on the record by another event.
    "contracts.LineSums": "sums kept from the return lines, whose every change is recorded",
    "contracts.YearSums": "the kept line sums added up per council and year",
    "evidence.EvidenceImport": "each import is recorded by its own event (file, sha256, records)",
    "surveys.Pair": "each participant's picked answers, rewritten from the recorded responses",
    "search.SearchEntry": "the search index, written by triggers from the recorded records",
}


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _reaches(model: type[models.Model], targets: set[str], seen: frozenset = frozenset()) -> bool:
    """Whether a chain of foreign keys leads from `model` to one of `targets`."""
    if _label(model) in targets:
        return True
    seen = seen | {_label(model)}
    for field in model._meta.concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is not None and _label(related) not in seen and _reaches(related, targets, seen):
            return True
    return False


def test_every_model_is_audited_or_named_as_not_tenant_data():
    unclassified = [
        _label(m)
        for m in apps.get_models()
        if not is_audited(m) and _label(m) not in NOT_TENANT_DATA
    ]
    assert unclassified == [], "register these for auditing, or say why they are not tenant data"


def test_every_model_holding_organisation_or_account_data_is_audited():
    targets = {"accounts.Organisation", apps.get_model("accounts", "User")._meta.label}
    holding = [m for m in apps.get_models() if _reaches(m, targets)]
    # The walk finds the models it should (so the allow-list is what lets them through).
    assert {"commissioning.QualityCriterion", "accounts.ApiToken", "accounts.User"} <= {
        _label(m) for m in holding
    }
    missing = [_label(m) for m in holding if not is_audited(m) and _label(m) not in NOT_TENANT_DATA]
    assert missing == []


def test_the_allow_list_names_only_real_unregistered_models():
    labels = {_label(m) for m in apps.get_models()}
    assert set(NOT_TENANT_DATA) <= labels
    assert not [label for label in NOT_TENANT_DATA if is_audited(apps.get_model(label))]


def _relation_managers(model: type[models.Model]):
    """The related managers that reach `model`'s rows from another model (`parent.children`)."""
    for relation in model._meta.get_fields():
        if relation.is_relation and relation.concrete and relation.many_to_one:
            accessor = relation.remote_field.get_accessor_name()
            if accessor and not relation.remote_field.hidden:
                yield getattr(relation.related_model, accessor).related_manager_cls


@pytest.mark.parametrize("model", registered_models(), ids=_label)
def test_every_queryset_of_a_registered_model_records_bulk_writes(model):
    managers = [model._default_manager, *model._meta.managers]
    for manager in managers:
        assert isinstance(manager.get_queryset(), AuditedQuerySet), manager
    for related_manager in _relation_managers(model):
        assert issubclass(related_manager._queryset_class, AuditedQuerySet), related_manager
    # A bulk delete sends the delete signal for each row (no fast path around the trail).
    assert not Collector(using="default", origin=None).can_fast_delete(model._default_manager.all())


SRC = Path(__file__).resolve().parents[3] / "src" / "socialvalue"
#: SQL that writes rows, wherever it appears in the product's code.
RAW_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|TRUNCATE)\b", re.I)
#: Ways around a model's audited queryset.
BYPASS = re.compile(
    r"_raw_delete\(|\.raw\(|QuerySet\.(update|delete|bulk_create|bulk_update)\("
    r"|_base_manager\b.*\.(update|delete|bulk_create|bulk_update)\("
)
#: The only places allowed to write around it, and why.
ALLOWED_FILES = {
    # 100,000 checked rows in one INSERT per batch; the import writes one event for the file.
    "web/evidence/importing.py",
    # Restoring a backup replaces the whole database, outside any organisation.
    "web/backup.py",
    # The portfolio's sums are rewritten in SQL from the audited return lines they summarise.
    "web/contracts/sums.py",
    # The search index's triggers and rebuild write only the index, derived from audited records.
    "web/search/index.py",
}


def test_no_code_writes_rows_around_the_trail():
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or relative in ALLOWED_FILES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RAW_WRITE.search(line) or BYPASS.search(line):
                offending.append(f"{relative}:{number}: {line.strip()}")
    assert offending == []
