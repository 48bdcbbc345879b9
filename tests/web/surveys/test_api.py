"""The surveys API: building a survey, recording responses, results matching the contract by
hand, suppression, the price year, breakdowns, and evidence from the valued result."""

from __future__ import annotations

import json
import math

import pytest
from scipy import stats

from socialvalue.web.evidence.models import Evidence
from socialvalue.web.surveys.models import Pair, Response
from tests.factories import bearer
from tests.web.evidence.factories import activity

pytestmark = pytest.mark.django_db

D2019, D2024 = 81.1085, 100.0


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **bearer(user))


def _survey(client, user, **extra):
    body = {
        "title": "Befriending wellbeing",
        "ons4": True,
        "questions": [
            {"key": "confidence", "text": "How confident do you feel?", "min": 1, "max": 5,
             "higher_is_better": True},
        ],
        "deadweight": 0.3,
        "attribution": 0.2,
        "displacement": 0,
        "duration": 1,
        "activity_ids": [],
        **extra,
    }  # fmt: skip
    response = _post(client, "/api/v1/surveys", body, user)
    assert response.status_code == 201, response.content
    return response.json()


def _answer(client, survey_id, user, participant, wave, answers, on="2025-05-01", **extra):
    body = {"participant": participant, "wave": wave, "answered_on": on, "answers": answers}
    return _post(client, f"/api/v1/surveys/{survey_id}/responses", {**body, **extra}, user)


def _results(client, survey_id, user, query=""):
    response = client.get(f"/api/v1/surveys/{survey_id}/results{query}", **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()


def test_build_a_survey_with_the_ons4_and_its_public_link(client, demo_world):
    data = _survey(client, demo_world.editor)
    assert [q["key"] for q in data["questions"]] == [
        "life_satisfaction", "worthwhile", "happiness", "anxiety", "confidence",
    ]  # fmt: skip
    anxiety = data["questions"][3]
    assert anxiety["higher_is_better"] is False and (anxiety["min"], anxiety["max"]) == (0, 10)
    assert data["questions"][0]["text"] == "Overall, how satisfied are you with your life nowadays?"
    assert data["public_url"].startswith("http") and data["public_url"].endswith("/")
    token = data["public_url"].split("/s/")[1].strip("/")
    assert len(token) >= 32  # unguessable: 24 random bytes
    listed = client.get("/api/v1/surveys", **bearer(demo_world.viewer)).json()
    assert [s["id"] for s in listed["items"]] == [data["id"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadweight": 1.5}, "deadweight"),
        ({"duration": 0}, "duration"),
        ({"questions": [{"key": "Bad Key", "text": "x", "min": 0, "max": 10}]}, "questions[0].key"),
        ({"questions": [{"key": "anxiety", "text": "x", "min": 0, "max": 10}]}, "questions[0].key"),
        ({"questions": [{"key": "calm", "text": "x", "min": 5, "max": 5}]}, "questions[0].max"),
        ({"activity_ids": [999999]}, "activity_ids"),
    ],
)
def test_a_bad_survey_is_refused_naming_the_field(client, demo_world, change, field):
    body = {"title": "Wellbeing", "ons4": True, **change}
    response = _post(client, "/api/v1/surveys", body, demo_world.editor)
    assert response.status_code == 400, response.content
    assert field in response.json()["detail"]


def test_a_viewer_may_not_build_a_survey(client, demo_world):
    response = _post(client, "/api/v1/surveys", {"title": "Mine"}, demo_world.viewer)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"life_satisfaction": 11}, "answers.life_satisfaction"),
        ({"life_satisfaction": -1}, "answers.life_satisfaction"),
        ({"confidence": 0}, "answers.confidence"),
        ({"life_satisfaction": 4.5}, "answers.life_satisfaction"),
        ({"shoe_size": 4}, "answers.shoe_size"),
        ({}, "answers"),
    ],
)
def test_answers_out_of_range_or_unknown_are_refused_naming_the_field(
    client, demo_world, answers, field
):
    survey = _survey(client, demo_world.editor)
    response = _answer(client, survey["id"], demo_world.editor, "P01", "baseline", answers)
    assert response.status_code == 400, response.content
    assert field in response.json()["detail"]
    assert not Response.objects.exists()


