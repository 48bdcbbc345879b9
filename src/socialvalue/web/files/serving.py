"""Serve a stored file as a download, after the caller has fetched its owner through the tenancy path."""

from __future__ import annotations

from django.http import FileResponse

from . import storage
from .checks import download_name
from .models import StoredFile

#: A downloaded file is never a page of this site: no scripts, no plugins, nothing it can reach.
ATTACHMENT_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def attachment(stored: StoredFile) -> FileResponse:
    """`Content-Disposition: attachment` with the type detected at upload, nosniff and a sandbox."""
    # Streamed from the storage through this view: a bucket URL would skip the access checks.
    handle, size = storage.open_stream(stored.file.name, store=stored.file.storage)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(stored.original_name, stored.type),
        content_type=stored.type.content_type,
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_POLICY
    response["Cache-Control"] = "private, no-store"
    return response
