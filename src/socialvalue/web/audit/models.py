"""An audit event: who changed what, when, in which organisation, with the fields before and after."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def visible_to(self, actor) -> models.QuerySet:
        return self.filter(organisation_id__in=actor.organisation_ids)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        # Security events: about a person (the object is the user), not a change of data.
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_fail", "Failed sign-in"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain ids and copies of names, not foreign keys: the record must outlive what it describes.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, db_index=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, help_text="{field: [before, after]}")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.object_type} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
