"""Browsing, searching and importing on the web and the API; another organisation's set stays hidden."""

import json
import re

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile

from socialvalue.cli import main
from socialvalue.web.files import storage
from socialvalue.web.measures.models import Measure, ValueSet
from tests.factories import bearer
from tests.web.measures.factories import imported_measure, imported_set

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- another organisation's set


def test_outsider_cannot_see_a_set_imported_by_another_organisation(client, demo_world):
    value_set = imported_set(demo_world.alice_org)
    measure = imported_measure(demo_world.alice_org)
    client.force_login(demo_world.outsider)
    assert client.get(f"/value-sets/{value_set.pk}/").status_code == 404
    assert client.get(f"/measures/{measure.pk}/").status_code == 404
    assert value_set.name not in client.get("/value-sets/").content.decode()
    assert measure.title not in client.get("/measures/?q=alc-").content.decode()


def test_outsider_gets_404_from_the_api(client, demo_world):
    value_set = imported_set(demo_world.alice_org)
    measure = imported_measure(demo_world.alice_org)
    headers = bearer(demo_world.outsider)
    assert client.get(f"/api/v1/value-sets/{value_set.pk}", **headers).status_code == 404
    response = client.get(f"/api/v1/measures/{measure.pk}", **headers)
    assert response.status_code == 404 and "detail" in response.json()
    listed = client.get("/api/v1/measures?search=alc-", **headers).json()
    assert listed["count"] == 0


def test_cli_org_of_another_organisation_does_not_list_the_set(demo_world):
    imported_set(demo_world.alice_org)
    runner = CliRunner()
    theirs = json.loads(
        runner.invoke(main, ["measures", "sets", "--org", "charlie-support", "--json"]).output
    )
    assert "Alice's licensed set" not in {s["name"] for s in theirs}
    mine = json.loads(
        runner.invoke(main, ["measures", "sets", "--org", "alice-care", "--json"]).output
    )
    assert "Alice's licensed set" in {s["name"] for s in mine}
    listed = json.loads(
        runner.invoke(
            main,
            ["measures", "list", "--org", "charlie-support", "--search", "alc-2", "--json"],
        ).output
    )
    assert listed == []
    listed = json.loads(
        runner.invoke(
            main, ["measures", "list", "--org", "alice-care", "--search", "alc-2", "--json"]
        ).output
    )
    assert [m["code"] for m in listed] == ["ALC-2"]


def test_members_see_their_set_with_its_licence(client, demo_world):
    value_set = imported_set(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    page = client.get(f"/value-sets/{value_set.pk}/").content.decode()
    assert "Held by Alice Care under licence" in page
    listing = client.get("/measures/?q=alc-").content.decode()
    assert "Befriending visits made" in listing and "Held by Alice Care under licence" in listing


# ---------------------------------------------------------------- search


def _codes(page: str) -> set[str]:
    return set(re.findall(r'href="/measures/\d+/">(\S+) ', page))


def test_search_filters_by_text_theme_sdg_value_type_and_set(client, demo_world):
    client.force_login(demo_world.viewer)
    assert "SV-WB-01" in _codes(client.get("/measures/?q=wellby").content.decode())
    fiscal = _codes(client.get("/measures/?value_type=fiscal").content.decode())
    assert fiscal and all(Measure.objects.get(code=c).value_type == "fiscal" for c in fiscal)
    goal_13 = _codes(client.get("/measures/?sdg=13").content.decode())
    assert goal_13 and all(
        Measure.objects.get(code=c).sdg_targets.filter(goal__number=13).exists() for c in goal_13
    )
    theme = Measure.objects.get(code="SV-WB-01").theme.name
    by_theme = _codes(client.get("/measures/", {"theme": theme}).content.decode())
    assert "SV-WB-01" in by_theme and all(
        Measure.objects.get(code=c).theme.name == theme for c in by_theme
    )
    svm = ValueSet.objects.get(shipped_key="uk-social-value-model/ppn-06-20")
    in_set = _codes(client.get(f"/measures/?set={svm.pk}").content.decode())
    assert in_set and all(c.startswith(("MAC", "SVM0620")) for c in in_set)
    assert _codes(client.get("/measures/?q=wellby&value_type=fiscal").content.decode()) == set()


def test_search_is_paginated(client, demo_world):
    client.force_login(demo_world.viewer)
    first = client.get("/measures/").content.decode()
    assert "Page 1 of" in first and 'rel="next"' in first
    second = client.get("/measures/?page=2").content.decode()
    assert "Page 2 of" in second


def test_api_search_filters(client, demo_world):
    headers = bearer(demo_world.viewer)
    found = client.get("/api/v1/measures?search=wellby", **headers).json()
    assert "SV-WB-01" in [m["code"] for m in found["items"]]
    target = client.get("/api/v1/measures?sdg=8.5&limit=200", **headers).json()
    assert target["count"] > 0 and all("8.5" in m["sdg_targets"] for m in target["items"])
    valued = client.get("/api/v1/measures?value_type=wellbeing&limit=200", **headers).json()
    assert all(m["value_type"] == "wellbeing" for m in valued["items"])
    assert client.get("/api/v1/measures?value_type=happiness", **headers).status_code == 422
    one = client.get(f"/api/v1/measures/{found['items'][0]['id']}", **headers).json()
    assert one["licence"] and one["price_year"] == 2019


# ---------------------------------------------------------------- importing on the web


def _upload(content: bytes, name: str = "set.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _form(file, **extra):
    return {
        "file": file,
        "name": "Local set",
        "version": "1",
        "licence": "Ours",
        "source": "Us",
        **extra,
    }


def test_web_import_checks_shows_a_preview_and_saves_only_on_confirm(
    client, demo_world, toms_csv, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(demo_world.editor)
    page = client.post("/value-sets/import/", _form(_upload(toms_csv.read_bytes())))
    text = page.content.decode()
    assert page.status_code == 200 and "Check before importing" in text
    assert "No. of local people employed on the contract" in text and "Notes" in text
    assert not ValueSet.objects.filter(name="Local set").exists()
    kept = list(storage.walk(f"staging/value-set-imports/{demo_world.editor.pk}"))
    assert len(kept) == 1 and kept[0].endswith(".csv")
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    done = client.post("/value-sets/import/confirm/", {"token": token})
    value_set = ValueSet.objects.get(name="Local set")
    assert done.status_code == 302 and done["Location"] == f"/value-sets/{value_set.pk}/"
    assert (
        value_set.organisation == demo_world.alice_org
        and value_set.imported_by == demo_world.editor
    )
    assert value_set.measures.count() == 3
    assert not storage.exists(kept[0])


def test_web_import_report_names_every_bad_row_and_saves_nothing(
    client, demo_world, bad_csv, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(demo_world.editor)
    page = client.post("/value-sets/import/", _form(_upload(bad_csv.read_bytes())))
    text = page.content.decode()
    assert "There is a problem" in text
    assert 'id="id_file-error"' in text and "3 problems in 3 rows" in text
    rows = re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">(\d+)</td><td class="govuk-table__cell">(\w+)</td>',
        text,
    )
    assert set(rows) == {("3", "proxy_value"), ("4", "measure"), ("5", "price_year")}
    assert not ValueSet.objects.filter(name="Local set").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "set.csv", "not CSV text"),
        (b"code,measure\n", "set.xlsx", "not an Excel workbook"),
        (b"hello", "set.pdf", ".csv or .xlsx"),
    ],
)
def test_import_page_shows_file_errors_next_to_the_file_field(
    client, demo_world, content, name, message
):
    client.force_login(demo_world.editor)
    text = client.post("/value-sets/import/", _form(_upload(content, name))).content.decode()
    field = text[
        text.index('for="id_file"') : text.index('id="id_file"', text.index('for="id_file"') + 20)
        + 200
    ]
    assert message in field
    assert "govuk-error-summary" in text and 'href="#id_file"' in text


