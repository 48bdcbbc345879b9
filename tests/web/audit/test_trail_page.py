"""The audit trail page reads as sentences, pages, filters, and downloads as a safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape

import pytest
from django.utils import timezone

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.audit.registry import acting_as, record_event
from tests.web.commissioning import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya(demo_world):
    demo_world.admin.full_name = "Priya Shah"
    demo_world.admin.save()
    f.make_commissioner(demo_world.alice_org)
    return demo_world


def page_text(client, query: str = "") -> str:
    response = client.get(f"/organisation/audit/{query}")
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_a_change_reads_as_a_sentence_with_labels_not_attribute_names(client, priya):
    procurement = f.procurement(priya.alice_org)
    procurement.title = "Carers' breaks"
    procurement.save()
    with acting_as(priya.admin):
        procurement.weight_price = 35
        procurement.weight_quality = 50
        procurement.save()
    client.force_login(priya.admin)
    page = page_text(client)
    assert (
        "Priya Shah changed the procurement ‘Carers&#x27; breaks’: "
        "price weight (%) 40 → 35; quality weight (%) 45 → 50." in page
    )
    assert "weight_price" not in page and ">commissioning.Procurement<" not in page
    assert "{&#x27;" not in page  # no raw dicts


def test_records_added_removed_and_security_events_read_in_words(client, priya):
    procurement = f.procurement(priya.alice_org)
    criterion = procurement.criteria.get(code="q2")
    with acting_as(priya.editor):
        criterion.delete()
    client.post("/sign-in/", {"email": priya.viewer.email, "password": "wrong"})
    client.force_login(priya.admin)
    page = page_text(client)
    assert f"{escape(priya.editor.full_name)} removed the quality criterion ‘Safeguarding’." in page
    assert f"A sign-in as {escape(priya.viewer.full_name)} failed from 127.0.0.1." in page
    assert "The system added the procurement ‘Homecare in the north’." in page
    assert "Weight (points of 100)" in page  # the recorded values, by label


def test_only_the_current_organisations_events_are_shown(client, priya):
    record_event(
        action="update",
        object_type="accounts.Organisation",
        object_id=priya.other_org.pk,
        object_repr="Somewhere else entirely",
        organisations=priya.other_org,
    )
    client.force_login(priya.admin)
    assert "Somewhere else entirely" not in page_text(client)


def _many_events(org, count: int, **fields):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation_id=org.pk,
            action="create",
            object_type="planning.Objective",
            object_id=str(n),
            object_repr=f"Objective number {n}",
            changes={"title": [None, f"Objective number {n}"]},
            **fields,
        )
        for n in range(count)
    )


def test_the_trail_is_paged(client, priya):
    _many_events(priya.alice_org, 60)
    client.force_login(priya.admin)
    first = page_text(client)
    assert 'class="govuk-pagination"' in first and "Page 1 of" in first
    assert first.count("<time ") == 25
    third = page_text(client, "?page=3")
    assert "Page 3 of" in third


def test_filters_by_person_type_and_date(client, priya):
    _many_events(priya.alice_org, 3, actor_id=priya.editor.pk, actor_email=priya.editor.email)
    old = timezone.now() - dt.timedelta(days=400)
    _many_events(priya.alice_org, 2, at=old)
    client.force_login(priya.admin)
    by_person = page_text(client, f"?person={priya.editor.pk}")
    assert "3 events match the filters" in by_person
    assert (
        f'<option value="{priya.editor.pk}" selected>{escape(priya.editor.full_name)}</option>'
        in by_person
    )
    by_type = page_text(client, "?object_type=planning.Objective")
    assert "5 events match" in by_type and ">Objective</option>" in by_type
    day = old.date().isoformat()
    by_date = page_text(client, f"?date_from={day}&date_to={day}")
    assert "2 events match" in by_date


def test_a_bad_filter_is_a_400_naming_the_field(client, priya):
    client.force_login(priya.admin)
    response = client.get("/organisation/audit/?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()
    response = client.get("/organisation/audit/?person=99999")
    assert response.status_code == 400
    assert 'href="#id_person"' in response.content.decode()


def test_the_csv_is_the_filtered_trail_and_formula_safe(client, priya):
    with acting_as(priya.admin):
        priya.alice_org.name = '=HYPERLINK("http://evil.example")'
        priya.alice_org.save()
    _many_events(priya.alice_org, 2, actor_id=priya.editor.pk, actor_email=priya.editor.email)
    client.force_login(priya.admin)
    response = client.get(
        f"/organisation/audit/export.csv?person={priya.admin.pk}&object_type=accounts.Organisation"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["when", "person", "person_email", "action"]
    assert len(rows) == 2  # the one event by Priya, not the editor's
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["person"] == "Priya Shah" and row["record_type"] == "organisation"
    assert row["record"].startswith("'=")
    assert "name: Alice Care → =HYPERLINK" in row["changes"]


def test_viewers_and_editors_get_no_trail_or_csv(client, priya):
    client.force_login(priya.editor)
    assert client.get("/organisation/audit/").status_code == 403
    assert client.get("/organisation/audit/export.csv").status_code == 403


def test_the_api_keeps_the_raw_form(client, priya):
    from tests.factories import bearer

    with acting_as(priya.admin):
        priya.alice_org.name = "Renamed"
        priya.alice_org.save()
    response = client.get(
        f"/api/v1/audit-events?organisation={priya.alice_org.pk}", **bearer(priya.admin)
    )
    items = response.json()["items"]
    renamed = next(i for i in items if i["action"] == "update")
    assert renamed["object_type"] == "accounts.Organisation"
    assert renamed["changes"] == {"name": ["Alice Care", "Renamed"]}


def test_a_person_outside_the_organisation_named_in_a_value_reads_as_a_name(client, priya):
    from tests.factories import UserFactory

    provider_lead = UserFactory(email="lead@provider.example", full_name="Sam Okafor")
    record_event(
        action="update",
        object_type="contracts.Return",
        object_id=7,
        object_repr="RBC-1 Day opportunities: 1 Oct to 31 Dec",
        organisations=priya.alice_org,
        changes={"submitted_by_id": [None, provider_lead.pk]},
        actor=priya.admin,
    )
    client.force_login(priya.admin)
    page = page_text(client)
    assert "Sam Okafor" in page and f"no. {provider_lead.pk}" not in page
    text = b"".join(client.get("/organisation/audit/export.csv").streaming_content).decode()
    assert "Sam Okafor" in text
