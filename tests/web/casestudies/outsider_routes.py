"""Routes of case studies and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route
from tests.web.files.samples import PNG_BYTES


def _alice_case_study_id(w) -> int:
    from tests.web.casestudies.factories import case_study

    return case_study(w.alice_org, shared=True).id


def _file_url(w, prefix: str, suffix: str = "") -> str:
    from socialvalue.web.casestudies import services
    from tests.web.casestudies.factories import case_study
    from tests.web.files.samples import upload

    found = case_study(w.alice_org, shared=True)
    (stored,) = services.attach_files(found, [upload("garden.png", PNG_BYTES)], uploaded_by=None)
    return f"{prefix}{found.id}/files/{stored.id}{suffix}"


ROUTES: list[Route] = [
    # Routes naming one of Alice's case studies or files: Charlie gets 404.
    Route(
        "case-studies/<int:case_study_id>/",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/",
    ),
    Route(
        "case-studies/<int:case_study_id>/edit/",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/edit/",
    ),
    Route(
        "case-studies/<int:case_study_id>/edit/",
        "post",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/edit/",
        body={"title": "Mine now", "summary": "Taken"},
    ),
    Route(
        "case-studies/<int:case_study_id>/download.<str:file_format>",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/download.pdf",
    ),
    Route(
        "case-studies/<int:case_study_id>/delete/",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/delete/",
    ),
    Route(
        "case-studies/<int:case_study_id>/delete/",
        "post",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/delete/",
    ),
    Route(
        "case-studies/<int:case_study_id>/sharing/",
        "post",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/sharing/",
        body={"share": "0"},
    ),
    Route(
        "case-studies/<int:case_study_id>/files/",
        "post",
        url=lambda w: f"/case-studies/{_alice_case_study_id(w)}/files/",
        files={"files": ("mine.png", PNG_BYTES)},
    ),
    Route(
        "case-studies/<int:case_study_id>/files/<int:file_id>/",
        url=lambda w: _file_url(w, "/case-studies/", "/"),
    ),
    Route(
        "case-studies/<int:case_study_id>/files/<int:file_id>/remove/",
        "post",
        url=lambda w: _file_url(w, "/case-studies/", "/remove/"),
    ),
    Route(
        "api/v1/case-studies/<case_study_id>",
        url=lambda w: f"/api/v1/case-studies/{_alice_case_study_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/case-studies/<case_study_id>",
        "patch",
        url=lambda w: f"/api/v1/case-studies/{_alice_case_study_id(w)}",
        api=True,
        body={"title": "Mine now"},
    ),
    Route(
        "api/v1/case-studies/<case_study_id>",
        "delete",
        url=lambda w: f"/api/v1/case-studies/{_alice_case_study_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/case-studies/<case_study_id>/files",
        "post",
        url=lambda w: f"/api/v1/case-studies/{_alice_case_study_id(w)}/files",
        api=True,
        files={"file": ("mine.png", PNG_BYTES)},
    ),
    Route(
        "api/v1/case-studies/<case_study_id>/files/<file_id>",
        url=lambda w: _file_url(w, "/api/v1/case-studies/"),
        api=True,
    ),
    Route(
        "api/v1/case-studies",
        "post",
        url=lambda w: "/api/v1/case-studies",
        api=True,
        body={"organisation_id": "ALICE_ORG", "title": "Mine", "summary": "Planted"},
    ),
    # Routes scoped to the caller's own organisation: nothing of Alice's can be named.
    Route("case-studies/"),
    Route("case-studies/new/"),
    Route("api/v1/case-studies"),
]
