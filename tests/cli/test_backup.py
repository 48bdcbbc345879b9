"""`socialvalue backup` and `restore` as an operator runs them: real processes, real databases, real files.

The demo data, one more uploaded file and a report run's files are backed up and restored into a
new home (SQLite) or a new database (PostgreSQL, when DATABASE_URL names one); every table's
row count and every stored file's hash must come back the same.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests import s3 as s3_helpers

pytestmark = pytest.mark.slow

#: Everything a test's own processes are configured by; the rest of the environment is left out.
_KEEP = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")

#: The state an operator would compare: rows per model table and each stored file's sha256.
STATE = """
import hashlib, json
import django
django.setup()
from django.apps import apps
from socialvalue.web.files import storage
tables = {}
for model in apps.get_models(include_auto_created=True):
    tables[model._meta.db_table] = model._base_manager.count()
files = {}
for name in storage.walk():
    handle, _ = storage.open_stream(name)
    files[name] = hashlib.sha256(handle.read()).hexdigest()
    handle.close()
# The search index is not in the archive: the restore writes it again, entry for entry.
from socialvalue.web.search.models import SearchEntry
entries = SearchEntry.objects.order_by("kind", "object_id").values_list(
    "kind", "object_id", "organisation_id", "partner_id", "title", "body")
search = hashlib.sha256(json.dumps(list(entries)).encode()).hexdigest()
print(json.dumps({"tables": tables, "files": files, "search": search}))
"""

#: More than the demo has: an uploaded evidence file and a finished report run with its files.
EXTRA = """
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.evidence import services as evidence
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.reports import registry, services as reports
from socialvalue.web.tenancy import Actor

org = Organisation.objects.get(slug="brightwater")
member = org.memberships.select_related("user").first()
record = Evidence.objects.filter(organisation=org).first()
upload = SimpleUploadedFile("timesheets.pdf", b"%PDF-1.4\\n% backed up\\n%%EOF\\n")
evidence.attach_files(record, [upload], uploaded_by=member.user)
actor = Actor.for_user(member.user, [member])
for report in registry.available_to(org):
    raw = {}
    for parameter in report.parameters:
        choices = list(parameter.choices(actor, org))
        initial = parameter.initial(actor, org) if parameter.initial else ""
        if initial or choices:
            raw[parameter.name] = initial or choices[0][0]
    run = reports.start_run(actor=actor, organisation=org, report=report, raw=raw, wait=True)
    run.refresh_from_db()
    if run.status == "done":
        print(run.pk, sorted(run.files))
        break
else:
    raise SystemExit("no report could be run")
"""

#: New rows after a restore: on PostgreSQL each would collide if the sequences were left behind.
NEW_ROWS = """
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from socialvalue.web.accounts.models import Organisation, User
from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.evidence import services as evidence
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.planning.models import Activity
from socialvalue.web.measures.models import Measure

org = Organisation.objects.get(slug="brightwater")
user = User.objects.create_user(email="after.restore@example.org", password="a long password 1")
before = AuditEvent.objects.count()
old = Evidence.objects.filter(organisation=org).first()
new = evidence.record_evidence(
    organisation=org, recorded_by=user, measure=old.measure, activity=old.activity,
    quantity=old.quantity, period_start=old.period_start, period_end=old.period_end, note="new",
)
evidence.attach_files(new, [SimpleUploadedFile("new.pdf", b"%PDF-1.4\\n%%EOF\\n")], uploaded_by=user)
activity = Activity.objects.filter(organisation=org).first()
activity.measures.add(*Measure.objects.exclude(activities=activity)[:2])
assert AuditEvent.objects.count() > before
print("new rows", new.pk, user.pk)
"""


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in _KEEP}
    env.update(SOCIALVALUE_HOME=str(home), **extra)
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from socialvalue.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "socialvalue.web.settings"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _state(env: dict[str, str]) -> dict:
    return json.loads(_python(env, STATE).strip().splitlines()[-1])


def _ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def _one_line_failure(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert words in done.stderr, done.stderr


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    # The database comes first, then the files, then the manifest that describes them.
    assert names[0] == "database.jsonl" and names[-1] == "manifest.json"
    assert all(name.startswith("files/") for name in names[1:-1])
    return manifest


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A home with the demo, an uploaded file and a report run, backed up once (SQLite, local files)."""
    home = tmp_path_factory.mktemp("source")
    env = _env(home)
    _ok(_cli(env, "demo", "--no-serve"))
    _python(env, EXTRA)
    archive = home.parent / "source-backup.tar.gz"
    out = _ok(_cli(env, "backup", str(archive)))
    assert f"Wrote {archive}" in out
    return env, archive, _state(env)


