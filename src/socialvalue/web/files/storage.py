"""The storage layer: every stored file is written, read, listed and deleted here, local or S3.

Everything else names files by their storage name ("reports/abc/report.pdf") and never by a
path on this machine, so any number of servers can share one bucket. The one place a local path
appears is `local_copy`, a temporary file for readers (openpyxl, the CSV sniffers) that want one;
it lives only as long as its `with` block.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from storages.utils import clean_name

#: Bytes read at a time when a file is copied or hashed.
CHUNK = 1024 * 1024


def storage() -> Storage:
    return default_storage


def _s3(store: Storage) -> Any | None:
    """The S3 backend behind `store`, or None when files are elsewhere (the import waits until needed)."""
    try:
        from storages.backends.s3 import S3Storage  # noqa: PLC0415 - boto3 is heavy: loaded only to look for S3
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return None
    # default_storage is a lazy stand-in; the configured backend itself is what to look at.
    target = storages["default"] if store is default_storage else store
    return target if isinstance(target, S3Storage) else None


def _key(s3: Any, name: str) -> str:
    return s3._normalize_name(clean_name(name))


def write(name: str, content: bytes | IO[bytes] | File, *, store: Storage | None = None) -> str:
    """Store `content` under exactly `name`, replacing what was there; returns the name."""
    store = store or storage()
    if isinstance(content, bytes):
        content = ContentFile(content)
    elif not isinstance(content, File):
        content = File(content)
    store.delete(name)  # both backends treat a missing name as nothing to do
    saved = store.save(name, content)
    if saved != name:  # a backend that renames would break every reference to the file
        store.delete(saved)
        raise OSError(f"the storage stored {name} as {saved}")
    return saved


def open_stream(name: str, *, store: Storage | None = None) -> tuple[IO[bytes], int]:
    """A readable stream of the file and its size, for a download; FileNotFoundError when missing.

    On S3 it is the object's body straight from the bucket, so a download starts at once and
    never waits for the whole object nor holds it in memory.
    """
    store = store or storage()
    s3 = _s3(store)
    if s3 is None:
        handle = store.open(name, "rb")
        return handle, handle.size
    from botocore.exceptions import ClientError  # noqa: PLC0415 - only on S3, where boto3 is already loaded

    try:
        answer = s3.bucket.Object(_key(s3, name)).get()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            raise FileNotFoundError(f"No stored file {name}") from None
        raise
    return answer["Body"], int(answer["ContentLength"])


def read_bytes(name: str, *, store: Storage | None = None) -> bytes:
    handle, _ = open_stream(name, store=store)
    try:
        return handle.read()
    finally:
        handle.close()


def exists(name: str, *, store: Storage | None = None) -> bool:
    return (store or storage()).exists(name)


def delete(name: str, *, store: Storage | None = None) -> None:
    (store or storage()).delete(name)


def walk(prefix: str = "", *, store: Storage | None = None) -> Iterator[str]:
    """Every stored file's name under `prefix` (all of them by default), in a stable order."""
    store = store or storage()
    prefix = prefix.strip("/")
    s3 = _s3(store)
    if s3 is not None:
        # One flat listing rather than a request per folder.
        base = _key(s3, prefix) if prefix else s3.location.strip("/")
        start = f"{base}/" if base else ""
        trim = len(s3.location.strip("/")) + 1 if s3.location.strip("/") else 0
        paginator = s3.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=s3.bucket_name, Prefix=start):
            for entry in page.get("Contents", ()):
                if not entry["Key"].endswith("/"):
                    yield entry["Key"][trim:]
        return
    yield from _walk_folders(store, prefix)


def _walk_folders(store: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from _walk_folders(store, posixpath.join(folder, sub) if folder else sub)


def delete_prefix(prefix: str, *, store: Storage | None = None) -> int:
    """Delete every file under the folder `prefix`; returns how many."""
    store = store or storage()
    prefix = prefix.strip("/")
    if not prefix:
        raise ValueError("refusing to delete every stored file")
    names = list(walk(prefix, store=store))
    for name in names:
        store.delete(name)
    if _s3(store) is None and hasattr(store, "path"):
        # A folder on disk outlives its files (S3 has no folders): remove it if nothing came in since.
        with contextlib.suppress(OSError):
            os.rmdir(store.path(prefix))
    return len(names)


def is_empty(*, store: Storage | None = None) -> bool:
    return next(walk(store=store), None) is None


@contextlib.contextmanager
def local_copy(name: str, *, suffix: str = "", store: Storage | None = None) -> Iterator[Path]:
    """A temporary file on this machine holding the stored file, removed when the block ends."""
    handle, _ = open_stream(name, store=store)
    fd, path = tempfile.mkstemp(suffix=suffix, prefix="socialvalue-")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(handle, out, CHUNK)
        handle.close()
        yield Path(path)
    finally:
        handle.close()
        Path(path).unlink(missing_ok=True)
