"""Wellbeing surveys: building one, recording answers (public link, staff, import), the results
per question with suppression and WELLBY value, and turning a valued result into evidence.

The pairs (each participant's earliest baseline and latest follow-up answer to a question) are
picked in SQL, which answers with one row per (question, baseline value, follow-up value) and its
count; `socialvalue.core.wellbeing` then works out every figure from that small table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from socialvalue.core import wellbeing
from socialvalue.core.bounds import date_problem
from socialvalue.core.wellbeing import (
    LIFE_SATISFACTION,
    ONS4,
    ChangeStats,
    Deductions,
    WaveStats,
    WellbyValue,
)
from socialvalue.web.evidence import services as evidence_services
from socialvalue.web.evidence.models import Evidence
from socialvalue.web.links import absolute_reverse
from socialvalue.web.measures.models import Measure
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import Actor, require_role, visible

from .models import (
    CODE_PATTERN,
    KEY_PATTERN,
    Answer,
    Pair,
    Question,
    Response,
    Source,
    Survey,
    Wave,
)

#: The shipped measure a survey's WELLBYs are recorded against as evidence.
WELLBY_MEASURE = "SV-WB-01"
EVIDENCE_METHOD = "WELLBY from ONS4 survey"
MAX_QUESTIONS = 40
MAX_SCALE_POINTS = 101

#: Plain words for the easy-read version of the ONS4.
ONS4_EASY_READ = {
    "life_satisfaction": "How happy are you with your life now?",
    "worthwhile": "Do the things you do in your life feel worth doing?",
    "happiness": "How happy did you feel yesterday?",
    "anxiety": "How worried or anxious did you feel yesterday?",
}

#: Guidance shown next to each deduction.
GUIDANCE = {
    "deadweight": "The share of the change that would have happened anyway, from 0 to 1. The "
    "change seen in a comparison group is the best evidence.",
    "attribution": "The share of the change due to others (other services, family), from 0 to 1.",
    "displacement": "The share of the change that only moved a problem elsewhere, from 0 to 1.",
    "duration": "How many years the change is expected to last.",
}


def _errors(problems: Mapping[str, str | list[str]]) -> ValidationError:
    return ValidationError({k: v if isinstance(v, list) else [v] for k, v in problems.items()})


# ---------------------------------------------------------------- building a survey


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    minimum: int = 0
    maximum: int = 10
    higher_is_better: bool = True
    easy_read: str = ""


def ons4_specs() -> list[QuestionSpec]:
    return [
        QuestionSpec(q.key, q.text, q.minimum, q.maximum, q.higher_is_better, ONS4_EASY_READ[q.key])
        for q in ONS4
    ]


def _number(value: Any, place: str, problems: dict[str, str], *, low: float, high: float):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems[place] = f"{value!r} is not a number."
        return None
    if not number.is_finite() or not low <= number <= high:
        problems[place] = f"{value} is not between {low:g} and {high:g}."
        return None
    return number


def _question_problems(specs: Sequence[QuestionSpec], ons4: bool) -> dict[str, str]:
    problems: dict[str, str] = {}
    seen = {q.key for q in ONS4} if ons4 else set()
    if len(specs) > MAX_QUESTIONS:
        problems["questions"] = f"A survey asks at most {MAX_QUESTIONS} questions of its own."
    for i, spec in enumerate(specs):
        place = f"questions[{i}]"
        if not re.match(KEY_PATTERN, spec.key or ""):
            problems[f"{place}.key"] = (
                "Use lower-case letters, digits and underscores, starting with a letter."
            )
        elif spec.key in seen:
            problems[f"{place}.key"] = f"The key {spec.key!r} is already used in this survey."
        seen.add(spec.key)
        if not (spec.text or "").strip():
            problems[f"{place}.text"] = "Enter the question."
        if spec.minimum >= spec.maximum:
            problems[f"{place}.max"] = "The highest answer must be above the lowest."
        elif spec.maximum - spec.minimum + 1 > MAX_SCALE_POINTS:
            problems[f"{place}.max"] = f"A scale has at most {MAX_SCALE_POINTS} points."
    return problems


def _survey_problems(
    organisation: Any,
    *,
    title: str,
    ons4: bool,
    specs: Sequence[QuestionSpec],
    deductions: Mapping[str, Any],
    activities: Iterable[Activity],
    contract: Any,
) -> tuple[dict[str, str], dict[str, Decimal]]:
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "Enter a title."
    elif len(title) > 200:
        problems["title"] = "Use 200 characters or fewer."
    checked: dict[str, Decimal] = {}
    for name in ("deadweight", "attribution", "displacement"):
        value = deductions.get(name)
        number = _number(0 if value is None else value, name, problems, low=0, high=1)
        if number is not None:
            checked[name] = number.quantize(Decimal("0.0001"))
    value = deductions.get("duration")
    number = _number(1 if value is None else value, "duration", problems, low=0.01, high=100)
    if number is not None:
        checked["duration"] = number.quantize(Decimal("0.01"))
    if not ons4 and not specs:
        problems["questions"] = "Ask the ONS4 questions, or add a question of your own."
    problems.update(_question_problems(specs, ons4))
    for activity in activities:
        if activity.organisation_id != organisation.id:
            problems["activity_ids"] = "Choose your organisation's own activities."
    if contract is not None and contract.provider_id != organisation.id:
        problems["contract_id"] = "Choose a contract your organisation delivers as the provider."
    return problems, checked


@transaction.atomic
def create_survey(
    *,
    organisation: Any,
    actor: Actor,
    title: str,
    ons4: bool = True,
    questions: Sequence[QuestionSpec] = (),
    deadweight: Any = 0,
    attribution: Any = 0,
    displacement: Any = 0,
    duration: Any = 1,
    activities: Iterable[Activity] = (),
    contract: Any = None,
) -> Survey:
    """A new survey of the ONS4 (when `ons4`) and the organisation's own questions."""
    actor.require(organisation.id, "editor")
    activities = list(activities)
    specs = list(questions)
    problems, checked = _survey_problems(
        organisation,
        title=title,
        ons4=ons4,
        specs=specs,
        deductions={
            "deadweight": deadweight,
            "attribution": attribution,
            "displacement": displacement,
            "duration": duration,
        },
        activities=activities,
        contract=contract,
    )
    if problems:
        raise _errors(problems)
    survey = Survey.objects.create(
        organisation=organisation,
        title=title.strip(),
        ons4=ons4,
        contract=contract,
        created_by=actor.user,
        **checked,
    )
    survey.activities.set(activities)
    all_specs = (ons4_specs() if ons4 else []) + specs
    for position, spec in enumerate(all_specs):
        Question.objects.create(
            survey=survey,
            key=spec.key,
            text=spec.text.strip(),
            easy_read=(spec.easy_read or "").strip(),
            minimum=spec.minimum,
            maximum=spec.maximum,
            higher_is_better=spec.higher_is_better,
            position=position,
        )
    return survey


