"""Survey pages: building one, the public answering link (no sign-in, CSRF, nothing of another
organisation), paper answers, the all-or-nothing import, and results with suppression."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook

from socialvalue.web.surveys.models import Response, Survey
from tests.web.evidence.factories import activity
from tests.web.surveys.factories import respond, survey

pytestmark = pytest.mark.django_db


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_build_a_survey_on_the_page(client, demo_world):
    where = activity(demo_world.alice_org, name="Befriending")
    page = _signed_in(client, demo_world.editor).get("/surveys/new/")
    assert page.status_code == 200 and "Deadweight" in page.content.decode()
    response = client.post(
        "/surveys/new/",
        {
            "title": "Befriending wellbeing",
            "ons4": "on",
            "deadweight": "0.3",
            "attribution": "0.2",
            "displacement": "0",
            "duration": "1",
            "activities": [where.id],
            "q0_key": "confidence",
            "q0_text": "How confident do you feel?",
            "q0_min": "1",
            "q0_max": "5",
        },
    )
    found = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/surveys/{found.id}/"
    assert [q.key for q in found.questions.all()][-1] == "confidence"
    assert list(found.activities.all()) == [where]


def test_a_clash_with_the_ons4_is_shown_next_to_the_field(client, demo_world):
    response = _signed_in(client, demo_world.editor).post(
        "/surveys/new/",
        {"title": "X", "ons4": "on", "deadweight": "0", "attribution": "0",
         "displacement": "0", "duration": "1", "q1_key": "anxiety", "q1_text": "Worried?"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already used in this survey" in response.content.decode()
    assert not Survey.objects.exists()


def test_public_link_needs_no_sign_in_and_shows_nothing_of_others(demo_world):
    mine = survey(demo_world.alice_org, title="Alice befriending")
    survey(demo_world.other_org, title="Charlie's secret survey")
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{mine.public_token}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Alice befriending" in text and "Alice Care" in text
    assert "Charlie" not in text
    assert "Your consent" in text and "Easy-read version" in text
    assert (
        'type="radio"' in text and 'name="answer_life_satisfaction" type="radio" value="10"' in text
    )
    assert "csrfmiddlewaretoken" in text
    easy = client.get(f"/s/{mine.public_token}/easy-read/").content.decode()
    assert "How happy are you with your life now?" in easy and "Before you start" in easy
    assert client.get("/s/not-a-token/").status_code == 404


def test_public_answer_is_saved_and_csrf_is_checked(demo_world):
    mine = survey(demo_world.alice_org)
    client = Client(enforce_csrf_checks=True)
    body = {"participant": "BW-017", "wave": "baseline", "answer_life_satisfaction": "6",
            "answer_anxiety": "3"}  # fmt: skip
    assert client.post(f"/s/{mine.public_token}/", body).status_code == 403
    client.get(f"/s/{mine.public_token}/")
    token = client.cookies["csrftoken"].value
    response = client.post(f"/s/{mine.public_token}/", {**body, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    saved = Response.objects.get()
    assert (saved.participant, saved.wave, saved.source) == ("BW-017", "baseline", "public")
    assert {a.key: a.value for a in saved.answers.all()} == {"life_satisfaction": 6, "anxiety": 3}


def test_public_answer_with_a_name_or_closed_survey_is_refused(client, demo_world):
    mine = survey(demo_world.alice_org)
    bad = client.post(
        f"/s/{mine.public_token}/",
        {"participant": "Jane Smith", "wave": "baseline", "answer_happiness": "5"},
    )
    assert bad.status_code == 400 and "never a name" in bad.content.decode()
    mine.open = False
    mine.save()
    closed = client.post(
        f"/s/{mine.public_token}/",
        {"participant": "P1", "wave": "baseline", "answer_happiness": "5"},
    )
    assert "closed" in closed.content.decode()
    assert not Response.objects.exists()


def test_staff_enter_paper_answers(client, demo_world):
    mine = survey(demo_world.alice_org)
    _signed_in(client, demo_world.editor)
    response = client.post(
        f"/surveys/{mine.id}/responses/new/",
        {"participant": "P01", "wave": "follow_up", "answered_on": "2025-06-01",
         "team": "North", "answer_life_satisfaction": "8", "answer_worthwhile": "7"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.wave, saved.team, saved.source) == ("follow_up", "North", "staff")
    viewer = Client()
    viewer.force_login(demo_world.viewer)
    assert viewer.get(f"/surveys/{mine.id}/responses/new/").status_code == 403


def _csv(text: str):
    upload = io.BytesIO(text.encode())
    upload.name = "answers.csv"
    return upload


def test_import_is_all_or_nothing_and_names_file_row_and_field(client, demo_world):
    mine = survey(demo_world.alice_org)
    _signed_in(client, demo_world.editor)
    bad = client.post(
        f"/surveys/{mine.id}/import/",
        {"file": _csv(
            "participant,wave,answered_on,life_satisfaction,anxiety\n"
            "P01,baseline,2025-01-10,5,4\n"
            "P02,baseline,2025-01-10,12,4\n"
            "P03,later,2025-01-10,5,4\n"
            "Jane Smith,follow_up,31/02/2025,5,\n"
        )},
    )  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400
    assert "Problems in answers.csv" in text
    assert "12 is outside the scale 0 to 10" in text and "life_satisfaction" in text
    assert '>3</td><td class="govuk-table__cell">life_satisfaction<' in text
    assert "wave" in text and "answered_on" in text and "participant" in text
    assert not Response.objects.exists()
    good = client.post(
        f"/surveys/{mine.id}/import/",
        {"file": _csv(
            "participant,wave,answered_on,team,life_satisfaction,anxiety\n"
            "P01,baseline,2025-01-10,North,5,4\n"
            "P01,follow_up,30/06/2025,North,7,\n"
        )},
    )  # fmt: skip
    assert good.status_code == 302
    assert Response.objects.count() == 2
    assert mine.pairs.get(participant="P01", key="life_satisfaction").follow_up == 7


def test_import_reads_a_workbook(client, demo_world):
    mine = survey(demo_world.alice_org)
    book = Workbook()
    sheet = book.active
    sheet.append(["participant", "wave", "answered_on", "happiness"])
    sheet.append(["P01", "baseline", dt.date(2025, 1, 10), 4])
    sheet.append(["P01", "follow_up", dt.date(2025, 6, 10), 6])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "answers.xlsx"
    response = _signed_in(client, demo_world.editor).post(
        f"/surveys/{mine.id}/import/", {"file": data}
    )
    text = response.content.decode()
    assert response.status_code == 302, text[text.find("<main") :][:3000]
    assert Response.objects.filter(source="import").count() == 2


def test_results_page_shows_figures_chart_and_suppressed_team(client, demo_world):
    mine = survey(demo_world.alice_org)
    for i, (b, f) in enumerate([(4, 6), (5, 6), (3, 5), (6, 6), (5, 7), (4, 5)]):
        respond(mine, f"N{i}", "baseline", {"life_satisfaction": b}, team="North",
                on=dt.date(2025, 1, 1))  # fmt: skip
        respond(mine, f"N{i}", "follow_up", {"life_satisfaction": f}, team="North",
                on=dt.date(2025, 6, 1))  # fmt: skip
    for i in range(2):
        respond(mine, f"S{i}", "baseline", {"life_satisfaction": 2}, team="South",
                on=dt.date(2025, 1, 1))  # fmt: skip
        respond(mine, f"S{i}", "follow_up", {"life_satisfaction": 9}, team="South",
                on=dt.date(2025, 6, 1))  # fmt: skip
    page = _signed_in(client, demo_world.viewer).get(f"/surveys/{mine.id}/?price_year=2024")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Distance travelled" in text and "The figures behind the chart" in text
    assert "data:image/svg+xml;base64," in text
    assert "suppressed" in text and "fewer than 5 pairs (2)" in text
    assert "WELLBYs" in text
    assert client.get(f"/surveys/{mine.id}/?price_year=1800").status_code == 400
    exported = client.get(f"/surveys/{mine.id}/results.csv?price_year=2019").content.decode()
    lines = exported.splitlines()
    assert lines[1].startswith("# WELLBYs 22.0000; value £286000.00")
    assert "all participants,life_satisfaction,8,2.75," in exported
    assert (
        "team: South,life_satisfaction,2,,,,,,2,,2,,suppressed,fewer than 5 pairs (2)" in exported
    )
    listing = client.get("/surveys/").content.decode()
    assert mine.title in listing


def test_record_as_evidence_from_the_page(client, demo_world):
    where = activity(demo_world.alice_org, name="Befriending")
    mine = survey(demo_world.alice_org, activities=[where])
    for i in range(5):
        respond(mine, f"P{i}", "baseline", {"life_satisfaction": 4}, on=dt.date(2025, 1, 1))
        respond(mine, f"P{i}", "follow_up", {"life_satisfaction": 6}, on=dt.date(2025, 6, 1))
    response = _signed_in(client, demo_world.editor).post(
        f"/surveys/{mine.id}/evidence/",
        {"activity": where.id, "period_start": "2025-01-01", "period_end": "2025-06-30"},
    )
    assert response.status_code == 302 and "/evidence/" in response["Location"]


def test_the_public_link_stops_a_flood_from_one_address(client, demo_world, settings):
    from socialvalue.web.surveys import services

    mine = survey(demo_world.alice_org)
    body = {"participant": "P1", "wave": "baseline", "answer_happiness": "5"}
    for _ in range(services.PUBLIC_ANSWERS_PER_WINDOW):
        assert client.post(f"/s/{mine.public_token}/", body).status_code == 302
    refused = client.post(f"/s/{mine.public_token}/", body)
    assert refused.status_code == 429 and "Too many answers" in refused.content.decode()
    assert Response.objects.count() == services.PUBLIC_ANSWERS_PER_WINDOW
