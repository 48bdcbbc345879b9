"""The abstract stored file every owner of uploads subclasses (see the package docstring for how)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from socialvalue.web.tenancy import TenantQuerySet

from .checks import (
    CHUNK,
    FILE_TYPES,
    TYPE_CHOICES,
    FileType,
    check_upload,
    clean_name,
    describe_size,
)


def stored_name(instance: StoredFile, filename: str) -> str:
    """A random name under the owner app's folder: the name a user gave never reaches the disk."""
    file_type = FILE_TYPES.get(instance.file_type)
    extension = file_type.extension if file_type else ""
    now = timezone.now()
    return f"{instance._meta.app_label}/{now:%Y/%m}/{secrets.token_urlsafe(24)}{extension}"


def _sha256(handle: Any) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


class StoredFile(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=stored_name, max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField("type", max_length=8, choices=TYPE_CHOICES)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, upload: Any, *, organisation: Any, uploaded_by: Any = None, **owner: Any):
        """Check `upload` (size and content), then save it with a random name; `owner` names the object it belongs to."""
        file_type = check_upload(upload)
        handle = getattr(upload, "file", upload)
        stored = cls(
            organisation=organisation,
            original_name=clean_name(getattr(upload, "name", "")),
            file_type=file_type.code,
            size=upload.size,
            sha256=_sha256(handle),
            uploaded_by=uploaded_by,
            **owner,
        )
        stored.file.save("upload", upload if isinstance(upload, File) else File(upload), save=False)
        try:
            stored.save()
        except Exception:
            stored.file.delete(save=False)
            raise
        return stored

    @property
    def type(self) -> FileType:
        return FILE_TYPES[self.file_type]

    @property
    def is_image(self) -> bool:
        return self.type.is_image

    @property
    def size_text(self) -> str:
        return describe_size(self.size)


def remove_stored_file(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    """Delete the file on disk once the deletion of its row has committed (also after a cascade)."""
    if isinstance(instance, StoredFile) and instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
