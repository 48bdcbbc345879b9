"""Routes of evidence and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route
from tests.web.files.samples import PDF_BYTES


def _alice_evidence_id(w) -> int:
    from tests.web.evidence.factories import evidence

    return evidence(w.alice_org, recorded_by=w.editor).id


def _alice_file(w) -> tuple[int, int]:
    from socialvalue.web.evidence import services
    from tests.web.evidence.factories import evidence
    from tests.web.files.samples import upload

    record = evidence(w.alice_org, recorded_by=w.editor)
    (stored,) = services.attach_files(record, [upload("register.pdf", PDF_BYTES)], uploaded_by=None)
    return record.id, stored.id


def _file_url(w, prefix: str, suffix: str = "") -> str:
    evidence_id, file_id = _alice_file(w)
    return f"{prefix}{evidence_id}/files/{file_id}{suffix}"


ROUTES: list[Route] = [
    # Routes naming one of Alice's records or files: Charlie gets 404.
    Route("evidence/<int:evidence_id>/", url=lambda w: f"/evidence/{_alice_evidence_id(w)}/"),
    Route(
        "evidence/<int:evidence_id>/messages/",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/messages/",
    ),
    Route(
        "evidence/<int:evidence_id>/messages/",
        "post",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/messages/",
        body={"body": "Mine now"},
    ),
    Route(
        "api/v1/evidence/<evidence_id>/messages",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}/messages",
        api=True,
    ),
    Route(
        "api/v1/evidence/<evidence_id>/messages",
        "post",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}/messages",
        api=True,
        body={"body": "Mine now"},
    ),
    Route(
        "evidence/<int:evidence_id>/edit/",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/edit/",
    ),
    Route(
        "evidence/<int:evidence_id>/edit/",
        "post",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/edit/",
        body={"quantity": "999"},
    ),
    Route(
        "evidence/<int:evidence_id>/delete/",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/delete/",
    ),
    Route(
        "evidence/<int:evidence_id>/delete/",
        "post",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/delete/",
    ),
    Route(
        "evidence/<int:evidence_id>/verification/",
        "post",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/verification/",
        body={"decision": "verify"},
    ),
    Route(
        "evidence/<int:evidence_id>/files/",
        "post",
        url=lambda w: f"/evidence/{_alice_evidence_id(w)}/files/",
        files={"files": ("mine.pdf", PDF_BYTES)},
    ),
    Route(
        "evidence/<int:evidence_id>/files/<int:file_id>/",
        url=lambda w: _file_url(w, "/evidence/", "/"),
    ),
    Route(
        "evidence/<int:evidence_id>/files/<int:file_id>/remove/",
        "post",
        url=lambda w: _file_url(w, "/evidence/", "/remove/"),
    ),
    Route(
        "evidence/import/confirm/",
        "post",
        url=lambda w: "/evidence/import/confirm/",
        body={"token": "alices-upload-token"},
    ),
    Route(
        "api/v1/evidence/<evidence_id>",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/evidence/<evidence_id>",
        "patch",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}",
        api=True,
        body={"quantity": 999},
    ),
    Route(
        "api/v1/evidence/<evidence_id>",
        "delete",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/evidence/<evidence_id>/verification",
        "post",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}/verification",
        api=True,
        body={"decision": "verify"},
    ),
    Route(
        "api/v1/evidence/<evidence_id>/files",
        "post",
        url=lambda w: f"/api/v1/evidence/{_alice_evidence_id(w)}/files",
        api=True,
        files={"file": ("mine.pdf", PDF_BYTES)},
    ),
    Route(
        "api/v1/evidence/<evidence_id>/files/<file_id>",
        url=lambda w: _file_url(w, "/api/v1/evidence/"),
        api=True,
    ),
    Route(
        "api/v1/evidence",
        "post",
        url=lambda w: "/api/v1/evidence",
        api=True,
        body={
            "organisation_id": "ALICE_ORG",
            "measure_id": 1,
            "activity_id": 1,
            "quantity": 1,
            "period_start": "2025-04-01",
            "period_end": "2025-04-30",
        },
    ),
    Route(
        "api/v1/evidence/imports",
        "post",
        url=lambda w: "/api/v1/evidence/imports",
        api=True,
        body={"organisation_id": "ALICE_ORG"},
        files={"file": ("april.csv", b"measure,activity,quantity,period_start\n")},
    ),
    # Routes scoped to the caller's own organisation: nothing of Alice's can be named.
    Route("evidence/"),
    Route("evidence/record/"),
    Route("evidence/export.<str:file_format>"),
    Route("evidence/import/"),
    Route("evidence/import/template.csv"),
    Route("api/v1/evidence"),
]
