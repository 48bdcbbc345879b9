"""Each change the audit once missed now leaves an event: bulk updates and deletes, scores,
tokens, invitations, passwords, and sign-ins as security events."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail

from socialvalue.web.accounts.models import ApiToken, Membership
from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.audit.registry import HIDDEN, acting_as
from socialvalue.web.commissioning.models import Priority, QualityCriterion
from tests.factories import PASSWORD, bearer
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db


def events(object_type: str, action: str | None = None, **lookup):
    found = AuditEvent.objects.filter(object_type=object_type, **lookup)
    return found.filter(action=action) if action else found


@pytest.fixture
def council(demo_world):
    f.charter(demo_world.alice_org, minimum_weight=10, threshold=100_000, minimum_outcomes=1)
    return demo_world


def test_criteria_weights_changed_through_the_api_are_recorded(client, council):
    procurement = f.procurement(council.alice_org)
    old_ids = set(procurement.criteria.values_list("id", flat=True))
    response = client.patch(
        f"/api/v1/procurements/{procurement.id}",
        {
            "weight_price": 35,
            "weight_quality": 50,
            "criteria": [
                {"id": "q1", "name": "Person-centred care", "weight": 30},
                {"id": "q2", "name": "Safeguarding", "weight": 20},
            ],
        },
        content_type="application/json",
        **bearer(council.admin),
    )
    assert response.status_code == 200, response.content
    changed = events("commissioning.Procurement", "update", object_id=str(procurement.id))
    changed = changed.get()
    assert changed.changes["weight_price"] == ["40.00", "35.00"]
    assert changed.actor_email == council.admin.email
    removed = events("commissioning.QualityCriterion", "delete")
    assert {int(e.object_id) for e in removed} == old_ids
    added = events("commissioning.QualityCriterion", "create", actor_email=council.admin.email)
    weights = {e.changes["code"][1]: e.changes["weight"][1] for e in added}
    assert weights == {"q1": "30.00", "q2": "20.00"}
    assert {e.organisation_id for e in [*removed, *added]} == {council.alice_org.id}


def test_a_criterion_removed_on_the_web_is_recorded(client, council):
    procurement = f.procurement(council.alice_org)
    criterion = procurement.criteria.get(code="q2")
    client.force_login(council.admin)
    response = client.post(
        f"/procurements/{procurement.id}/criteria/{criterion.id}/remove/", {"confirm": "yes"}
    )
    assert response.status_code == 302
    assert not QualityCriterion.objects.filter(pk=criterion.pk).exists()
    event = events("commissioning.QualityCriterion", "delete", object_id=str(criterion.id)).get()
    assert event.actor_email == council.admin.email
    assert event.object_repr == "Safeguarding"
    assert event.changes["name"] == ["Safeguarding", None]


def test_retiring_a_charter_priority_is_recorded(client, council):
    priority = Priority.objects.filter(organisation=council.alice_org, active=True).first()
    client.force_login(council.admin)
    response = client.post(f"/charter/priorities/{priority.id}/", {"retire": "1"})
    assert response.status_code == 302
    event = events("commissioning.Priority", "update", object_id=str(priority.id)).get()
    assert event.changes == {"active": [True, False]}
    assert event.actor_email == council.admin.email
    assert event.organisation_id == council.alice_org.id


def test_evaluator_scores_are_recorded(client, council):
    procurement = f.procurement(council.alice_org, state="published")
    bid = f.bid(procurement, "Carewell", 900_000)
    client.force_login(council.editor)
    response = client.post(
        f"/bids/{bid.id}/scores/", {"score_q1": "4", "score_q2": "3", "score_social-value": "2"}
    )
    assert response.status_code == 302
    saved = events("commissioning.EvaluatorScore", "create", actor_email=council.editor.email)
    assert {e.changes["criterion"][1]: e.changes["score"][1] for e in saved} == {
        "q1": "4.00",
        "q2": "3.00",
        "social-value": "2.00",
    }
    # A second entry by the same evaluator replaces theirs: recorded as changes.
    client.post(
        f"/bids/{bid.id}/scores/", {"score_q1": "5", "score_q2": "3", "score_social-value": "2"}
    )
    rescored = [e for e in events("commissioning.EvaluatorScore", "update") if "score" in e.changes]
    assert [e.changes["score"] for e in rescored] == [["4.00", "5.00"]]
    assert all(e.organisation_id == council.alice_org.id for e in saved)


def test_api_tokens_created_and_revoked_are_recorded(client, demo_world):
    response = client.post(
        "/api/v1/auth/token",
        {"email": demo_world.editor.email, "password": PASSWORD, "name": "Reporting"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=demo_world.editor, name="Reporting")
    created = events("accounts.ApiToken", "create", object_id=str(token.pk)).get()
    assert created.actor_email == demo_world.editor.email
    assert created.organisation_id == demo_world.alice_org.id
    assert "token_hash" not in created.changes
    secret = response.json()["token"]
    revoked = client.delete(
        f"/api/v1/auth/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert revoked.status_code == 200
    event = events("accounts.ApiToken", "update", object_id=str(token.pk)).get()
    assert event.changes["revoked_at"][0] is None and event.changes["revoked_at"][1]
    assert event.actor_email == demo_world.editor.email


def test_api_tokens_made_and_revoked_on_the_web_are_recorded(client, demo_world):
    client.force_login(demo_world.admin)
    client.post("/account/tokens/", {"name": "Laptop"})
    token = ApiToken.objects.get(user=demo_world.admin, name="Laptop")
    client.post(f"/account/tokens/{token.pk}/revoke/")
    actions = set(
        events("accounts.ApiToken", object_id=str(token.pk)).values_list("action", flat=True)
    )
    assert actions == {"create", "update"}


def test_an_invitation_sent_is_recorded(client, demo_world):
    client.force_login(demo_world.admin)
    response = client.post(
        "/organisation/members/", {"email": "newcomer@example.org", "role": "editor"}
    )
    assert response.status_code in (200, 302)
    assert mail.outbox and "newcomer@example.org" in mail.outbox[-1].to
    event = events("accounts.Invitation", "create").get()
    assert event.changes["email"] == [None, "newcomer@example.org"]
    assert event.actor_email == demo_world.admin.email
    assert event.organisation_id == demo_world.alice_org.id
    assert "token_hash" not in event.changes


def test_membership_changes_are_recorded(demo_world):
    membership = Membership.objects.get(user=demo_world.viewer, organisation=demo_world.alice_org)
    with acting_as(demo_world.admin):
        Membership.objects.filter(pk=membership.pk).update(role="editor")
    event = events("accounts.Membership", "update", object_id=str(membership.pk)).get()
    assert event.changes == {"role": ["viewer", "editor"]}


def test_a_password_change_is_a_user_event_without_the_hash(demo_world):
    user = demo_world.editor
    with acting_as(user):
        user.set_password("a-whole-new-passphrase")
        user.save()
    event = events("accounts.User", "update", object_id=str(user.pk)).get()
    assert event.changes == {"password": [HIDDEN, HIDDEN]}
    assert event.actor_email == user.email
    assert event.organisation_id == demo_world.alice_org.id


def test_a_password_reset_is_a_user_event_by_the_link_holder(client, demo_world):
    client.post("/password-reset/", {"email": demo_world.viewer.email})
    link = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[-1].body).group(0)
    form_page = client.get(link, follow=True)
    new_password = "another-long-passphrase-42"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    event = events("accounts.User", "update", object_id=str(demo_world.viewer.pk)).get()
    assert set(event.changes) == {"password"}
    assert event.actor_email == demo_world.viewer.email
    demo_world.viewer.refresh_from_db()
    assert demo_world.viewer.check_password(new_password)


def test_sign_ins_and_failed_sign_ins_are_security_events(client, demo_world):
    client.post(
        "/sign-in/",
        {"email": demo_world.editor.email, "password": "wrong"},
        REMOTE_ADDR="203.0.113.9",
    )
    failed = events("accounts.User", AuditEvent.Action.SIGN_IN_FAILED).get()
    assert failed.object_id == str(demo_world.editor.pk)
    assert failed.organisation_id == demo_world.alice_org.id
    assert failed.changes["ip_address"] == [None, "203.0.113.9"]
    client.post("/sign-in/", {"email": demo_world.editor.email, "password": PASSWORD})
    signed_in = events("accounts.User", AuditEvent.Action.SIGN_IN).get()
    assert signed_in.actor_email == demo_world.editor.email
    # The sign-in's time is the security event's, not an account change.
    assert not events("accounts.User", "update").exists()


def test_a_failed_sign_in_for_no_account_is_filed_in_no_organisation(client, demo_world):
    client.post("/sign-in/", {"email": "nobody@example.org", "password": "guess"})
    event = events("accounts.User", AuditEvent.Action.SIGN_IN_FAILED).get()
    assert event.organisation_id is None and event.object_repr == "nobody@example.org"


def test_bulk_update_bulk_create_and_bulk_delete_are_recorded_row_by_row(council):
    procurement = f.procurement(council.alice_org)
    with acting_as(council.admin):
        procurement.criteria.filter(code="q1").update(weight=Decimal("10"))
        QualityCriterion.objects.bulk_create(
            [QualityCriterion(procurement=procurement, code="q3", name="Staffing", weight=5)]
        )
        procurement.criteria.filter(code__in=["q2", "q3"]).delete()
    q1 = procurement.criteria.get(code="q1")
    update = events("commissioning.QualityCriterion", "update", object_id=str(q1.pk)).get()
    assert update.changes["weight"][1] == "10.00"
    assert events("commissioning.QualityCriterion", "create", actor_email=council.admin.email)
    assert events("commissioning.QualityCriterion", "delete").count() == 2


def test_an_update_of_unrecorded_fields_only_writes_no_event(demo_world):
    token, _ = ApiToken.issue(demo_world.admin)
    before = AuditEvent.objects.count()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at="2026-01-01T00:00:00Z")
    assert AuditEvent.objects.count() == before


def test_links_made_and_undone_are_recorded_by_name(demo_world):
    from socialvalue.web.planning.models import Activity, Objective

    org = demo_world.alice_org
    objective = Objective.objects.create(organisation=org, code="O1", title="Local jobs")
    activity = Activity.objects.create(organisation=org, name="Job club")
    with acting_as(demo_world.editor):
        activity.objectives.add(objective)
        objective.activities.remove(activity)
    linked = events("planning.Activity", "update", object_id=str(activity.pk))
    assert [e.changes for e in linked.order_by("id")] == [
        {"objectives": [[], [str(objective)]]},
        {"objectives": [[str(objective)], []]},
    ]
    assert {e.actor_email for e in linked} == {demo_world.editor.email}
