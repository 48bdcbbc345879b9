"""Routes of statements and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route


def _statement(w) -> int:
    from tests.web.statements.factories import drafted_statement

    return drafted_statement(w.alice_org).pk


def _published(w) -> int:
    from socialvalue.web.statements.services import publish
    from tests.web.statements.factories import drafted_statement

    statement = drafted_statement(w.alice_org)
    publish(statement)
    return statement.pk


def _commitment(w) -> str:
    from tests.web.statements.factories import drafted_statement

    statement = drafted_statement(w.alice_org)
    return f"{statement.pk}/commitments/{statement.commitments.get().pk}"


ROUTES: list[Route] = [
    Route("statements/"),
    Route("statements/new/"),
    # The secret in the link is the permission: anyone holding it may read the published statement.
    Route("public/statements/<str:token>/"),
    Route("public/statements/<str:token>/download.<str:file_format>"),
    Route("statements/<int:statement_id>/", url=lambda w: f"/statements/{_statement(w)}/"),
    Route(
        "statements/<int:statement_id>/delete/",
        "post",
        url=lambda w: f"/statements/{_statement(w)}/delete/",
    ),
    Route(
        "statements/<int:statement_id>/sections/<slug:section>/",
        "post",
        url=lambda w: f"/statements/{_statement(w)}/sections/mission/",
        body={"mission": "Mine now"},
    ),
    Route(
        "statements/<int:statement_id>/commitments/",
        url=lambda w: f"/statements/{_statement(w)}/commitments/",
    ),
    Route(
        "statements/<int:statement_id>/commitments/new/",
        "post",
        url=lambda w: f"/statements/{_statement(w)}/commitments/new/",
        body={"title": "Mine now", "position": "1"},
    ),
    Route(
        "statements/<int:statement_id>/commitments/<int:commitment_id>/",
        "post",
        url=lambda w: f"/statements/{_commitment(w)}/",
        body={"title": "Mine now", "position": "1"},
    ),
    Route(
        "statements/<int:statement_id>/commitments/<int:commitment_id>/delete/",
        "post",
        url=lambda w: f"/statements/{_commitment(w)}/delete/",
    ),
    Route(
        "statements/<int:statement_id>/preview/",
        url=lambda w: f"/statements/{_statement(w)}/preview/",
    ),
    Route(
        "statements/<int:statement_id>/download.<str:file_format>",
        url=lambda w: f"/statements/{_statement(w)}/download.docx",
    ),
    Route(
        "statements/<int:statement_id>/publish/",
        "post",
        url=lambda w: f"/statements/{_statement(w)}/publish/",
    ),
    Route(
        "statements/<int:statement_id>/history/",
        url=lambda w: f"/statements/{_published(w)}/history/",
    ),
    Route(
        "statements/<int:statement_id>/versions/<int:number>/",
        url=lambda w: f"/statements/{_published(w)}/versions/1/",
    ),
    Route(
        "statements/<int:statement_id>/versions/<int:number>/download.<str:file_format>",
        url=lambda w: f"/statements/{_published(w)}/versions/1/download.pdf",
    ),
    Route(
        "statements/<int:statement_id>/sharing/",
        "post",
        url=lambda w: f"/statements/{_statement(w)}/sharing/",
        body={"shared": "on"},
    ),
    Route("api/v1/statements"),
    Route(
        "api/v1/statements",
        "post",
        url=lambda w: "/api/v1/statements",
        api=True,
        body={"organisation_id": "ALICE_ORG", "title": "Mine now"},
    ),
    Route(
        "api/v1/statements/<statement_id>",
        url=lambda w: f"/api/v1/statements/{_statement(w)}",
        api=True,
    ),
    Route(
        "api/v1/statements/<statement_id>",
        "patch",
        url=lambda w: f"/api/v1/statements/{_statement(w)}",
        api=True,
        body={"mission": "Mine now"},
    ),
    Route(
        "api/v1/statements/<statement_id>/publish",
        "post",
        url=lambda w: f"/api/v1/statements/{_statement(w)}/publish",
        api=True,
        body={"note": "Mine now"},
    ),
    Route(
        "api/v1/statements/<statement_id>/versions/<number>",
        url=lambda w: f"/api/v1/statements/{_published(w)}/versions/1",
        api=True,
    ),
    Route(
        "api/v1/statements/<statement_id>/export",
        url=lambda w: f"/api/v1/statements/{_published(w)}/export?format=pdf",
        api=True,
    ),
]
