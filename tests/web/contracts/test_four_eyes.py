"""Four eyes on returns: whoever submitted a return, or entered a line's figures, does not verify it.

The person in these tests belongs to the council (as an admin or an editor) and to the provider
(as an editor): they fill in the provider's return on its behalf, then sign in for the council.
"""

import json

import pytest

from socialvalue.web.contracts.models import LineReview, Return
from socialvalue.web.contracts.services import (
    Decision,
    LineReport,
    save_return,
    verification_refusal,
    verify_return,
)
from socialvalue.web.errors import FourEyes
from socialvalue.web.tenancy import SESSION_KEY
from tests.factories import MembershipFactory, UserFactory, bearer
from tests.web.contracts.factories import contract_between, parties, submit_checked

pytestmark = pytest.mark.django_db

SUBMITTED = "You submitted this return, so someone else must verify it."
ENTERED = (
    "You entered the figures for “Hospital admissions avoided”, so someone else must verify it."
)


@pytest.fixture(params=["admin", "editor"])
def world(request):
    p = parties()
    p.contract = contract_between(p)
    p.first = p.contract.returns.get(period_index=0)
    p.fiscal, p.economic = p.first.lines.order_by("commitment__position")
    p.both = UserFactory(email=f"both-{request.param}@riverbank.example")
    MembershipFactory(user=p.both, organisation=p.council, role=request.param)
    MembershipFactory(user=p.both, organisation=p.provider, role="editor")
    return p


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def _act_for(client, user, organisation):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()
    return client


def _report(world, *, by, submit, fiscal="2", economic="3"):
    lines = []
    if fiscal is not None:
        lines.append(LineReport(world.fiscal.commitment_id, fiscal))
    if economic is not None:
        lines.append(LineReport(world.economic.commitment_id, economic))
    return save_return(world.first, by=by, narrative="Quarter one", lines=lines, submit=submit)


def test_who_entered_each_line_is_kept_and_an_unchanged_line_keeps_its_author(world):
    _report(world, by=world.both, submit=False, economic=None)
    _report(world, by=world.provider_lead, submit=True, economic="3")
    world.fiscal.refresh_from_db()
    world.economic.refresh_from_db()
    assert world.fiscal.reported_by == world.both  # the lead sent the same figure back
    assert world.economic.reported_by == world.provider_lead
    world.first.refresh_from_db()
    assert verification_refusal(world.first, world.both) is None
    assert verification_refusal(world.first, world.both, [world.fiscal]).message == ENTERED
    assert verification_refusal(world.first, world.provider_lead).message == SUBMITTED


def test_the_step_refuses_the_submitter_too(world):
    _report(world, by=world.both, submit=True)
    with pytest.raises(FourEyes, match=SUBMITTED):
        verify_return(world.first, by=world.both, decisions=[Decision(world.fiscal.pk, "accepted")])
    verify_return(
        world.first, by=world.commissioner, decisions=[Decision(world.fiscal.pk, "accepted")]
    )


def test_the_api_refuses_who_submitted_the_return(client, world):
    url = f"/api/v1/contracts/{world.contract.pk}/returns"
    body = {
        "period_index": 0,
        "lines": [
            {"commitment_id": world.fiscal.commitment_id, "quantity": "2"},
            {"commitment_id": world.economic.commitment_id, "quantity": "3"},
        ],
    }
    assert _post(client, url, body, world.both).json()["status"] == "submitted"
    verify = f"/api/v1/returns/{world.first.pk}/verification"
    for verification in ("accepted", "queried", "rejected"):
        decision = {"line_id": world.fiscal.pk, "verification": verification, "reason": "Why?"}
        refused = _post(client, verify, {"decisions": [decision]}, world.both)
        assert refused.status_code == 403
        assert refused.json() == {"detail": SUBMITTED}
    world.fiscal.refresh_from_db()
    assert world.fiscal.verification == LineReview.PENDING and world.fiscal.verified_by is None
    accepted = {"decisions": [{"line_id": world.fiscal.pk, "verification": "accepted"}]}
    assert _post(client, verify, accepted, world.commissioner).status_code == 200


