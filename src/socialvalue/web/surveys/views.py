"""Pages for wellbeing surveys: the list, building one, its results (suppressed where small) with
the distance-travelled charts, entering paper answers, importing a file, recording the valued
result as evidence, and the public answering page (no sign-in) behind an unguessable link."""

from __future__ import annotations

import base64
import csv
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from socialvalue.core.errors import InputError
from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.reports import charts
from socialvalue.web.accounts.models import Role
from socialvalue.web.forms import add_domain_errors
from socialvalue.web.planning.models import Activity
from socialvalue.web.prices import bad_price_year, price_year_choices, requested_price_year
from socialvalue.web.ratelimit import client_ip
from socialvalue.web.tenancy import get_visible_or_404

from . import importing, services
from .forms import AnswerForm, EvidenceForm, ImportForm, SurveyForm, field_for
from .models import Source, Survey


def _organisation(request: HttpRequest):
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    return request.organisation


def _may_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return get_visible_or_404(Survey, request.actor, pk=survey_id)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _organisation(request)
    surveys = services.visible_surveys(request.actor)
    return render(
        request,
        "surveys/survey_list.html",
        {"surveys": surveys, "can_edit": _may_edit(request)},
    )


@login_required
def survey_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    request.actor.require(organisation.id, Role.EDITOR)
    form = SurveyForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.create_survey(
                organisation=organisation,
                actor=request.actor,
                title=data["title"],
                ons4=data["ons4"],
                questions=form.question_specs(),
                deadweight=data["deadweight"],
                attribution=data["attribution"],
                displacement=data["displacement"],
                duration=data["duration"],
                activities=data["activities"],
                contract=data["contract"],
            )
        except ValidationError as error:
            add_domain_errors(form, error, field_for=field_for)
        else:
            messages.success(request, f"Survey “{survey}” built. Share its link with participants.")
            return redirect("surveys:detail", survey.id)
    return render(request, "surveys/survey_form.html", {"form": form})


def distance_charts(results: services.Results) -> list[dict]:
    """A chart per shown question: how many pairs gave each answer at baseline and follow-up."""
    shown = []
    for item in results.questions:
        if item.baseline_distribution is None:
            continue
        chart = charts.grouped_bar(
            f"Distance travelled: {item.question.key.replace('_', ' ')}",
            [str(p) for p in item.question.points],
            {
                "Baseline": item.baseline_distribution,
                "Follow-up": item.follow_up_distribution,
            },
            kind="integer",
            value_label="Participants",
            category_label="Answer",
        )
        rows = list(
            zip(
                item.question.points,
                item.baseline_distribution,
                item.follow_up_distribution,
                strict=True,
            )
        )
        shown.append({"item": item, "chart": chart, "src": svg_data_uri(chart), "rows": rows})
    return shown


def svg_data_uri(chart: charts.Chart) -> str:
    """The chart's SVG as an image address (its own styles apply inside an <img>)."""
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg().encode("utf-8")).decode()


@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    try:
        price_year = requested_price_year(request, survey.organisation)
    except InputError as error:
        return bad_price_year(request, error)
    team = request.GET.get("team", "")[:200]
    area = request.GET.get("area", "")[:200]
    activity = None
    if request.GET.get("activity", "").isdigit():
        activity = Activity.objects.filter(
            organisation=survey.organisation, pk=int(request.GET["activity"])
        ).first()
    filters = services.Filters(team=team, area=area, activity=activity)
    outcome = services.results(survey, price_year=price_year, filters=filters)
    teams, areas = services.teams_and_areas(survey)
    breakdown = [] if filters.any else services.team_breakdown(survey, price_year=price_year)
    context = {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "results": outcome,
        "value": outcome.value,
        "breakdown": breakdown,
        "charts": distance_charts(outcome),
        "price_year": price_year,
        "price_years": price_year_choices(),
        "teams": teams,
        "areas": areas,
        "activities": Activity.objects.filter(organisation=survey.organisation),
        "filters": filters,
        "public_url": services.public_url(survey),
        "responses": survey.responses.count(),
        "can_edit": _may_edit(request),
        "evidence_form": EvidenceForm(survey=survey),
    }
    return render(request, "surveys/survey_detail.html", context)


@login_required
def results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    """The results of the whole survey and of each team, suppressed where a group is small."""
    survey = _survey(request, survey_id)
    try:
        price_year = requested_price_year(request, survey.organisation)
    except InputError as error:
        return bad_price_year(request, error)
    value = services.results(survey, price_year=price_year).value
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.id}-results.csv"'
    writer = csv.writer(response)
    writer.writerow([f"# {safe_text(survey.title)}: change per question, matched pairs"])
    if value is not None:
        shown = value.central is not None
        writer.writerow(
            [f"# WELLBYs {value.wellbys:.4f}; value £{value.central:.2f} (£{value.low:.2f} to "
             f"£{value.high:.2f}) in {price_year} prices" if shown
             else f"# WELLBY value suppressed: {value.reason}"]
        )  # fmt: skip
    writer.writerow(services.RESULT_COLUMNS)
    for row in services.results_table(survey, price_year=price_year):
        writer.writerow([safe_text(cell) for cell in row])
    return response


