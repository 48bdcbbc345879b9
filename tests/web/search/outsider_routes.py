"""Routes of the search (see tests/web/test_outsiders.py): they name nothing but the caller's words.

That an outsider's search finds none of Alice's records is tested in test_search.py.
"""

from tests.routes import Route

ROUTES: list[Route] = [
    Route("search/"),
    Route("api/v1/search"),
]