def test_a_name_is_not_a_participant_code(client, demo_world):
    survey = _survey(client, demo_world.editor)
    response = _answer(
        client, survey["id"], demo_world.editor, "Jane Smith", "baseline", {"happiness": 5}
    )
    assert response.status_code == 400
    assert "participant" in response.json()["detail"]


def test_a_bad_wave_or_future_date_is_refused(client, demo_world):
    survey = _survey(client, demo_world.editor)
    bad_wave = _answer(client, survey["id"], demo_world.editor, "P1", "middle", {"happiness": 5})
    assert bad_wave.status_code == 422
    future = _answer(
        client, survey["id"], demo_world.editor, "P1", "baseline", {"happiness": 5}, on="2999-01-01"
    )
    assert future.status_code == 400 and "answered_on" in future.json()["detail"]


# The worked example of the method page, with extra responses that the pairing must leave out.
WORKED = [  # participant, baseline, follow-up
    ("P01", 4, 6), ("P02", 5, 6), ("P03", 3, 5), ("P04", 6, 6), ("P05", 5, 7), ("P06", 4, 5),
]  # fmt: skip


def _load_worked_example(client, survey_id, user):
    for code, b, f in WORKED:
        _answer(client, survey_id, user, code, "baseline", {"life_satisfaction": b,
                "anxiety": 10 - b}, on="2025-01-10", team="North")  # fmt: skip
        _answer(client, survey_id, user, code, "follow_up", {"life_satisfaction": f,
                "anxiety": 10 - f}, on="2025-07-10", team="North")  # fmt: skip
    # A later baseline and an earlier follow-up than the picked ones: neither counts.
    _answer(client, survey_id, user, "P01", "baseline", {"life_satisfaction": 0}, on="2025-02-01")
    _answer(client, survey_id, user, "P01", "follow_up", {"life_satisfaction": 10}, on="2025-06-01")
    # A baseline only, in another team.
    _answer(client, survey_id, user, "P07", "baseline", {"life_satisfaction": 2}, on="2025-01-12",
            team="South")  # fmt: skip


