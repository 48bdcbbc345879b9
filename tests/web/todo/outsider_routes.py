"""Routes of the to-do list (see tests/web/test_outsiders.py): they name nothing but the caller's own work."""

from tests.routes import Route

ROUTES: list[Route] = [
    Route("to-do/"),
    Route("api/v1/tasks"),
]