def deductions_of(survey: Survey) -> Deductions:
    return Deductions(
        deadweight=float(survey.deadweight),
        attribution=float(survey.attribution),
        displacement=float(survey.displacement),
        duration=float(survey.duration),
    )


def public_url(survey: Survey) -> str:
    """The survey's public answering link, absolute (under the site's public base URL)."""
    return absolute_reverse("surveys:answer", token=survey.public_token)


def provider_contracts(organisation: Any):
    """Contracts a survey may be linked to: those the organisation delivers."""
    return evidence_services.provider_contracts(organisation)


# ---------------------------------------------------------------- answers


@dataclass
class ResponseData:
    """One response as parsed from a page, a JSON body or a row of a file."""

    participant: str
    wave: str
    answered_on: dt.date | None
    answers: dict[str, Any]
    team: str = ""
    area: str = ""
    activity: Activity | None = None


def today() -> dt.date:
    """The date a public answer is given on."""
    return timezone.localdate()


def _as_whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", value):
        return int(value)
    return None


def response_problems(
    survey: Survey, questions: Sequence[Question], data: ResponseData
) -> tuple[dict[str, str], dict[str, int]]:
    """What is wrong with a response, by field (`answers.<key>` for an answer), and its answers."""
    problems: dict[str, str] = {}
    code = (data.participant or "").strip()
    if not code:
        problems["participant"] = "Enter the participant code."
    elif not re.match(CODE_PATTERN, code):
        problems["participant"] = (
            "A participant code is up to 40 letters, digits, dots, dashes or underscores "
            "(a code, never a name)."
        )
    if data.wave not in Wave.values:
        problems["wave"] = "Choose baseline or follow_up."
    if data.answered_on is None:
        problems["answered_on"] = "Enter the date the answers were given."
    else:
        problem = date_problem(data.answered_on)
        if problem:
            problems["answered_on"] = problem
        elif data.answered_on > timezone.localdate():
            problems["answered_on"] = "The date cannot be in the future."
    if data.activity is not None and data.activity.organisation_id != survey.organisation_id:
        problems["activity"] = "Choose one of your organisation's activities."
    by_key = {q.key: q for q in questions}
    values: dict[str, int] = {}
    if not isinstance(data.answers, Mapping):
        problems["answers"] = "Give the answers as an object of question key to number."
        return problems, values
    for key, raw in data.answers.items():
        question = by_key.get(key)
        if question is None:
            problems[f"answers.{key}"] = "This survey has no question with this key."
            continue
        if raw is None or raw == "":
            continue
        number = _as_whole_number(raw)
        if number is None:
            problems[f"answers.{key}"] = f"{raw!r} is not a whole number."
        elif not question.minimum <= number <= question.maximum:
            problems[f"answers.{key}"] = (
                f"{number} is outside the scale {question.minimum} to {question.maximum}."
            )
        else:
            values[key] = number
    if (
        not values
        and "answers" not in problems
        and not any(p.startswith("answers.") for p in problems)
    ):
        problems["answers"] = "Answer at least one question."
    return problems, values


