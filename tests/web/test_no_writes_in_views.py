"""Pages and API routes of commissioning and contracts change data only through domain functions.

A `.save()`, `.create()`, `.update()` or `.delete()` in a view or route is a rule written outside
the one place the page and the API share, which is how the two drifted apart before.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "socialvalue" / "web"
MODULES = [
    SRC / app / f"{kind}.py" for app in ("commissioning", "contracts") for kind in ("views", "api")
]
WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "save_m2m",
}


def writes_in(source: str) -> list[str]:
    """`line: name()` for each call of a writing method, whatever object it is called on."""
    return [
        f"{node.lineno}: .{node.func.attr}()"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_and_routes_make_no_orm_writes(module):
    assert writes_in(module.read_text()) == []


def test_the_check_finds_a_write():
    assert writes_in(
        "def view(request):\n    form.save()\n    Bid.objects.filter(pk=1).delete()\n"
    ) == [
        "2: .save()",
        "3: .delete()",
    ]
