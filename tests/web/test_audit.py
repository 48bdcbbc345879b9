"""The audit trail is append-only and records who changed what, before and after."""

import pytest
from django.db import DatabaseError, connection, transaction

from socialvalue.web.audit.models import AppendOnlyError, AuditEvent
from socialvalue.web.audit.registry import acting_as

pytestmark = pytest.mark.django_db


def test_create_update_delete_are_recorded(demo_world):
    org = demo_world.alice_org
    with acting_as(demo_world.admin):
        org.name = "Renamed"
        org.save()
    event = AuditEvent.objects.filter(object_type="accounts.Organisation", action="update").first()
    assert event.changes == {"name": ["Alice Care", "Renamed"]}
    assert event.actor_email == "alice@example.org" and event.organisation_id == org.id
    membership = demo_world.viewer.memberships.get()
    membership.delete()
    deleted = AuditEvent.objects.filter(object_type="accounts.Membership", action="delete").get()
    assert deleted.changes["role"] == ["viewer", None]


def test_saving_without_changes_records_nothing(demo_world):
    before = AuditEvent.objects.count()
    demo_world.alice_org.save()
    assert AuditEvent.objects.count() == before


def test_events_cannot_be_edited_or_deleted_through_the_orm(demo_world):
    event = AuditEvent.objects.first()
    event.object_repr = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(object_repr="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_events_cannot_be_edited_with_raw_sql(demo_world):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_repr = 'tampered'")
    assert not AuditEvent.objects.filter(object_repr="tampered").exists()