def require_editor(survey: Survey, actor: Actor) -> None:
    require_role(actor, survey, "editor")


def _save_response(
    survey: Survey, data: ResponseData, values: dict[str, int], source: str, *, refresh: bool = True
) -> Response:
    response = Response.objects.create(
        survey=survey,
        participant=data.participant.strip(),
        wave=data.wave,
        answered_on=data.answered_on,
        team=(data.team or "").strip()[:200],
        area=(data.area or "").strip()[:200],
        activity=data.activity,
        source=source,
    )
    Answer.objects.bulk_create(
        Answer(response=response, key=key, value=value) for key, value in values.items()
    )
    if refresh:
        refresh_pairs(survey, [response.participant])
    return response


@transaction.atomic
def record_response(
    *, survey: Survey, actor: Actor | None, data: ResponseData, source: str = Source.STAFF
) -> Response:
    """Save one response. Staff and the API need the editor role; the public link (`actor` None)
    needs the survey open. Refused with a ValidationError naming each bad field."""
    if actor is None:
        if source != Source.PUBLIC:
            raise PermissionDenied("Only the public link answers without signing in.")
        if not survey.open:
            raise ValidationError("This survey is closed: it takes no more answers.")
    else:
        require_editor(survey, actor)
    problems, values = response_problems(survey, list(survey.questions.all()), data)
    if problems:
        raise _errors(problems)
    return _save_response(survey, data, values, source)


#: Answers the public link takes from one address for one survey within the window.
PUBLIC_ANSWERS_PER_WINDOW = 60
PUBLIC_WINDOW_SECONDS = 600


def public_answer_allowed(survey: Survey, ip: str | None) -> bool:
    """Whether one more public answer from this address is taken (a shared tablet at a session
    may send dozens; a script sending thousands is stopped)."""
    key = f"surveys:public:{survey.id}:{ip or 'unknown'}"
    cache.add(key, 0, PUBLIC_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, PUBLIC_WINDOW_SECONDS)
        count = 1
    return count <= PUBLIC_ANSWERS_PER_WINDOW


@transaction.atomic
def save_responses(survey: Survey, rows: Sequence[ResponseData], *, source: str) -> list[Response]:
    """Save checked responses together (an import): any refused and none is saved."""
    questions = list(survey.questions.all())
    saved = []
    for row in rows:
        problems, values = response_problems(survey, questions, row)
        if problems:
            raise _errors(problems)
        saved.append(_save_response(survey, row, values, source, refresh=False))
    refresh_pairs(survey, [r.participant for r in saved])
    return saved


