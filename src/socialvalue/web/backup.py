"""Backup and restore: one .tar.gz holding the database (first), every stored file, and a manifest.

The database travels as Django's own serialisation (`dumpdata`, JSON Lines, every app, primary
keys as they are, no natural keys) rather than as a dump of one database's own format: it
restores into SQLite or PostgreSQL whatever it came from, needs no `pg_dump` matching the
server's version, and loads through the same models the code migrates. It is taken from one
consistent view: on SQLite a copy made with sqlite3's backup API, on PostgreSQL a read-only
REPEATABLE READ transaction, and the table counts are taken from that same view.

Restore runs into an empty database and an empty storage: migrate, empty every table (so the
content types, permissions and shipped data that migrate made give way to the archive's own rows,
primary keys included), load, reset PostgreSQL's sequences, write the files, then check every
table's count and every file's hash against the manifest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from socialvalue import __version__
from socialvalue.web.files import storage
from socialvalue.web.search import index as search_index

FORMAT = "socialvalue-backup"
FORMAT_VERSION = 1
DATABASE_MEMBER = "database.jsonl"
FILES_PREFIX = "files/"
MANIFEST_MEMBER = "manifest.json"
SNAPSHOT_ALIAS = "backup_snapshot"
#: The suffixes an archive may have: the name says what the file is.
SUFFIXES = (".tar.gz", ".tgz")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one sentence for the operator."""


@dataclass
class Summary:
    rows: int
    tables: int
    files: int
    bytes: int
    missing: list[str] = field(default_factory=list)


Report = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# ---------------------------------------------------------------- shared


def _sha256_copy(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(storage.CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows in every table the models define (auto-created many-to-many tables included)."""
    connection = connections[alias]
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def schema(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The latest migration of each app in this version of the code, as "app.name"."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


# ---------------------------------------------------------------- backup


@contextlib.contextmanager
def _snapshot(folder: Path) -> Iterator[str]:
    """A database alias showing one consistent moment of the database, for as long as the block lasts."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        # sqlite3's backup API copies the pages of one moment, even while the site writes (WAL).
        copy = folder / "snapshot.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        connections.settings[SNAPSHOT_ALIAS] = {
            **connections.settings[DEFAULT_DB_ALIAS],
            "NAME": str(copy),
        }
        try:
            yield SNAPSHOT_ALIAS
        finally:
            connections[SNAPSHOT_ALIAS].close()
            del connections[SNAPSHOT_ALIAS]
            del connections.settings[SNAPSHOT_ALIAS]
        return
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if connection.vendor == "postgresql":
            # Every table read in this transaction sees the same moment, and nothing is locked.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield DEFAULT_DB_ALIAS


def _add(archive: tarfile.TarFile, name: str, handle: IO[bytes], size: int) -> str:
    """Add a member from a stream, hashing it on the way; returns its sha256."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(dt.datetime.now().timestamp()), 0o600
    hashing = _HashingReader(handle)
    archive.addfile(info, hashing)
    if hashing.size != size:
        raise BackupError(f"{name} changed size while it was being backed up: run the backup again")
    return hashing.hexdigest()


class _HashingReader:
    """Hands tarfile the stream's bytes and hashes them as they pass: each file is read once."""

    def __init__(self, handle: IO[bytes]):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def dump_database(path: Path, alias: str = DEFAULT_DB_ALIAS) -> int:
    """Every row of every model as JSON Lines, as `dumpdata --all --format jsonl` writes them.

    Written here rather than by the command so the file is UTF-8 whatever the machine's locale.
    Rows of automatic many-to-many tables travel inside their owner's rows, as in dumpdata.
    """
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for model in apps.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table == search_index.TABLE:
                continue  # the search index is derived: a restore writes it again
            rows = model._base_manager.using(alias).order_by(meta.pk.name)
            serializers.serialize("jsonl", rows.iterator(chunk_size=2000), stream=out)
            written += 1
    return written


def check_archive_name(path: Path) -> None:
    if not path.name.endswith(SUFFIXES):
        raise BackupError(f"{path.name}: name the archive .tar.gz (it is a gzipped tar file)")


def backup(path: Path, *, report: Report = _quiet) -> Summary:
    """Write the archive at `path`: the database first, then every stored file, then the manifest."""
    path = Path(path)
    check_archive_name(path)
    if not path.parent.is_dir():
        raise BackupError(f"{path}: the folder {path.parent} does not exist")
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).is_file():
        raise BackupError(
            f"No database at {connection.settings_dict['NAME']}: set SOCIALVALUE_HOME or DATABASE_URL"
        )
    behind = unapplied_migrations()
    if behind:
        raise BackupError(
            f"The database is behind this version ({len(behind)} migrations not applied, first "
            f"{behind[0]}): back it up with the version that last migrated it"
        )
    with tempfile.TemporaryDirectory(prefix="socialvalue-backup-") as work:
        folder = Path(work)
        dump = folder / DATABASE_MEMBER
        report("Reading the database ...")
        with _snapshot(folder) as alias:
            counts = table_counts(alias)
            dump_database(dump, alias)
            referenced = {
                name
                for model, name_field in _file_fields()
                for name in model._base_manager.using(alias).values_list(name_field, flat=True)
                if name
            }
        partial = path.with_name(f".{path.name}.partial")
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "socialvalue_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "member": DATABASE_MEMBER},
            "schema": schema(),
            "tables": counts,
            "files": {},
        }
        total = 0
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                size = dump.stat().st_size
                with dump.open("rb") as handle:
                    manifest["database"].update(
                        sha256=_add(archive, DATABASE_MEMBER, handle, size), size=size
                    )
                report(f"Database: {sum(counts.values())} rows in {len(counts)} tables")
                for name in storage.walk():
                    handle, size = storage.open_stream(name)
                    try:
                        digest = _add(archive, FILES_PREFIX + name, handle, size)
                    finally:
                        handle.close()
                    manifest["files"][name] = {"sha256": digest, "size": size}
                    total += size
                missing = sorted(referenced - set(manifest["files"]))
                manifest["missing_files"] = missing
                report(f"Files: {len(manifest['files'])} ({total:,} bytes)")
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                _add(archive, MANIFEST_MEMBER, io.BytesIO(data), len(data))
            os.replace(partial, path)  # never a half-written archive under the real name
        finally:
            partial.unlink(missing_ok=True)
    return Summary(
        rows=sum(counts.values()),
        tables=len(counts),
        files=len(manifest["files"]),
        bytes=total,
        missing=missing,
    )


