"""A real S3-compatible server for tests: moto's server in its own process, on a port of this machine.

A plugin of the suite (tests/conftest.py): `s3_server` starts one server for the session, on
first use only; `s3` gives a test its own fresh bucket and points the default storage at it,
configured by the same code as SOCIALVALUE_STORAGE=s3.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.ports import free_port  # noqa: F401 (used here and by importers)

#: moto accepts any credentials; boto3 only needs some to sign with.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
REGION = "eu-west-2"


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto server did not start within 30 seconds")


def client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def new_bucket(endpoint: str) -> str:
    name = f"socialvalue-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name


def environment(endpoint: str, bucket: str, **extra: str) -> dict[str, str]:
    """The variables an operator sets to keep files in `bucket`."""
    return {
        "SOCIALVALUE_STORAGE": "s3",
        "SOCIALVALUE_S3_BUCKET": bucket,
        "SOCIALVALUE_S3_ENDPOINT_URL": endpoint,
        "SOCIALVALUE_S3_REGION": REGION,
        **CREDENTIALS,
        **extra,
    }


def keys(endpoint: str, bucket: str) -> list[str]:
    pages = client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))


@dataclass
class Bucket:
    endpoint: str
    name: str

    @property
    def client(self) -> Any:
        return client(self.endpoint)

    def keys(self, prefix: str = "") -> list[str]:
        return [key for key in keys(self.endpoint, self.name) if key.startswith(prefix)]


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    process, endpoint = start_server()
    try:
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3(s3_server, settings, monkeypatch) -> Bucket:
    """A fresh bucket, and the default storage pointed at it as SOCIALVALUE_STORAGE=s3 would."""
    from socialvalue.web.settings import default_storage_from_env

    bucket = new_bucket(s3_server)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage_from_env(environment(s3_server, bucket)),
    }
    return Bucket(s3_server, bucket)
