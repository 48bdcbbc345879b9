"""Emailed and shared links start with SOCIALVALUE_URL, whatever Host the request carried."""

from __future__ import annotations

import re

from django.core import mail
from django.test import override_settings

PUBLIC = "https://socialvalue.example.org"


@override_settings(SOCIALVALUE_URL=PUBLIC)
def test_password_reset_link_ignores_a_forged_host(client, demo_world):
    client.post("/password-reset/", {"email": "alice@example.org"}, HTTP_HOST="attacker.example")
    body = mail.outbox[-1].body
    assert "attacker.example" not in body
    link = re.search(r"\S+/password-reset/\S+/", body).group(0)
    assert link.startswith(f"{PUBLIC}/password-reset/")
    assert "attacker.example" not in mail.outbox[-1].subject


@override_settings(SOCIALVALUE_URL=PUBLIC)
def test_invitation_link_ignores_a_forged_host(client, demo_world):
    client.force_login(demo_world.admin)
    client.post(
        "/organisation/members/",
        {"email": "newbie@example.org", "role": "editor"},
        HTTP_HOST="attacker.example",
    )
    assert f"{PUBLIC}/invitations/" in mail.outbox[-1].body
    assert "attacker.example" not in mail.outbox[-1].body
