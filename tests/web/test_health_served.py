"""A real server's /readyz answers 503 naming the database while it is unreachable, and 200 once it is back.

On SQLite the database's folder is missing, then made; on PostgreSQL the server reaches the
database through a TCP proxy the test cuts and restores, as a failover would.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.web.served import CuttableProxy, ServedSite

pytestmark = pytest.mark.slow


def assert_unavailable_naming_the_database(site: ServedSite) -> None:
    answer = site.get("/readyz")
    assert answer.status == 503, answer.body
    body = answer.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"].startswith("error: ")
    assert body["checks"]["cache"] == "ok" and body["checks"]["storage"] == "ok"
    # Liveness does not depend on the database: the process is up, only not ready.
    assert site.get("/healthz").status == 200


def test_readyz_follows_a_sqlite_database_that_goes_and_comes_back(tmp_path):
    folder = tmp_path / "db-folder"
    folder.mkdir()
    env = {"DATABASE_URL": f"sqlite:///{folder / 'socialvalue.sqlite3'}"}
    with ServedSite(tmp_path / "home", env=env) as site:
        assert site.get("/readyz").status == 200
        folder.rename(tmp_path / "db-folder-gone")  # the disk holding the database went away
        assert_unavailable_naming_the_database(site)
        (tmp_path / "db-folder-gone").rename(folder)
        answer = site.get("/readyz")
        assert answer.status == 200, answer.body
        assert answer.json()["checks"] == {"database": "ok", "storage": "ok", "cache": "ok"}
    assert "readiness check failed" in site.log()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)
@pytest.mark.django_db
def test_readyz_follows_a_postgresql_database_cut_off_and_restored(tmp_path):
    params = connection.settings_dict
    proxy = CuttableProxy((params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)))
    user = params["USER"] or "postgres"
    url = f"postgres://{user}@127.0.0.1:{proxy.port}/{params['NAME']}"
    try:
        with ServedSite(tmp_path / "home", env={"DATABASE_URL": url}) as site:
            assert site.get("/readyz").status == 200
            proxy.cut()
            assert_unavailable_naming_the_database(site)
            proxy.restore()
            answer = site.get("/readyz")
            assert answer.status == 200, answer.body
            assert answer.json()["checks"]["database"] == "ok"
    finally:
        proxy.close()
