"""Kept PostgreSQL connections the server closed (failover, restart) are reopened, not turned into 500s."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from tests.factories import UserFactory, token_for
from tests.web.served import ServedSite

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_after_the_database_closed_every_kept_connection(tmp_path):
    # Committed (transaction=True), so the server's own connections see the user and token.
    token = token_for(UserFactory())
    params = connection.settings_dict
    app_name = f"socialvalue-reconnect-{uuid.uuid4().hex[:8]}"
    url = (
        f"postgres://{params['USER'] or 'postgres'}@{params['HOST'] or '127.0.0.1'}:"
        f"{params['PORT'] or 5432}/{params['NAME']}"
    )
    # libpq names the server's connections, so only they are terminated, not the test's own.
    env = {"DATABASE_URL": url, "PGAPPNAME": app_name, "SOCIALVALUE_SECURE_SSL_REDIRECT": "false"}
    bearer = {"Authorization": f"Bearer {token}"}
    with ServedSite(tmp_path / "home", env=env) as site:
        assert [site.get("/api/v1/me", bearer).status for _ in range(20)] == [200] * 20
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                [app_name],
            )
            terminated = cursor.fetchall()
        assert terminated and all(ok for (ok,) in terminated)
        statuses = [site.get("/api/v1/me", bearer).status for _ in range(20)]
    assert statuses == [200] * 20, site.log()[-3000:]