def test_results_match_the_worked_example_to_1e9(client, demo_world):
    survey = _survey(client, demo_world.editor)
    _load_worked_example(client, survey["id"], demo_world.editor)
    data = _results(client, survey["id"], demo_world.viewer, "?price_year=2024")
    assert data["price_year"] == 2024
    life = next(q for q in data["questions"] if q["key"] == "life_satisfaction")
    changes = [f - b for _, b, f in WORKED]
    n = len(changes)
    mean = sum(changes) / n
    sd = math.sqrt(sum((c - mean) ** 2 for c in changes) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert life["pairs"] == 6 and not life["suppressed"]
    assert life["mean_change"] == pytest.approx(mean, abs=1e-9)
    assert life["sd"] == pytest.approx(sd, abs=1e-9)
    assert life["ci95"] == pytest.approx([mean - half, mean + half], abs=1e-9)
    assert life["share_improved"] == pytest.approx(5 / 6, abs=1e-9)
    wellbys = mean * n * 1 * (1 - 0.3) * (1 - 0) * (1 - 0.2)
    assert data["wellbys"] == pytest.approx(wellbys, abs=1e-9)
    assert data["value"]["central"] == pytest.approx(wellbys * 13000 * D2024 / D2019, abs=1e-9)
    assert data["value"]["low"] == pytest.approx(wellbys * 10000 * D2024 / D2019, abs=1e-9)
    assert data["value"]["high"] == pytest.approx(wellbys * 16000 * D2024 / D2019, abs=1e-9)
    assert round(data["value"]["central"], 2) == 71805.05
    # Anxiety fell as life satisfaction rose: improved is a fall.
    anxiety = next(q for q in data["questions"] if q["key"] == "anxiety")
    assert anxiety["mean_change"] == pytest.approx(-mean) and anxiety["share_improved"] == 5 / 6
    # Single-wave: 7 baselines of life satisfaction (one per participant), 6 follow-ups.
    assert life["baseline"]["responses"] == 7 and life["follow_up"]["responses"] == 6
    assert life["baseline"]["mean"] == pytest.approx((27 + 2) / 7)
    # Nobody answered worthwhile: no pairs, suppressed.
    worthwhile = next(q for q in data["questions"] if q["key"] == "worthwhile")
    assert (
        worthwhile["pairs"] == 0 and worthwhile["suppressed"] and worthwhile["mean_change"] is None
    )


def test_restated_in_another_price_year(client, demo_world):
    survey = _survey(client, demo_world.editor)
    _load_worked_example(client, survey["id"], demo_world.editor)
    in_2019 = _results(client, survey["id"], demo_world.viewer, "?price_year=2019")
    assert in_2019["value"]["central"] == pytest.approx(in_2019["wellbys"] * 13000, abs=1e-9)
    bad = client.get(
        f"/api/v1/surveys/{survey['id']}/results?price_year=1800", **bearer(demo_world.viewer)
    )
    assert bad.status_code == 400 and "price_year" in bad.content.decode()


def test_default_price_year_is_the_organisations(client, demo_world):
    demo_world.alice_org.price_year = 2022
    demo_world.alice_org.save()
    survey = _survey(client, demo_world.editor)
    assert _results(client, survey["id"], demo_world.viewer)["price_year"] == 2022


def test_negative_change_is_valued_negative(client, demo_world):
    survey = _survey(client, demo_world.editor, deadweight=0, attribution=0)
    for i, (b, f) in enumerate([(7, 5), (6, 5), (8, 8), (5, 3), (6, 4)]):
        _answer(client, survey["id"], demo_world.editor, f"N{i}", "baseline",
                {"life_satisfaction": b}, on="2025-01-01")  # fmt: skip
        _answer(client, survey["id"], demo_world.editor, f"N{i}", "follow_up",
                {"life_satisfaction": f}, on="2025-06-01")  # fmt: skip
    data = _results(client, survey["id"], demo_world.viewer, "?price_year=2019")
    life = data["questions"][0]
    assert life["mean_change"] == pytest.approx(-7 / 5)
    assert life["share_improved"] == 0
    assert data["wellbys"] == pytest.approx(-7.0)
    assert data["value"] == pytest.approx({"central": -91000, "low": -70000, "high": -112000})


def test_a_team_under_five_pairs_is_suppressed_with_the_reason(client, demo_world):
    survey = _survey(client, demo_world.editor)
    _load_worked_example(client, survey["id"], demo_world.editor)
    for i in range(3):
        _answer(client, survey["id"], demo_world.editor, f"S{i}", "baseline",
                {"life_satisfaction": 3}, team="South", on="2025-01-01")  # fmt: skip
        _answer(client, survey["id"], demo_world.editor, f"S{i}", "follow_up",
                {"life_satisfaction": 9}, team="South", on="2025-06-01")  # fmt: skip
    south = _results(client, survey["id"], demo_world.viewer, "?team=South")
    life = south["questions"][0]
    assert life["pairs"] == 3 and life["suppressed"] is True
    assert life["mean_change"] is None and life["sd"] is None and life["ci95"] is None
    assert life["share_improved"] is None and "fewer than 5 pairs" in life["reason"]
    assert life["distribution"] is None
    assert south["wellbys"] is None and south["value"] == {
        "central": None,
        "low": None,
        "high": None,
    }
    assert "fewer than 5 pairs" in south["value_reason"]
    # The baseline-only P07 and the three pairs: 4 baselines, still too few for a mean.
    assert life["baseline"]["suppressed"] and life["baseline"]["mean"] is None
    north = _results(client, survey["id"], demo_world.viewer, "?team=North")
    assert north["questions"][0]["pairs"] == 6 and not north["questions"][0]["suppressed"]


def test_sql_pairs_match_the_core_pairing(client, demo_world):
    """Random responses (several per wave, some on the same day): the pairs picked for the
    results are exactly those `core.wellbeing.match_pairs` picks."""
    import datetime as dt
    import random

    from socialvalue.core.wellbeing import change_stats, match_pairs
    from socialvalue.web.surveys import services
    from socialvalue.web.surveys.models import Survey
    from tests.web.surveys.factories import respond

    found = Survey.objects.get(pk=_survey(client, demo_world.editor)["id"])
    rng = random.Random(7)
    rows = []
    for _ in range(150):
        code = f"R{rng.randrange(30)}"
        wave = rng.choice(["baseline", "follow_up"])
        on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(5))
        value = rng.randrange(11)
        response = respond(found, code, wave, {"life_satisfaction": value}, on=on)
        rows.append((code, wave, on.toordinal() * 10_000 + response.id, value))
    pairs = match_pairs(*zip(*rows, strict=True))
    expected = change_stats(pairs.changes, key="life_satisfaction")
    got = services.results(found, price_year=2024).life_satisfaction.change
    assert got == expected
    assert Pair.objects.filter(survey=found, key="life_satisfaction").exclude(
        baseline=None
    ).exclude(follow_up=None).count() == len(pairs)