# ---------------------------------------------------------------- restore


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r|gz")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path.name} is not a socialvalue backup ({exc})") from None


def _member_name(member: tarfile.TarInfo) -> str:
    name = member.name
    pure = PurePosixPath(name)
    if not member.isfile() or pure.is_absolute() or ".." in pure.parts or "\\" in name:
        raise BackupError(f"the archive holds an unexpected entry {name!r}")
    return name


def read_manifest(path: Path) -> dict[str, Any]:
    """Read the whole archive once: the manifest, and every member checked against it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    digests: dict[str, tuple[str, int]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with _open(path) as archive:
            for member in archive:
                name = _member_name(member)
                handle = archive.extractfile(member)
                assert handle is not None
                if name == MANIFEST_MEMBER:
                    manifest = json.loads(handle.read().decode("utf-8"))
                else:
                    digests[name] = _sha256_copy(handle)
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise BackupError(f"{path.name} is damaged or not a socialvalue backup ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name} is not a socialvalue backup (it has no manifest)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path.name} is a backup of format {manifest.get('format_version')}; this version "
            f"reads format {FORMAT_VERSION}"
        )
    expected = {DATABASE_MEMBER: (manifest["database"]["sha256"], manifest["database"]["size"])}
    expected.update(
        {FILES_PREFIX + n: (f["sha256"], f["size"]) for n, f in manifest["files"].items()}
    )
    for name, (digest, size) in expected.items():
        if name not in digests:
            raise BackupError(f"{path.name} is damaged: {name} is missing from it")
        if digests[name] != (digest, size):
            raise BackupError(f"{path.name} is damaged: {name} does not match its hash")
    extra = sorted(set(digests) - set(expected))
    if extra:
        raise BackupError(f"{path.name} holds {extra[0]}, which its manifest does not list")
    return manifest


def _holds_data() -> str | None:
    """What the target already holds, in words, or None when the database and storage are empty."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = set(connection.introspection.table_names())
    held = []
    # Models through the app registry: this module loads before Django is set up (the command
    # line checks an archive's name first), when models cannot be imported.
    users, organisations = (
        apps.get_model("accounts", "User"),
        apps.get_model("accounts", "Organisation"),
    )
    for model, words in ((users, "users"), (organisations, "organisations")):
        if model._meta.db_table in tables:
            count = model._base_manager.count()
            if count:
                held.append(f"{count} {words}")
    if held:
        return f"the database already holds {' and '.join(held)}"
    if not storage.is_empty():
        return f"the file storage already holds files (for example {next(storage.walk())})"
    return None