def test_import_page_refuses_a_file_over_the_size_limit(client, demo_world, settings):
    settings.MAX_UPLOAD_BYTES = 10
    client.force_login(demo_world.editor)
    text = client.post(
        "/value-sets/import/", _form(_upload(b"code,measure,unit,proxy_value\n"))
    ).content.decode()
    assert "must be smaller than" in text


def test_import_page_shows_missing_details_next_to_their_fields(client, demo_world, toms_csv):
    imported_set(demo_world.alice_org, name="Local set", version="1")
    client.force_login(demo_world.editor)
    text = client.post(
        "/value-sets/import/", _form(_upload(toms_csv.read_bytes()), licence="")
    ).content.decode()
    assert 'id="id_licence-error"' in text
    text = client.post(
        "/value-sets/import/", _form(_upload(toms_csv.read_bytes()))
    ).content.decode()
    assert 'id="id_version-error"' in text and "already been imported" in text


def test_viewers_cannot_import(client, demo_world):
    client.force_login(demo_world.viewer)
    assert client.get("/value-sets/import/").status_code == 403


def test_downloads_round_trip_through_import(client, demo_world, tmp_path):
    from socialvalue.web.measures import services

    value_set = imported_set(demo_world.alice_org)
    client.force_login(demo_world.viewer)
    response = client.get(f"/value-sets/{value_set.pk}/download.xlsx")
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert [r.code for r in services.read_file(path).rows] == ["ALC-1", "ALC-2"]
    assert client.get(f"/value-sets/{value_set.pk}/download.pdf").status_code == 404


def test_a_measure_page_says_where_the_organisation_uses_it_and_nothing_of_others(
    client, demo_world
):
    from datetime import date
    from decimal import Decimal

    from socialvalue.web.evidence.models import Evidence
    from socialvalue.web.measures.models import Measure
    from socialvalue.web.planning.models import Activity

    measure = Measure.objects.get(code="SV-EMP-01", value_set__origin="built_in")
    activity = Activity.objects.create(organisation=demo_world.alice_org, name="Job club")
    activity.measures.add(measure)
    Evidence.objects.create(
        organisation=demo_world.alice_org,
        measure=measure,
        activity=activity,
        quantity=Decimal(2),
        period_start=date(2025, 4, 1),
        period_end=date(2025, 6, 30),
        value=Decimal("18468.00"),
    )
    client.force_login(demo_world.admin)
    page = client.get(f"/measures/{measure.id}/").content.decode()
    assert "1 activity plan to deliver it" in page
    assert "1 evidence record, worth £18,468" in page
    client.force_login(demo_world.outsider)
    assert "Not used yet." in client.get(f"/measures/{measure.id}/").content.decode()