def test_survey_result_becomes_evidence_that_verifies(client, demo_world):
    from socialvalue.web.evidence import services as evidence_services

    where = activity(demo_world.alice_org, name="Befriending")
    survey = _survey(client, demo_world.editor, activity_ids=[where.id])
    _load_worked_example(client, survey["id"], demo_world.editor)
    body = {"activity_id": where.id, "period_start": "2025-01-01", "period_end": "2025-07-31"}
    response = _post(client, f"/api/v1/surveys/{survey['id']}/evidence", body, demo_world.editor)
    assert response.status_code == 201, response.content
    record = Evidence.objects.get(pk=response.json()["id"])
    assert record.measure.code == "SV-WB-01"
    assert float(record.quantity) == pytest.approx(4.48, abs=1e-4)
    assert "WELLBY from ONS4 survey" in record.note and "n = 6" in record.note
    assert "deadweight 0.3" in record.note and "95% interval +0.48 to +2.19" in record.note
    assert float(record.value) == pytest.approx(4.48 * 13000 * D2024 / D2019, abs=0.01)
    verified = evidence_services.verify(
        record, membership=demo_world.admin.memberships.get(organisation=demo_world.alice_org)
    )
    assert verified.verification == "verified"


def test_a_suppressed_result_cannot_become_evidence(client, demo_world):
    where = activity(demo_world.alice_org, name="Befriending")
    survey = _survey(client, demo_world.editor)
    _answer(client, survey["id"], demo_world.editor, "P1", "baseline", {"life_satisfaction": 3})
    body = {"activity_id": where.id, "period_start": "2025-01-01", "period_end": "2025-07-31"}
    response = _post(client, f"/api/v1/surveys/{survey['id']}/evidence", body, demo_world.editor)
    assert response.status_code == 400
    assert "suppressed" in json.dumps(response.json()["detail"])
    assert not Evidence.objects.exists()


def test_a_fall_is_reported_but_not_recorded_as_evidence(client, demo_world):
    where = activity(demo_world.alice_org, name="Befriending")
    survey = _survey(client, demo_world.editor)
    for i in range(5):
        _answer(client, survey["id"], demo_world.editor, f"F{i}", "baseline",
                {"life_satisfaction": 7}, on="2025-01-01")  # fmt: skip
        _answer(client, survey["id"], demo_world.editor, f"F{i}", "follow_up",
                {"life_satisfaction": 5}, on="2025-06-01")  # fmt: skip
    body = {"activity_id": where.id, "period_start": "2025-01-01", "period_end": "2025-07-31"}
    response = _post(client, f"/api/v1/surveys/{survey['id']}/evidence", body, demo_world.editor)
    assert response.status_code == 400
    assert "Life satisfaction fell" in response.json()["detail"]["survey"][0]
    assert not Evidence.objects.exists()