def test_the_api_refuses_who_entered_a_line_but_lets_them_decide_the_others(client, world):
    url = f"/api/v1/contracts/{world.contract.pk}/returns"
    draft = {
        "period_index": 0,
        "submit": False,
        "lines": [{"commitment_id": world.fiscal.commitment_id, "quantity": "2"}],
    }
    assert _post(client, url, draft, world.both).json()["status"] == "draft"
    rest = {
        "period_index": 0,
        "lines": [{"commitment_id": world.economic.commitment_id, "quantity": "3"}],
    }
    assert _post(client, url, rest, world.provider_lead).json()["status"] == "submitted"
    verify = f"/api/v1/returns/{world.first.pk}/verification"
    both_lines = {
        "decisions": [
            {"line_id": world.fiscal.pk, "verification": "accepted"},
            {"line_id": world.economic.pk, "verification": "accepted"},
        ]
    }
    refused = _post(client, verify, both_lines, world.both)
    assert refused.status_code == 403 and refused.json() == {"detail": ENTERED}
    world.economic.refresh_from_db()
    assert world.economic.verification == LineReview.PENDING  # nothing was saved
    other = {"decisions": [{"line_id": world.economic.pk, "verification": "accepted"}]}
    assert _post(client, verify, other, world.both).status_code == 200


def test_the_page_shows_the_submitter_why_and_refuses_a_decision(client, world):
    provider_side = _act_for(client, world.both, world.provider)
    response = provider_side.post(
        f"/returns/{world.first.pk}/report/",
        {
            f"quantity_{world.fiscal.pk}": "2",
            f"quantity_{world.economic.pk}": "3",
            "narrative": "Filled in for the provider",
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert submit_checked(provider_side, world.first).status_code == 302
    world.first.refresh_from_db()
    assert world.first.status == Return.Status.SUBMITTED and world.first.submitted_by == world.both

    council_side = _act_for(client, world.both, world.council)
    page = council_side.get(f"/returns/{world.first.pk}/").content.decode()
    assert "Verify this return" in page and SUBMITTED in page
    assert "Save decisions" not in page and f"decision_{world.fiscal.pk}" not in page
    response = council_side.post(
        f"/returns/{world.first.pk}/verify/", {f"decision_{world.fiscal.pk}": "accepted"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "There is a problem" in page and SUBMITTED in page
    world.fiscal.refresh_from_db()
    assert world.fiscal.verification == LineReview.PENDING

    client.force_login(world.commissioner)
    response = client.post(
        f"/returns/{world.first.pk}/verify/", {f"decision_{world.fiscal.pk}": "accepted"}
    )
    assert response.status_code == 302
    world.fiscal.refresh_from_db()
    assert world.fiscal.verification == LineReview.ACCEPTED
    assert world.fiscal.verified_by == world.commissioner


def test_the_page_offers_only_the_lines_someone_else_entered(client, world):
    _report(world, by=world.both, submit=False, economic=None)
    _report(world, by=world.provider_lead, submit=True, fiscal=None)
    council_side = _act_for(client, world.both, world.council)
    page = council_side.get(f"/returns/{world.first.pk}/").content.decode()
    assert ENTERED in page
    assert f"decision_{world.fiscal.pk}" not in page
    assert f"decision_{world.economic.pk}" in page
    response = council_side.post(
        f"/returns/{world.first.pk}/verify/", {f"decision_{world.economic.pk}": "accepted"}
    )
    assert response.status_code == 302
    world.economic.refresh_from_db()
    world.fiscal.refresh_from_db()
    assert world.economic.verification == LineReview.ACCEPTED
    assert world.fiscal.verification == LineReview.PENDING
