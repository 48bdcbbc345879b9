"""In production SOCIALVALUE_URL gives the allowed host and the trusted CSRF origin; check --deploy passes."""

from __future__ import annotations

import pytest

from tests.ops.processes import production_env, run

pytestmark = pytest.mark.slow


def test_public_url_configures_hosts_and_csrf_and_passes_the_deploy_check(tmp_path):
    env = production_env(
        tmp_path,
        SOCIALVALUE_ENV="production",
        SOCIALVALUE_URL="https://socialvalue.example.org",
        EMAIL_URL="smtp+tls://mailer:secret@mail.example.org:587",
    )
    shown = run(
        "manage", "shell", "-c",
        "from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.EMAIL_HOST, s.EMAIL_USE_TLS)",
        env=env,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    hosts, origins = shown.stdout.split("] [", 1)
    assert "'socialvalue.example.org'" in hosts
    assert origins.startswith("'https://socialvalue.example.org'")
    assert shown.stdout.strip().endswith("mail.example.org True")
    check = run("manage", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