@transaction.atomic
def set_open(*, survey: Survey, actor: Actor, open: bool) -> Survey:
    require_editor(survey, actor)
    survey.open = open
    survey.save(update_fields=["open"])
    return survey


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Filters:
    team: str = ""
    area: str = ""
    activity: Activity | None = None

    @property
    def any(self) -> bool:
        return bool(self.team or self.area or self.activity)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    change: ChangeStats
    baseline: WaveStats
    follow_up: WaveStats
    #: Answers per point of the scale among the pairs, lowest first (None when suppressed).
    baseline_distribution: list[int] | None
    follow_up_distribution: list[int] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.change.as_dict(),
            "text": self.question.text,
            "min": self.question.minimum,
            "max": self.question.maximum,
            "higher_is_better": self.question.higher_is_better,
            "baseline": self.baseline.as_dict(),
            "follow_up": self.follow_up.as_dict(),
            "distribution": None
            if self.baseline_distribution is None
            else {
                "points": self.question.points,
                "baseline": self.baseline_distribution,
                "follow_up": self.follow_up_distribution,
            },
        }


@dataclass(frozen=True)
class Results:
    survey: Survey
    price_year: int
    filters: Filters
    questions: list[QuestionResult]
    value: WellbyValue | None
    deductions: Deductions = field(default_factory=Deductions)

    @property
    def life_satisfaction(self) -> QuestionResult | None:
        return next((q for q in self.questions if q.question.key == LIFE_SATISFACTION), None)

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        return {
            "survey_id": self.survey.id,
            "price_year": self.price_year,
            "filters": {
                "team": self.filters.team or None,
                "area": self.filters.area or None,
                "activity": self.filters.activity.id if self.filters.activity else None,
            },
            "deductions": {
                "deadweight": self.deductions.deadweight,
                "attribution": self.deductions.attribution,
                "displacement": self.deductions.displacement,
                "duration": self.deductions.duration,
            },
            "questions": [q.as_dict() for q in self.questions],
            "wellbys": value.wellbys if value else None,
            "value": {
                "central": value.central if value else None,
                "low": value.low if value else None,
                "high": value.high if value else None,
            },
            "value_reason": (value.reason if value else "the survey does not ask the ONS4"),
        }


def _side(response: Response | None) -> tuple[str, str, int | None]:
    if response is None:
        return "", "", None
    return response.team, response.area, response.activity_id


def refresh_pairs(survey: Survey, participants: Iterable[str] | None = None) -> int:
    """Rewrite the picked answers (`Pair`) of these participants (all when None) from their
    responses: per question the earliest baseline and the latest follow-up, a tie on the date
    going to the later-entered response. Returns the rows written."""
    responses = Response.objects.filter(survey=survey).order_by("participant", "answered_on", "id")
    pairs = Pair.objects.filter(survey=survey)
    if participants is not None:
        codes = sorted(set(participants))
        responses = responses.filter(participant__in=codes)
        pairs = pairs.filter(participant__in=codes)
    pairs.delete()
    answers = Answer.objects.filter(response__in=responses.values("id")).values_list(
        "response_id", "key", "value"
    )
    by_response: dict[int, list[tuple[str, int]]] = {}
    for response_id, key, value in answers.iterator(chunk_size=10_000):
        by_response.setdefault(response_id, []).append((key, value))
    picked: dict[tuple[str, str], dict[str, Any]] = {}
    for response in responses.only(
        "id", "participant", "wave", "answered_on", "team", "area", "activity_id"
    ).iterator(chunk_size=10_000):
        for key, value in by_response.get(response.id, ()):
            slot = picked.setdefault((response.participant, key), {})
            if response.wave == Wave.BASELINE:
                slot.setdefault(Wave.BASELINE, (value, response))  # ordered: the first is earliest
            else:
                slot[Wave.FOLLOW_UP] = (value, response)  # ordered: the last is latest
    rows = []
    for (participant, key), slot in picked.items():
        b_value, b_response = slot.get(Wave.BASELINE, (None, None))
        f_value, f_response = slot.get(Wave.FOLLOW_UP, (None, None))
        b_side, f_side = _side(b_response), _side(f_response)
        rows.append(
            Pair(
                survey=survey,
                key=key,
                participant=participant,
                baseline=b_value,
                follow_up=f_value,
                team=f_side[0] or b_side[0],
                area=f_side[1] or b_side[1],
                activity_id=f_side[2] or b_side[2],
            )
        )
    Pair.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def pair_table(survey: Survey, filters: Filters = Filters()) -> dict[str, np.ndarray]:
    """Per question key, rows of (baseline value, follow-up value, count) from one SQL
    aggregation of the picked answers; a side is NaN where the participant has no answer in it."""
    pairs = Pair.objects.filter(survey=survey)
    if filters.team:
        pairs = pairs.filter(team=filters.team)
    if filters.area:
        pairs = pairs.filter(area=filters.area)
    if filters.activity is not None:
        pairs = pairs.filter(activity=filters.activity)
    rows = pairs.order_by().values_list("key", "baseline", "follow_up").annotate(n=Count("*"))
    table: dict[str, list[tuple[float, float, int]]] = {}
    for key, b, f, n in rows:
        table.setdefault(key, []).append(
            (np.nan if b is None else float(b), np.nan if f is None else float(f), int(n))
        )
    return {k: np.array(v, dtype=np.float64).reshape(-1, 3) for k, v in table.items()}


