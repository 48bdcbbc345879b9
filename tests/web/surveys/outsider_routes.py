"""Routes of wellbeing surveys and what an outsider gets from each (see tests/web/test_outsiders.py)."""

from tests.routes import Route


def _alice_survey_id(w) -> int:
    from tests.web.surveys.factories import respond, survey

    found = survey(w.alice_org)
    respond(found, "A01", "baseline", {"life_satisfaction": 5})
    return found.id


def _answer_body() -> dict:
    return {"participant": "X1", "wave": "baseline", "answered_on": "2025-05-01",
            "answers": {"life_satisfaction": 6}}  # fmt: skip


ROUTES: list[Route] = [
    # Routes naming one of Alice's surveys: Charlie gets 404.
    Route("surveys/<int:survey_id>/", url=lambda w: f"/surveys/{_alice_survey_id(w)}/"),
    Route(
        "surveys/<int:survey_id>/results.csv",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/results.csv",
    ),
    Route(
        "surveys/<int:survey_id>/responses/new/",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/responses/new/",
    ),
    Route(
        "surveys/<int:survey_id>/responses/new/",
        "post",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/responses/new/",
        body={
            "participant": "X1",
            "wave": "baseline",
            "answered_on": "2025-05-01",
            "answer_life_satisfaction": "6",
        },
    ),  # fmt: skip
    Route(
        "surveys/<int:survey_id>/import/",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/import/",
    ),
    Route(
        "surveys/<int:survey_id>/import/",
        "post",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/import/",
        files={
            "file": (
                "answers.csv",
                b"participant,wave,answered_on,life_satisfaction\nX1,baseline,2025-05-01,6\n",
            )
        },
    ),  # fmt: skip
    Route(
        "surveys/<int:survey_id>/evidence/",
        "post",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/evidence/",
        body={"period_start": "2025-04-01", "period_end": "2025-06-30"},
    ),
    Route(
        "surveys/<int:survey_id>/open/",
        "post",
        url=lambda w: f"/surveys/{_alice_survey_id(w)}/open/",
        body={"open": "0"},
    ),
    Route(
        "api/v1/surveys/<survey_id>",
        url=lambda w: f"/api/v1/surveys/{_alice_survey_id(w)}",
        api=True,
    ),
    Route(
        "api/v1/surveys/<survey_id>/responses",
        url=lambda w: f"/api/v1/surveys/{_alice_survey_id(w)}/responses",
        api=True,
    ),
    Route(
        "api/v1/surveys/<survey_id>/responses",
        "post",
        url=lambda w: f"/api/v1/surveys/{_alice_survey_id(w)}/responses",
        api=True,
        body=_answer_body(),
    ),
    Route(
        "api/v1/surveys/<survey_id>/results",
        url=lambda w: f"/api/v1/surveys/{_alice_survey_id(w)}/results",
        api=True,
    ),
    Route(
        "api/v1/surveys/<survey_id>/evidence",
        "post",
        url=lambda w: f"/api/v1/surveys/{_alice_survey_id(w)}/evidence",
        api=True,
        body={"activity_id": 1, "period_start": "2025-04-01", "period_end": "2025-06-30"},
    ),
    Route(
        "api/v1/surveys",
        "post",
        url=lambda w: "/api/v1/surveys",
        api=True,
        body={"organisation_id": "ALICE_ORG", "title": "Mine"},
    ),
    # Routes scoped to the caller's own organisation: nothing of Alice's can be named.
    Route("surveys/"),
    Route("surveys/new/"),
    Route("api/v1/surveys"),
    # The public answering link names a survey by its unguessable token, not its id, and needs
    # no sign-in: it shows one survey's questions and nothing else (tests/web/surveys/test_public.py).
    Route("s/<str:token>/"),
    Route("s/<str:token>/easy-read/"),
    Route("s/<str:token>/thanks/"),
]
