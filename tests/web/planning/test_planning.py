"""Objectives and activities on the web and the API: editing, filtering, the rules, roles and tenancy."""

import json

import pytest

from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.planning.demo import DEMO_ACTIVITIES, load_demo_plan
from socialvalue.web.planning.models import Activity, Objective
from socialvalue.web.planning.services import area_names, team_names
from tests.factories import MembershipFactory, OrganisationFactory, bearer
from tests.web.measures.factories import imported_measure
from tests.web.planning.factories import (
    ActivityFactory,
    ObjectiveFactory,
    planned_activity,
    starter_measure,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- objectives on the web


def test_editor_adds_an_objective_and_sees_it_listed(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post(
        "/plan/objectives/new/",
        {"title": "Tackle loneliness", "code": "BP3", "owner": "Head of Community", "position": 1},
    )
    objective = Objective.objects.get(title="Tackle loneliness")
    assert response.status_code == 302 and response.url == f"/plan/objectives/{objective.pk}/"
    assert objective.organisation == demo_world.alice_org
    listing = client.get("/plan/").content.decode()
    assert "Tackle loneliness" in listing and "BP3" in listing
    event = AuditEvent.objects.get(object_type="planning.Objective", action="create")
    assert event.actor_email == "eddie@example.org"


def test_objective_without_a_title_is_refused_next_to_the_field(client, demo_world):
    client.force_login(demo_world.editor)
    response = client.post("/plan/objectives/new/", {"code": "BP9", "position": 1})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_title"' in page and 'value="BP9"' in page
    assert not Objective.objects.exists()


def test_viewer_reads_but_cannot_change_the_plan(client, demo_world):
    objective = ObjectiveFactory(organisation=demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = client.get(f"/plan/objectives/{objective.pk}/").content.decode()
    assert objective.title in page and "Change" not in page
    assert client.get("/plan/objectives/new/").status_code == 403
    response = client.post(f"/plan/objectives/{objective.pk}/edit/", {"title": "x", "position": 1})
    assert response.status_code == 403
    assert client.post(f"/plan/objectives/{objective.pk}/delete/").status_code == 403
    assert Objective.objects.filter(pk=objective.pk, title=objective.title).exists()


def test_deleting_an_objective_keeps_its_activities(client, demo_world):
    activity = planned_activity(demo_world.alice_org)
    objective = activity.objectives.get()
    client.force_login(demo_world.editor)
    confirm = client.get(f"/plan/objectives/{objective.pk}/delete/").content.decode()
    assert "1 activities will no longer be linked" in confirm
    assert client.post(f"/plan/objectives/{objective.pk}/delete/").status_code == 302
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert Activity.objects.get(pk=activity.pk).objectives.count() == 0


# ---------------------------------------------------------------- activities on the web


def _activity_form(**extra):
    return {
        "name": "Community befriending",
        "team": "Community services",
        "area": "Riverside South",
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "cost": "2400.50",
        **extra,
    }


def test_editor_adds_an_activity_with_objectives_measures_and_a_lead(client, demo_world):
    objective = ObjectiveFactory(organisation=demo_world.alice_org)
    measure = starter_measure("SV-LON-03")
    client.force_login(demo_world.editor)
    form = client.get(f"/plan/activities/new/?objective={objective.pk}").content.decode()
    assert f'value="{objective.pk}" checked' in form and "SV-LON-03" in form
    response = client.post(
        "/plan/activities/new/",
        _activity_form(objectives=[objective.pk], measures=[measure.pk], lead=demo_world.viewer.pk),
    )
    activity = Activity.objects.get(name="Community befriending")
    assert response.status_code == 302
    assert list(activity.objectives.all()) == [objective]
    assert list(activity.measures.all()) == [measure]
    assert activity.lead == demo_world.viewer and str(activity.cost) == "2400.50"
    page = client.get(f"/plan/activities/{activity.pk}/").content.decode()
    assert "SV-LON-03" in page and "£2,400.50" in page and objective.title in page
    edit = client.get(f"/plan/activities/{activity.pk}/edit/").content.decode()
    assert "Chosen now: SV-LON-03." in edit


def test_activity_ending_before_it_starts_or_costing_less_than_nothing_is_refused(
    client, demo_world
):
    client.force_login(demo_world.editor)
    page = client.post(
        "/plan/activities/new/", _activity_form(end_date="2025-01-01", cost="-5")
    ).content.decode()
    assert "The end date must be on or after the start date." in page
    assert "must be 0 or more" in page or "cannot be negative" in page
    assert 'value="Community befriending"' in page
    assert not Activity.objects.exists()


def test_activity_cannot_link_another_organisations_objective_measure_or_member(client, demo_world):
    theirs = ObjectiveFactory(organisation=demo_world.other_org)
    their_measure = imported_measure(demo_world.other_org)
    client.force_login(demo_world.editor)
    page = client.post(
        "/plan/activities/new/",
        _activity_form(
            objectives=[theirs.pk], measures=[their_measure.pk], lead=demo_world.outsider.pk
        ),
    ).content.decode()
    # Each of the three is named in the error summary and beside its field.
    assert page.count("from the list") == 6
    assert theirs.title not in page and their_measure.title not in page
    assert not Activity.objects.exists()


def test_activity_list_filters_by_team_area_objective_and_words(client, demo_world):
    org = demo_world.alice_org
    objective = ObjectiveFactory(organisation=org)
    befriending = ActivityFactory(organisation=org, name="Befriending", team="Community")
    befriending.objectives.add(objective)
    ActivityFactory(organisation=org, name="Apprenticeships", team="Learning", area="Eastbank")
    ActivityFactory(organisation=demo_world.other_org, name="Befriending elsewhere")
    client.force_login(demo_world.viewer)

    def names(query):
        page = client.get("/plan/activities/", query).content.decode()
        return {n for n in ("Befriending", "Apprenticeships", "elsewhere") if f">{n}<" in page}

    assert names({}) == {"Befriending", "Apprenticeships"}
    assert names({"team": "Community"}) == {"Befriending"}
    assert names({"area": "Eastbank"}) == {"Apprenticeships"}
    assert names({"objective": objective.pk}) == {"Befriending"}
    assert names({"q": "apprentice"}) == {"Apprenticeships"}
    assert (
        ">Befriending elsewhere<"
        not in client.get("/plan/activities/", {"q": "else"}).content.decode()
    )


def test_commissioner_has_no_plan_in_the_navigation(client, demo_world):
    demo_world.other_org.kind = "commissioner"
    demo_world.other_org.save()
    client.force_login(demo_world.outsider)
    assert 'href="/plan/"' not in client.get("/measures/").content.decode()
    client.force_login(demo_world.viewer)
    assert 'href="/plan/"' in client.get("/measures/").content.decode()


# ---------------------------------------------------------------- the API


def _json(client, method, url, user, body=None):
    call = getattr(client, method)
    headers = bearer(user)
    if body is None:
        return call(url, **headers)
    return call(url, json.dumps(body), content_type="application/json", **headers)


def test_api_creates_changes_lists_and_deletes_an_activity(client, demo_world):
    objective = ObjectiveFactory(organisation=demo_world.alice_org)
    measure = starter_measure("SV-VOL-01")
    created = _json(
        client,
        "post",
        "/api/v1/activities",
        demo_world.editor,
        {
            "name": "Volunteer drivers",
            "team": "Community",
            "objective_ids": [objective.pk],
            "measure_ids": [measure.pk],
            "cost": "1200.00",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["measure_codes"] == ["SV-VOL-01"] and body["objective_ids"] == [objective.pk]
    changed = _json(
        client, "patch", f"/api/v1/activities/{body['id']}", demo_world.editor, {"area": "Millford"}
    ).json()
    assert changed["area"] == "Millford" and changed["team"] == "Community"
    assert changed["measure_ids"] == [measure.pk] and changed["cost"] == "1200.00"
    listed = _json(client, "get", "/api/v1/activities?area=millford", demo_world.viewer).json()
    assert [a["name"] for a in listed["items"]] == ["Volunteer drivers"]
    by_objective = _json(
        client, "get", f"/api/v1/activities?objective={objective.pk}", demo_world.viewer
    ).json()
    assert by_objective["count"] == 1
    deleted = _json(client, "delete", f"/api/v1/activities/{body['id']}", demo_world.editor)
    assert deleted.status_code == 204 and not Activity.objects.exists()


def test_api_refuses_bad_activities_naming_the_field(client, demo_world):
    theirs = ObjectiveFactory(organisation=demo_world.other_org)
    response = _json(
        client,
        "post",
        "/api/v1/activities",
        demo_world.editor,
        {
            "name": "Bad dates",
            "start_date": "2026-01-01",
            "end_date": "2025-01-01",
            "objective_ids": [theirs.pk],
        },
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "end_date" in detail and "objective_ids" in detail
    assert not Activity.objects.exists()


def test_api_viewer_cannot_write_and_outsider_cannot_see(client, demo_world):
    activity = planned_activity(demo_world.alice_org)
    assert (
        _json(
            client, "patch", f"/api/v1/activities/{activity.pk}", demo_world.viewer, {}
        ).status_code
        == 403
    )
    assert (
        _json(client, "post", "/api/v1/objectives", demo_world.viewer, {"title": "x"}).status_code
        == 403
    )
    assert (
        _json(client, "get", f"/api/v1/activities/{activity.pk}", demo_world.outsider).status_code
        == 404
    )
    assert _json(client, "get", "/api/v1/activities", demo_world.outsider).json()["count"] == 0
    assert _json(client, "get", "/api/v1/objectives", demo_world.outsider).json()["count"] == 0


def test_api_create_names_the_organisation_when_the_user_has_several(client, demo_world):
    MembershipFactory(user=demo_world.editor, organisation=demo_world.other_org, role="editor")
    unsure = _json(client, "post", "/api/v1/objectives", demo_world.editor, {"title": "Grow"})
    assert unsure.status_code == 400 and "organisation_id" in unsure.json()["detail"]
    named = _json(
        client,
        "post",
        "/api/v1/objectives",
        demo_world.editor,
        {"title": "Grow", "organisation_id": demo_world.other_org.pk},
    )
    assert named.status_code == 201 and named.json()["organisation_id"] == demo_world.other_org.pk
    assert named.json()["position"] == 1


def test_api_objective_patch_changes_only_what_it_names(client, demo_world):
    objective = ObjectiveFactory(organisation=demo_world.alice_org, owner="Finance")
    response = _json(
        client,
        "patch",
        f"/api/v1/objectives/{objective.pk}",
        demo_world.editor,
        {"title": "Renamed", "target_date": "2027-03-31"},
    )
    assert response.status_code == 200
    objective.refresh_from_db()
    assert (objective.title, objective.owner, str(objective.target_date)) == (
        "Renamed",
        "Finance",
        "2027-03-31",
    )


# ---------------------------------------------------------------- the demo


def test_demo_plan_loads_once_with_starter_measures(demo_world):
    from socialvalue.web.accounts.models import Organisation

    for slug in DEMO_ACTIVITIES:
        Organisation.objects.create(name=slug.title(), slug=slug, kind="provider")
    load_demo_plan()
    load_demo_plan()
    brightwater = Activity.objects.filter(organisation__slug="brightwater")
    assert Objective.objects.filter(organisation__slug="brightwater").count() == 4
    assert set(brightwater.values_list("name", flat=True)) == set(DEMO_ACTIVITIES["brightwater"])
    assert len(set(brightwater.values_list("team", flat=True))) >= 4
    assert len(set(brightwater.values_list("area", flat=True))) == 3
    assert all(a.measures.exists() and a.objectives.exists() for a in brightwater)
    assert Activity.objects.filter(organisation__slug="oakways").count() == 2


def _contract(commissioner, provider, title):
    from socialvalue.web.contracts.models import Contract

    return Contract.objects.create(
        commissioner=commissioner,
        provider=provider,
        title=title,
        value="100000",
        start_date="2025-04-01",
        end_date="2027-03-31",
    )


def test_activity_links_only_a_contract_its_organisation_provides(client, demo_world):
    from tests.factories import OrganisationFactory

    council = OrganisationFactory(kind="commissioner", name="Riverside Council")
    ours = _contract(council, demo_world.alice_org, "Home care in Riverside North")
    theirs = _contract(council, demo_world.other_org, "Home care in Millford")
    client.force_login(demo_world.editor)
    form = client.get("/plan/activities/new/").content.decode()
    assert ours.title in form and theirs.title not in form
    refused = client.post("/plan/activities/new/", _activity_form(contract=theirs.pk))
    assert "from the list" in refused.content.decode()
    client.post("/plan/activities/new/", _activity_form(contract=ours.pk))
    activity = Activity.objects.get()
    assert activity.contract == ours
    listed = _json(client, "get", f"/api/v1/activities?contract={ours.pk}", demo_world.viewer)
    assert [a["contract_id"] for a in listed.json()["items"]] == [ours.pk]


def test_activity_page_sums_its_evidence_and_deleting_it_is_refused_while_evidence_exists(
    client, demo_world
):
    import datetime as dt
    from decimal import Decimal

    from socialvalue.web.evidence.models import Evidence

    activity = planned_activity(demo_world.alice_org)
    for value, level in (("100.00", "verified"), ("50.00", "self_reported"), ("7.00", "rejected")):
        Evidence.objects.create(
            organisation=demo_world.alice_org,
            measure=starter_measure(),
            activity=activity,
            quantity=Decimal(1),
            period_start=dt.date(2025, 4, 1),
            period_end=dt.date(2025, 4, 30),
            verification=level,
            value=Decimal(value),
        )
    client.force_login(demo_world.editor)
    page = client.get(f"/plan/activities/{activity.pk}/").content.decode()
    assert "3 records worth £150" in page and "1 awaiting verification" in page
    objectives = client.get("/plan/").content.decode()
    assert ">£150<" in objectives and ">1<" in objectives  # one activity, not one per record
    refused = client.post(f"/plan/activities/{activity.pk}/delete/").content.decode()
    assert "cannot be deleted: evidence records refer to it" in refused
    assert Activity.objects.filter(pk=activity.pk).exists()
    api = _json(client, "delete", f"/api/v1/activities/{activity.pk}", demo_world.editor)
    assert api.status_code == 400 and "evidence records" in str(api.json()["detail"])


def test_activities_download_to_excel_with_the_lists_filters_and_formulas_kept_as_text(
    client, demo_world
):
    import io

    import openpyxl

    org = demo_world.alice_org
    ActivityFactory(organisation=org, name='=HYPERLINK("http://x")', team="Community")
    ActivityFactory(organisation=org, name="Apprenticeships", team="Learning", cost="1234.56")
    ActivityFactory(organisation=demo_world.other_org, name="Theirs", team="Community")
    client.force_login(demo_world.viewer)
    response = client.get("/plan/activities/download.xlsx", {"team": "Learning"})
    assert response["Content-Disposition"].endswith('alice-care-activities.xlsx"')
    table = openpyxl.load_workbook(io.BytesIO(response.content))["Activities"]
    rows = list(table.values)
    names = {row[0] for row in rows}
    assert "Apprenticeships" in names and "Theirs" not in names
    assert not any("HYPERLINK" in str(row[0]) for row in rows)
    assert 1234.56 in [value for row in rows for value in row]
    everything = openpyxl.load_workbook(
        io.BytesIO(client.get("/plan/activities/download.xlsx").content)
    )["Activities"]
    cells = [cell for row in everything.iter_rows() for cell in row]
    formula = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert formula.data_type == "s"  # text a reader sees, never a formula Excel runs
    assert "Theirs" not in {c.value for c in cells}
    assert client.get("/plan/activities/download.exe").status_code == 404


def test_team_and_area_names_are_each_listed_once():
    org = OrganisationFactory(areas_served=["Westfield"])
    for name in ("Meals", "Befriending", "Gardening"):
        ActivityFactory(organisation=org, name=name, team="Home care", area="Eastbank")
    ActivityFactory(organisation=org, name="Lunch club", team="day services", area="Westfield")
    assert team_names(org) == ["day services", "Home care"]
    assert area_names(org) == ["Eastbank", "Westfield"]