def test_a_sqlite_home_comes_back_row_for_row_and_file_for_file(source, tmp_path):
    env, archive, before = source
    assert any(name.startswith("reports/") for name in before["files"])
    assert any(name.startswith("evidence/") for name in before["files"])
    manifest = _manifest(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert set(manifest["files"]) == set(before["files"])
    assert {n: f["sha256"] for n, f in manifest["files"].items()} == before["files"]
    assert manifest["tables"] == before["tables"]

    target = _env(tmp_path / "restored")
    out = _ok(_cli(target, "restore", str(archive)))
    assert "match the backup" in out
    after = _state(target)
    assert after == before
    assert before["tables"]["accounts_user"] > 0 and before["tables"]["audit_auditevent"] > 0

    # The restored home is a working one: new rows and files go in beside the old.
    assert "new rows" in _python(target, NEW_ROWS)
    # And it is no longer empty: a second restore is refused before it changes anything.
    _one_line_failure(_cli(target, "restore", str(archive)), "restore needs an empty database")


def test_files_in_a_bucket_are_backed_up_and_restored_too(source, s3_server, tmp_path):
    env, archive, before = source
    bucket = s3_helpers.new_bucket(s3_server)
    in_s3 = _env(tmp_path / "s3-home", **s3_helpers.environment(s3_server, bucket))
    _ok(_cli(in_s3, "restore", str(archive)))
    assert s3_helpers.keys(s3_server, bucket) == sorted(before["files"])
    assert not (tmp_path / "s3-home" / "files").exists()

    again = tmp_path / "from-s3.tar.gz"
    _ok(_cli(in_s3, "backup", str(again)))  # the files walked and read from the bucket
    local = _env(tmp_path / "local-again")
    _ok(_cli(local, "restore", str(again)))
    assert _state(local) == before


def test_restore_refuses_a_storage_that_already_holds_files(source, tmp_path):
    env, archive, _ = source
    target = _env(tmp_path / "busy")
    (tmp_path / "busy" / "files" / "evidence").mkdir(parents=True)
    (tmp_path / "busy" / "files" / "evidence" / "kept.pdf").write_bytes(b"%PDF")
    _one_line_failure(_cli(target, "restore", str(archive)), "file storage already holds files")


def test_a_damaged_archive_is_refused_before_anything_is_written(source, tmp_path):
    env, archive, _ = source
    target = _env(tmp_path / "target")
    _one_line_failure(_cli(target, "restore", str(tmp_path / "none.tar.gz")), "no such file")

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _one_line_failure(_cli(target, "restore", str(cut)), "damaged")

    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive at all")
    _one_line_failure(_cli(target, "restore", str(junk)), "not a socialvalue backup")

    # A file changed inside an otherwise whole archive: its hash no longer matches the manifest.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name.startswith("files/evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.addfile(member, io.BytesIO(data))
    _one_line_failure(_cli(target, "restore", str(tampered)), "does not match its hash")
    assert not (tmp_path / "target" / "socialvalue.sqlite3").exists()


def test_backup_failures_are_one_line(tmp_path):
    empty = _env(tmp_path / "nothing-here")
    _one_line_failure(_cli(empty, "backup", str(tmp_path / "b.tar.gz")), "No database at")
    _one_line_failure(_cli(empty, "backup", str(tmp_path / "b.zip")), "name the archive .tar.gz")
    _one_line_failure(
        _cli(empty, "backup", str(tmp_path / "no" / "such" / "b.tar.gz")), "does not exist"
    )
    bad = _env(tmp_path / "bad", SOCIALVALUE_STORAGE="s3")
    _one_line_failure(_cli(bad, "backup", str(tmp_path / "b.tar.gz")), "SOCIALVALUE_S3_BUCKET")


def _postgres_url(name: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _recreate(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL round trip: runs when DATABASE_URL names a PostgreSQL database",
)
def test_a_postgresql_database_comes_back_and_takes_new_rows(source, tmp_path):
    suffix = os.environ["DATABASE_URL"].rpartition("/")[2]
    source_url, target_url = _postgres_url(f"{suffix}_backup"), _postgres_url(f"{suffix}_restore")
    assert source_url and target_url
    _recreate(source_url)
    _recreate(target_url)
    try:
        env = _env(tmp_path / "pg-source", DATABASE_URL=source_url)
        _ok(_cli(env, "demo", "--no-serve"))
        _python(env, EXTRA)
        before = _state(env)
        assert before["tables"]["planning_activity_measures"] > 0  # ids NEW_ROWS must not reuse
        archive = tmp_path / "pg.tar.gz"
        _ok(_cli(env, "backup", str(archive)))
        assert _manifest(archive)["database"]["vendor"] == "postgresql"

        target = _env(tmp_path / "pg-target", DATABASE_URL=target_url)
        _ok(_cli(target, "restore", str(archive)))
        assert _state(target) == before
        # Sequences were moved past the loaded ids, so new rows (and m2m links) do not collide.
        assert "new rows" in _python(target, NEW_ROWS)
        _one_line_failure(_cli(target, "restore", str(archive)), "restore needs an empty database")

        # The archive does not depend on the database it came from: SQLite's restores here too.
        _recreate(target_url)
        sqlite_env, sqlite_archive, sqlite_before = source
        into_pg = _env(tmp_path / "pg-from-sqlite", DATABASE_URL=target_url)
        _ok(_cli(into_pg, "restore", str(sqlite_archive)))
        assert _state(into_pg) == sqlite_before
    finally:
        _drop(source_url)
        _drop(target_url)
