"""The release step: apply migrations under a lock, so two servers starting at once cannot race.

Django's migrate is not safe to run twice at the same time: both read the same plan, both create
the same tables, and one dies on an IntegrityError half-way. On PostgreSQL a session advisory
lock serialises every `socialvalue migrate` (and `serve --migrate`) on the same database; on SQLite
an exclusive file lock beside the database file does the same. The second runner waits, then
finds nothing left to apply.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

try:
    import fcntl
except ImportError:  # Windows has no fcntl: see migration_lock
    fcntl = None  # type: ignore[assignment]

#: One fixed 32-bit key: every socialvalue process migrating this database asks for the same lock.
ADVISORY_LOCK_KEY = zlib.crc32(b"socialvalue.migrate")


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Names (app.migration) of the migrations not yet applied to the database."""
    connection = connections[alias]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@contextlib.contextmanager
def migration_lock(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the database's migration lock for the duration of the block."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or connection.is_in_memory_db() or not name:
        yield
        return
    if fcntl is None:  # Windows: one machine, one operator; nothing else starts servers there
        yield
        return
    lock_path = Path(name).with_name(Path(name).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        yield


def migrate(*, verbosity: int = 1, alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Apply every pending migration under the lock; returns what was applied (may be none)."""
    with migration_lock(alias):
        # Read the plan only once the lock is ours: another runner may just have applied it.
        pending = pending_migrations(alias)
        if pending:
            call_command("migrate", database=alias, interactive=False, verbosity=verbosity)
    return pending
