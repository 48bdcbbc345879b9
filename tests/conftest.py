"""Test set-up shared by every suite: factories as fixtures and a fast way to sign in."""

import pytest

from tests.properties import load_profile

#: Property tests: the full count of examples in CI, a quarter of it locally (tests/properties.py).
load_profile()

#: Fixtures for a real S3-compatible server (moto), for the tests of files kept in a bucket.
pytest_plugins = ["tests.s3"]


@pytest.fixture
def make_user(db):
    from tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def demo_world(db):
    """Two organisations with an admin, an editor, a viewer and an outsider (a member elsewhere)."""
    from tests.factories import world

    return world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: each test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