def _question_result(question: Question, rows: np.ndarray | None) -> QuestionResult:
    if rows is None:
        rows = np.empty((0, 3))
    b, f, n = rows[:, 0], rows[:, 1], rows[:, 2].astype(np.int64)
    paired = ~np.isnan(b) & ~np.isnan(f)
    change = wellbeing.change_stats(
        wellbeing.changes_from_counts(b[paired], f[paired], n[paired]),
        key=question.key,
        higher_is_better=question.higher_is_better,
    )
    has_b, has_f = ~np.isnan(b), ~np.isnan(f)
    baseline = wellbeing.wave_stats(b[has_b], n[has_b])
    follow_up = wellbeing.wave_stats(f[has_f], n[has_f])
    if change.suppressed:
        dist_b = dist_f = None
    else:
        lo, hi = question.minimum, question.maximum
        dist_b = wellbeing.distribution(b[paired], lo, hi, n[paired])
        dist_f = wellbeing.distribution(f[paired], lo, hi, n[paired])
    return QuestionResult(question, change, baseline, follow_up, dist_b, dist_f)


def results(survey: Survey, *, price_year: int, filters: Filters = Filters()) -> Results:
    """Every question's figures for the survey (or one team, area or activity of it), and the
    WELLBY value of its life-satisfaction change in `price_year` prices."""
    table = pair_table(survey, filters)
    questions = [_question_result(q, table.get(q.key)) for q in survey.questions.all()]
    deductions = deductions_of(survey)
    life = next((q for q in questions if q.question.key == LIFE_SATISFACTION), None)
    value = (
        wellbeing.wellby_value(life.change, deductions, price_year) if life is not None else None
    )
    return Results(survey, price_year, filters, questions, value, deductions)


def teams_and_areas(survey: Survey) -> tuple[list[str], list[str]]:
    responses = survey.responses.order_by()
    teams = sorted(
        {t for t in responses.values_list("team", flat=True).distinct() if t}, key=str.casefold
    )
    areas = sorted(
        {a for a in responses.values_list("area", flat=True).distinct() if a}, key=str.casefold
    )
    return teams, areas


def team_breakdown(survey: Survey, *, price_year: int) -> list[tuple[str, Results]]:
    """The results of each team that answered, suppressed where it has too few pairs."""
    teams, _ = teams_and_areas(survey)
    return [
        (team, results(survey, price_year=price_year, filters=Filters(team=team))) for team in teams
    ]


def visible_surveys(actor: Actor):
    return visible(Survey, actor).prefetch_related("activities").select_related("contract")


RESULT_COLUMNS = [
    "group", "question", "pairs", "mean_change", "sd", "ci95_low", "ci95_high", "share_improved",
    "baseline_responses", "baseline_mean", "follow_up_responses", "follow_up_mean", "suppressed",
    "reason",
]  # fmt: skip


