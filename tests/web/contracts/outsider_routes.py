"""Routes of contracts and what an outsider gets from each (see tests/web/test_outsiders.py).

Alice's organisation is made a council with a contract let to a third organisation: Charlie, of
another organisation, is party to neither side and must get 404 for the contract, its returns,
their evidence and its lines in the portfolio.
"""

from tests.routes import Route

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _contract(w):
    import datetime as dt
    from decimal import Decimal

    from socialvalue.web.accounts.models import Organisation
    from socialvalue.web.contracts.models import Contract
    from socialvalue.web.contracts.services import CommitmentSpec, create_contract
    from tests.factories import OrganisationFactory
    from tests.web.contracts.factories import measures

    existing = Contract.objects.filter(commissioner=w.alice_org).first()
    if existing is not None:
        return existing
    Organisation.objects.filter(pk=w.alice_org.pk).update(kind=Organisation.Kind.COMMISSIONER)
    w.alice_org.kind = Organisation.Kind.COMMISSIONER
    third = OrganisationFactory(name="Third Care", slug="third-care")
    fiscal, economic = measures()
    return create_contract(
        commissioner=w.alice_org,
        provider=third,
        title="Alice's home care",
        value=Decimal(100000),
        start_date=dt.date(2024, 4, 1),
        end_date=dt.date(2025, 3, 31),
        commitments=[CommitmentSpec(measure=fiscal, target_quantity=Decimal(4))],
    )


def _return(w) -> int:
    return _contract(w).returns.order_by("period_index").first().id


def _file(w) -> tuple[int, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from socialvalue.web.contracts.models import Return, ReturnFile

    period_return = Return.objects.get(pk=_return(w))
    stored = period_return.files.first() or ReturnFile.store(
        SimpleUploadedFile("evidence.pdf", PDF),
        organisation=period_return.contract.provider,
        period_return=period_return,
    )
    return period_return.id, stored.id


def _line(w) -> tuple[int, int]:
    from socialvalue.web.contracts.models import Return

    period_return = Return.objects.get(pk=_return(w))
    return period_return.id, period_return.lines.first().id


ROUTES: list[Route] = [
    Route(
        "returns/<int:return_id>/lines/<int:line_id>/",
        url=lambda w: "/returns/{}/lines/{}/".format(*_line(w)),
    ),
    Route(
        "returns/<int:return_id>/lines/<int:line_id>/",
        "post",
        url=lambda w: "/returns/{}/lines/{}/".format(*_line(w)),
        body={"body": "Mine"},
    ),
    Route(
        "returns/<int:return_id>/lines/<int:line_id>/resubmit/",
        "post",
        url=lambda w: "/returns/{}/lines/{}/resubmit/".format(*_line(w)),
        body={"quantity": "1", "answer": "Mine"},
    ),
    Route(
        "api/v1/returns/<return_id>/lines/<line_id>/messages",
        url=lambda w: "/api/v1/returns/{}/lines/{}/messages".format(*_line(w)),
        api=True,
    ),
    Route(
        "api/v1/returns/<return_id>/lines/<line_id>/messages",
        "post",
        url=lambda w: "/api/v1/returns/{}/lines/{}/messages".format(*_line(w)),
        api=True,
        files={"file": ("mine.pdf", PDF)},
        body={"body": "Mine"},
    ),
    Route(
        "api/v1/returns/<return_id>/lines/<line_id>/resubmit",
        "post",
        url=lambda w: "/api/v1/returns/{}/lines/{}/resubmit".format(*_line(w)),
        api=True,
        body={"quantity": 1, "answer": "Mine"},
    ),
    Route("contracts/<int:contract_id>/", url=lambda w: f"/contracts/{_contract(w).id}/"),
    Route(
        "contracts/<int:contract_id>/commitments/new/",
        url=lambda w: f"/contracts/{_contract(w).id}/commitments/new/",
    ),
    Route(
        "contracts/<int:contract_id>/commitments/new/",
        "post",
        url=lambda w: f"/contracts/{_contract(w).id}/commitments/new/",
        body={"target_quantity": "1", "description": "Mine", "unit": "people"},
    ),
    Route(
        "contracts/<int:contract_id>/commitments/<int:commitment_id>/remove/",
        "post",
        url=lambda w: (
            f"/contracts/{_contract(w).id}/commitments/{_contract(w).commitments.first().id}/remove/"
        ),
    ),
    Route("returns/<int:return_id>/", url=lambda w: f"/returns/{_return(w)}/"),
    Route("returns/<int:return_id>/report/", url=lambda w: f"/returns/{_return(w)}/report/"),
    Route(
        "returns/<int:return_id>/report/",
        "post",
        url=lambda w: f"/returns/{_return(w)}/report/",
        body={"narrative": "Mine", "continue": "1"},
    ),
    Route("returns/<int:return_id>/check/", url=lambda w: f"/returns/{_return(w)}/check/"),
    Route(
        "returns/<int:return_id>/check/",
        "post",
        url=lambda w: f"/returns/{_return(w)}/check/",
        body={"fingerprint": "x"},
    ),
    Route(
        "returns/<int:return_id>/verify/",
        "post",
        url=lambda w: f"/returns/{_return(w)}/verify/",
        body={"decision_1": "accepted"},
    ),
    Route(
        "returns/<int:return_id>/files/<int:file_id>/",
        url=lambda w: "/returns/{}/files/{}/".format(*_file(w)),
    ),
    # Charlie's organisation commissions nothing: the portfolio and its drill-down are not his.
    Route(
        "portfolio/lines/",
        url=lambda w: f"/portfolio/lines/?dimension=provider&key=org:{_contract(w).provider_id}",
    ),
    Route(
        "api/v1/contracts/<contract_id>",
        url=lambda w: f"/api/v1/contracts/{_contract(w).id}",
        api=True,
    ),
    Route(
        "api/v1/contracts/<contract_id>/returns",
        url=lambda w: f"/api/v1/contracts/{_contract(w).id}/returns",
        api=True,
    ),
    Route(
        "api/v1/contracts/<contract_id>/returns",
        "post",
        url=lambda w: f"/api/v1/contracts/{_contract(w).id}/returns",
        api=True,
        body={"period_index": 0, "narrative": "Mine", "lines": []},
    ),
    Route(
        "api/v1/returns/<return_id>/verification",
        "post",
        url=lambda w: f"/api/v1/returns/{_return(w)}/verification",
        api=True,
        body={"decisions": [{"line_id": 1, "verification": "accepted"}]},
    ),
    Route(
        "api/v1/returns/<return_id>/files",
        "post",
        url=lambda w: f"/api/v1/returns/{_return(w)}/files",
        api=True,
        files={"file": ("mine.pdf", PDF)},
    ),
    Route(
        "api/v1/returns/<return_id>/files/<file_id>",
        url=lambda w: "/api/v1/returns/{}/files/{}".format(*_file(w)),
        api=True,
    ),
    Route(
        "api/v1/portfolio/summary",
        url=lambda w: f"/api/v1/portfolio/summary?commissioner_id={_contract(w).commissioner_id}",
        api=True,
    ),
    # Scoped to the caller's own organisation: nothing of Alice's can be named.
    Route("contracts/"),
    Route("contracts/new/"),
    Route("portfolio/"),
    Route("portfolio/download.<str:file_format>"),
    Route("api/v1/contracts"),
]
