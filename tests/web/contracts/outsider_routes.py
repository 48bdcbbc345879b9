"""Routes of contracts and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route

ROUTES: list[Route] = []