def result_rows(outcome: Results, group: str) -> list[list[Any]]:
    """One row per question of a group's results, figures empty and the reason given where the
    group is suppressed (the same rule as the page and the API)."""
    rows = []
    for item in outcome.questions:
        c, b, f = item.change, item.baseline, item.follow_up
        ci = c.ci95 or (None, None)
        rows.append(
            [group, item.question.key, c.pairs, c.mean_change, c.sd, ci[0], ci[1],
             c.share_improved, b.responses, b.mean, f.responses, f.mean,
             "suppressed" if c.suppressed else "", c.reason or ""]
        )  # fmt: skip
    return rows


def results_table(survey: Survey, *, price_year: int) -> list[list[Any]]:
    """The whole survey and each team, for the CSV export."""
    rows = result_rows(results(survey, price_year=price_year), "all participants")
    for team, outcome in team_breakdown(survey, price_year=price_year):
        rows.extend(result_rows(outcome, f"team: {team}"))
    return rows


# ---------------------------------------------------------------- into evidence


def interval_text(change: ChangeStats) -> str:
    if change.ci95 is None:
        return "no interval"
    return f"95% interval {change.ci95[0]:+.2f} to {change.ci95[1]:+.2f}"


@transaction.atomic
def record_as_evidence(
    *,
    survey: Survey,
    actor: Actor,
    activity: Activity | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
) -> Evidence:
    """The survey's valued life-satisfaction result, as an evidence record of its WELLBYs against
    the shipped WELLBY measure: valued, verified and counted like any evidence. Refused when the
    result is suppressed or there is no life-satisfaction question."""
    require_editor(survey, actor)
    problems: dict[str, str] = {}
    if activity is None:
        problems["activity"] = "Choose the activity the survey measured."
    elif activity.organisation_id != survey.organisation_id:
        problems["activity"] = "Choose one of your organisation's activities."
    life_question = survey.questions.filter(key=LIFE_SATISFACTION).first()
    if life_question is None:
        raise _errors({"survey": "The survey does not ask about life satisfaction."})
    price_year = survey.organisation.reporting_price_year
    outcome = results(survey, price_year=price_year)
    life = outcome.life_satisfaction
    if (
        life is None
        or life.change.suppressed
        or outcome.value is None
        or outcome.value.wellbys is None
    ):
        problems["survey"] = (
            f"The life-satisfaction result is suppressed: {life.change.reason if life else ''}. "
            "No figure can be recorded."
        )
    elif outcome.value.wellbys < 0:
        problems["survey"] = (
            f"Life satisfaction fell ({outcome.value.wellbys:.2f} WELLBYs): the survey's results "
            "report the loss, but evidence records what was delivered, a quantity of 0 or more."
        )
    if problems:
        raise _errors(problems)
    measure = (
        Measure.objects.filter(code=WELLBY_MEASURE, value_set__shipped_key="socialvalue-starter")
        .order_by("id")
        .first()
    )
    if measure is None:
        raise _errors({"survey": f"The WELLBY measure {WELLBY_MEASURE} is not installed."})
    d = outcome.deductions
    c = life.change
    note = (
        f"{EVIDENCE_METHOD}: survey “{survey.title}” (no. {survey.id}). "
        f"n = {c.pairs} matched pairs; mean change in life satisfaction {c.mean_change:+.4f} "
        f"points (sd {c.sd:.4f}; {interval_text(c)}); {c.share_improved:.0%} improved. "
        f"Deductions: deadweight {d.deadweight:g}, attribution {d.attribution:g}, "
        f"displacement {d.displacement:g}; duration {d.duration:g} years. "
        f"WELLBYs = {outcome.value.wellbys:.4f}; value £{outcome.value.central:,.2f} "
        f"(£{outcome.value.low:,.2f} to £{outcome.value.high:,.2f}) in {price_year} prices."
    )
    quantity = Decimal(repr(outcome.value.wellbys)).quantize(Decimal("0.0001"))
    return evidence_services.record_evidence(
        organisation=survey.organisation,
        recorded_by=actor.user,
        measure=measure,
        activity=activity,
        quantity=quantity,
        period_start=period_start,
        period_end=period_end,
        contract=survey.contract,
        note=note,
    )
