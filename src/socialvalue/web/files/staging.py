"""Uploads waiting for a person to confirm an import, kept in storage so any server can pick them up.

The upload is checked on one request and saved on the next, which may reach another server: so
it waits in the shared storage under a random key, one per person and kind of import, and is
deleted once the import is saved or abandoned (or replaced by the person's next upload).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.files import File

from . import storage

ROOT = "staging"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,64}")
_SUFFIX = re.compile(r"(\.[a-z0-9]{1,8})?")


def _folder(area: str, user: Any) -> str:
    return f"{ROOT}/{area}/{int(user.pk)}"


def stage(upload: Any, *, area: str, user: Any, suffix: str = "") -> tuple[str, str]:
    """Keep `upload` until confirmed: returns (token, storage name). The person's older one goes."""
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"not a file suffix: {suffix!r}")
    folder = _folder(area, user)
    storage.delete_prefix(folder)  # one import waits per person; an abandoned one goes here
    token = secrets.token_urlsafe(18)
    name = f"{folder}/{token}{suffix}"
    if hasattr(upload, "seek"):
        upload.seek(0)
    storage.write(name, upload if isinstance(upload, File) else File(upload))
    return token, name


def staged(*, area: str, user: Any, token: str, suffix: str = "") -> str | None:
    """The storage name of the person's waiting upload with this token, or None when it is gone."""
    if not _TOKEN.fullmatch(token or "") or not _SUFFIX.fullmatch(suffix or ""):
        return None
    name = f"{_folder(area, user)}/{token}{suffix}"
    return name if storage.exists(name) else None


def discard(name: str | None) -> None:
    if name:
        storage.delete(name)
