"""Fixtures for evidence: an organisation with an activity and a valued measure, and signed-in clients."""

from __future__ import annotations

import pytest


@pytest.fixture
def signed_in(client, demo_world):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def alice_setup(demo_world):
    from tests.web.evidence.factories import activity, counted_measure, valued_measure

    org = demo_world.alice_org
    return {
        "activity": activity(org),
        "measure": valued_measure(org),
        "counted": counted_measure(org),
    }