@login_required
def response_new(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    services.require_editor(survey, request.actor)
    questions = list(survey.questions.all())
    form = AnswerForm(
        request.POST or None, questions=questions, staff=True, organisation=survey.organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_response(
                survey=survey,
                actor=request.actor,
                data=services.ResponseData(
                    participant=data["participant"],
                    wave=data["wave"],
                    answered_on=data["answered_on"],
                    answers=form.answers(),
                    team=data.get("team", ""),
                    area=data.get("area", ""),
                    activity=data.get("activity"),
                ),
                source=Source.STAFF,
            )
        except ValidationError as error:
            add_domain_errors(form, error, field_for=field_for)
        else:
            messages.success(request, f"Answers of {data['participant']} saved.")
            if "another" in request.POST:
                return redirect("surveys:response_new", survey.id)
            return redirect("surveys:detail", survey.id)
    return render(request, "surveys/response_form.html", {"survey": survey, "form": form})


def _problem_row(problem) -> dict[str, str]:
    """A problem of the import as its row, its field and the message (`row 4, wave`)."""
    row, _, field = problem.place.partition(", ")
    return {"row": row.removeprefix("row "), "field": field, "message": problem.message}


@login_required
def response_import(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    services.require_editor(survey, request.actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    filename = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        filename = Path(upload.name).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "upload"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                saved = importing.import_file(
                    path, survey=survey, actor=request.actor, filename=filename
                )
            except InputError as error:
                problems = [_problem_row(p) for p in error.problems]
            except ValidationError as error:
                problems = [{"row": "", "field": "", "message": m} for m in error.messages]
            else:
                messages.success(request, f"{len(saved)} responses imported from {filename}.")
                return redirect("surveys:detail", survey.id)
    status = 400 if problems else 200
    return render(
        request,
        "surveys/import.html",
        {"survey": survey, "form": form, "problems": problems, "filename": filename,
         "keys": [q.key for q in survey.questions.all()]},
        status=status,
    )  # fmt: skip


@login_required
@require_POST
def to_evidence(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    form = EvidenceForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            evidence = services.record_as_evidence(
                survey=survey,
                actor=request.actor,
                activity=form.cleaned_data["activity"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "The survey's WELLBY value is recorded as evidence.")
            return redirect(reverse("evidence:detail", args=[evidence.id]))
    return render(
        request, "surveys/evidence_form.html", {"survey": survey, "form": form}, status=400
    )


@login_required
@require_POST
def survey_open(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = _survey(request, survey_id)
    services.set_open(survey=survey, actor=request.actor, open=request.POST.get("open") == "1")
    messages.success(
        request, "The public link takes answers." if survey.open else "The public link is closed."
    )
    return redirect("surveys:detail", survey.id)


# ---------------------------------------------------------------- the public link


def _public_survey(token: str) -> Survey:
    if len(token) > 64:
        raise Http404("No such survey.")
    return get_object_or_404(Survey.objects.select_related("organisation"), public_token=token)


def answer(request: HttpRequest, token: str, easy_read: bool = False) -> HttpResponse:
    """The public answering page: no sign-in, only this survey's questions and its organisation's name."""
    survey = _public_survey(token)
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions, easy_read=easy_read)
    if request.method == "POST" and not services.public_answer_allowed(survey, client_ip(request)):
        form.is_valid()
        form.add_error(None, "Too many answers from your network just now: try again later.")
        return render(
            request,
            "surveys/answer.html",
            {"survey": survey, "form": form, "easy_read": easy_read, "token": token},
            status=429,
        )
    if request.method == "POST" and survey.open and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_response(
                survey=survey,
                actor=None,
                data=services.ResponseData(
                    participant=data["participant"],
                    wave=data["wave"],
                    answered_on=services.today(),
                    answers=form.answers(),
                ),
                source=Source.PUBLIC,
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError):
                add_domain_errors(form, error, field_for=field_for)
            else:
                form.add_error(None, str(error))
        else:
            return redirect("surveys:answered", token=token)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/answer.html",
        {"survey": survey, "form": form, "easy_read": easy_read, "token": token},
        status=status,
    )


def answered(request: HttpRequest, token: str) -> HttpResponse:
    survey = _public_survey(token)
    return render(request, "surveys/answered.html", {"survey": survey, "token": token})