def _reset_sequences() -> None:
    """Set each table's id sequence past the loaded rows, so new rows do not collide (PostgreSQL)."""
    connection = connections[DEFAULT_DB_ALIAS]
    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def restore(path: Path, *, report: Report = _quiet) -> Summary:
    """Restore the archive at `path` into this empty database and storage, then check it."""
    path = Path(path)
    report(f"Checking {path.name} ...")
    manifest = read_manifest(path)
    ours = schema()
    if manifest["schema"] != ours:
        theirs = set(manifest["schema"])
        differ = sorted(theirs.symmetric_difference(ours))
        raise BackupError(
            f"{path.name} was made by socialvalue {manifest['socialvalue_version']} with another "
            f"database schema ({differ[0]} differs): restore it with that version, then upgrade"
        )
    held = _holds_data()
    if held:
        raise BackupError(f"Not restoring: {held}; restore needs an empty database and storage")

    report("Preparing the database ...")
    call_command("migrate", interactive=False, verbosity=0)
    # migrate made content types, permissions and shipped data; the archive has its own, ids and all.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    apps.get_model("contenttypes", "ContentType").objects.clear_cache()
    with tempfile.TemporaryDirectory(prefix="socialvalue-restore-") as work:
        with _open(path) as archive:
            for member in archive:
                name = _member_name(member)
                handle = archive.extractfile(member)
                assert handle is not None
                if name == DATABASE_MEMBER:
                    dump = Path(work) / DATABASE_MEMBER
                    with dump.open("wb") as out:
                        shutil.copyfileobj(handle, out, storage.CHUNK)
                    report("Loading the database ...")
                    call_command("loaddata", str(dump), verbosity=0)
                    _reset_sequences()
                    # Loaded in model order, some entries missed names from tables loaded later.
                    search_index.rebuild()
                    dump.unlink()
                    report("Writing the files ...")
                elif name.startswith(FILES_PREFIX):
                    # A member of a streamed archive cannot seek, and an S3 upload wants to.
                    with tempfile.SpooledTemporaryFile(max_size=storage.CHUNK, dir=work) as copy:
                        shutil.copyfileobj(handle, copy, storage.CHUNK)
                        copy.seek(0)
                        storage.write(name[len(FILES_PREFIX) :], File(copy))
    return verify(manifest, report=report)


def verify(manifest: dict[str, Any], *, report: Report = _quiet) -> Summary:
    """Check this database's table counts and the stored files' hashes against a manifest."""
    counts = table_counts()
    for table, count in sorted(manifest["tables"].items()):
        if counts.get(table) != count:
            raise BackupError(
                f"Restored, but the table {table} has {counts.get(table)} rows where the "
                f"backup had {count}"
            )
    total = 0
    for name, expected in sorted(manifest["files"].items()):
        try:
            handle, _ = storage.open_stream(name)
        except FileNotFoundError:
            raise BackupError(f"Restored, but the file {name} is not in the storage") from None
        try:
            digest, size = _sha256_copy(handle)
        finally:
            handle.close()
        if digest != expected["sha256"]:
            raise BackupError(f"Restored, but the file {name} does not match its hash")
        total += size
    report(
        f"Checked: {sum(counts.values())} rows in {len(counts)} tables and "
        f"{len(manifest['files'])} files match the backup"
    )
    return Summary(
        rows=sum(counts.values()),
        tables=len(counts),
        files=len(manifest["files"]),
        bytes=total,
        missing=list(manifest.get("missing_files", [])),
    )
