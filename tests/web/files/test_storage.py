"""The storage layer behaves the same on local disk and in an S3 bucket; the settings that choose it."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from socialvalue.web.files import staging, storage
from socialvalue.web.settings import default_storage_from_env
from tests import s3 as s3_helpers


@pytest.fixture(params=["local", "s3"])
def backend(request, settings, tmp_path):
    """Each test runs once on local disk (a fresh MEDIA_ROOT) and once on a fresh bucket."""
    if request.param == "local":
        settings.MEDIA_ROOT = tmp_path / "files"
        return None
    return request.getfixturevalue("s3")


def test_written_files_are_read_listed_and_deleted_by_name(backend):
    storage.write("reports/abc/report.pdf", b"%PDF-1 one")
    storage.write("reports/abc/report.pdf", b"%PDF-1 two")  # the same name, replaced
    storage.write("reports/abd/screen.html", "<p>£</p>".encode())
    storage.write("evidence/2026/01/x.png", io.BytesIO(b"png"))
    assert storage.read_bytes("reports/abc/report.pdf") == b"%PDF-1 two"
    handle, size = storage.open_stream("reports/abd/screen.html")
    assert size == len("<p>£</p>".encode()) and handle.read().decode() == "<p>£</p>"
    handle.close()
    assert sorted(storage.walk()) == [
        "evidence/2026/01/x.png",
        "reports/abc/report.pdf",
        "reports/abd/screen.html",
    ]
    assert list(storage.walk("reports/abc")) == ["reports/abc/report.pdf"]
    assert storage.delete_prefix("reports/abc") == 1
    assert not storage.exists("reports/abc/report.pdf")
    assert sorted(storage.walk()) == ["evidence/2026/01/x.png", "reports/abd/screen.html"]
    if backend is not None:
        assert backend.keys() == ["evidence/2026/01/x.png", "reports/abd/screen.html"]


def test_a_missing_file_is_file_not_found(backend):
    with pytest.raises(FileNotFoundError):
        storage.open_stream("reports/none/report.pdf")
    assert list(storage.walk("nothing/here")) == []
    assert storage.is_empty()


def test_a_local_copy_holds_the_bytes_and_is_gone_after_its_block(backend):
    storage.write("staging/x/1/abc.csv", b"a,b\n1,2\n")
    with storage.local_copy("staging/x/1/abc.csv", suffix=".csv") as path:
        assert path.suffix == ".csv" and path.read_bytes() == b"a,b\n1,2\n"
    assert not path.exists()


def test_deleting_everything_is_refused(backend):
    with pytest.raises(ValueError):
        storage.delete_prefix("/")


def test_staging_keeps_one_upload_per_person_and_refuses_forged_tokens(backend, make_user):
    alice, bob = make_user(), make_user()
    first, _ = staging.stage(io.BytesIO(b"one"), area="imports", user=alice)
    second, name = staging.stage(io.BytesIO(b"two"), area="imports", user=alice, suffix=".csv")
    staging.stage(io.BytesIO(b"bob's"), area="imports", user=bob)
    assert staging.staged(area="imports", user=alice, token=first) is None
    assert staging.staged(area="imports", user=alice, token=second, suffix=".csv") == name
    assert storage.read_bytes(name) == b"two"
    assert staging.staged(area="imports", user=bob, token=second, suffix=".csv") is None
    assert staging.staged(area="imports", user=alice, token="../../etc/passwd") is None
    staging.discard(name)
    assert staging.staged(area="imports", user=alice, token=second, suffix=".csv") is None


def test_s3_settings_from_the_environment():
    config = default_storage_from_env(
        {
            "SOCIALVALUE_STORAGE": "S3",
            "SOCIALVALUE_S3_BUCKET": "council-files",
            "SOCIALVALUE_S3_ENDPOINT_URL": "https://objects.example.org",
            "SOCIALVALUE_S3_REGION": "eu-west-2",
            "SOCIALVALUE_S3_PREFIX": "/socialvalue/",
        }
    )
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "council-files" and options["location"] == "socialvalue"
    assert options["endpoint_url"] == "https://objects.example.org"
    assert options["region_name"] == "eu-west-2"
    assert options["default_acl"] == "private" and options["querystring_auth"] is False
    assert default_storage_from_env({})["BACKEND"].endswith("FileSystemStorage")
    no_acl = {
        "SOCIALVALUE_STORAGE": "s3",
        "SOCIALVALUE_S3_BUCKET": "b",
        "SOCIALVALUE_S3_ACL": "none",
    }
    assert default_storage_from_env(no_acl)["OPTIONS"]["default_acl"] is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SOCIALVALUE_STORAGE": "s3"}, "SOCIALVALUE_S3_BUCKET is not set"),
        ({"SOCIALVALUE_STORAGE": "ftp"}, 'SOCIALVALUE_STORAGE is "ftp": use "local" or "s3"'),
    ],
)
def test_a_bad_storage_setting_is_named(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        default_storage_from_env(environ)


def test_a_prefix_keeps_every_file_under_it(s3_server, settings, tmp_path):
    bucket = s3_helpers.new_bucket(s3_server)
    env = s3_helpers.environment(s3_server, bucket, SOCIALVALUE_S3_PREFIX="socialvalue")
    # Configured from the environment alone, in a process of its own, as a server would be.
    script = (
        "import django; django.setup()\n"
        "from socialvalue.web.files import storage\n"
        "storage.write('reports/a/report.csv', b'x,y')\n"
        "print(sorted(storage.walk()), storage.read_bytes('reports/a/report.csv'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={
            **env,
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "socialvalue.web.settings",
            "SOCIALVALUE_HOME": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['reports/a/report.csv'] b'x,y'"
    assert s3_helpers.keys(s3_server, bucket) == ["socialvalue/reports/a/report.csv"]
    assert not (tmp_path / "files").exists()
