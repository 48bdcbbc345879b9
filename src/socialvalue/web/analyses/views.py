"""Pages for SROI analyses: list, create or upload, edit the impact map's tables, results, versions and downloads.

The tables are plain forms that save the whole table; with htmx a change to a cell of a saved
row posts the same form and gets back the recalculated editor, so the ratio follows each edit.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from socialvalue.core.errors import InputError, Problem
from socialvalue.web.accounts.models import Role
from socialvalue.web.forms import upload_problems
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import get_visible_or_404, require_role, visible

from . import presentation, services
from .forms import (
    RANGE_LABELS,
    InputRows,
    OutcomeForm,
    OutcomeRow,
    OutcomeRows,
    SettingsForm,
    StakeholderRows,
    UploadForm,
)
from .models import Analysis

_PLACE = re.compile(r"^(stakeholders|inputs|outcomes)\[(\d+)\](?:\.(.*))?$")
#: Where an engine problem about an outcome belongs in the table's row.
_OUTCOME_TABLE_FIELD = {"proxy": "proxy_value", "proxy.value": "proxy_value", "id": "description"}
DOWNLOADS = {
    "impact-map.yaml": ("map", "yaml", "application/yaml"),
    "impact-map.json": ("map", "json", "application/json"),
    "impact-map.xlsx": ("map", "xlsx", None),
    "results.xlsx": ("results", "xlsx", None),
    "results.json": ("results", "json", "application/json"),
}


def _analysis(request: HttpRequest, analysis_id: int, role: str | None = None) -> Analysis:
    analysis = get_visible_or_404(Analysis, request.actor, pk=analysis_id)
    if role:
        require_role(request.actor, analysis, role)
    return analysis


def _can_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- list, create, upload -----------------------------------------------------------------------


@login_required
def analysis_list(request: HttpRequest) -> HttpResponse:
    analyses = (
        visible(Analysis, request.actor)
        .select_related("forecast")
        .only(
            "name",
            "kind",
            "period",
            "sroi_ratio",
            "updated_at",
            "forecast__name",
            "forecast__period",
        )
    )
    return render(
        request,
        "analyses/analysis_list.html",
        {"analyses": analyses, "can_edit": _can_edit(request)},
    )


def _require_editor(request: HttpRequest) -> None:
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    request.actor.require(request.organisation.id, Role.EDITOR)


def _settings_errors(form: SettingsForm, error: InputError) -> None:
    fields = {"discount.rate": "rate", "discount.convention": "convention", "currency": "currency"}
    for problem in error.problems:
        field = fields.get(problem.place, problem.place.split(".")[0])
        form.add_error(field if field in form.fields else None, problem.message)


@login_required
def analysis_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = SettingsForm(request.POST or None, creating=True, initial={"kind": "forecast"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            analysis = services.create_analysis(
                organisation=request.organisation,
                created_by=request.user,
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                period=data["period"],
                draws=data["draws"],
                seed=data["seed"],
                **form.map_settings(),
            )
        except InputError as exc:
            _settings_errors(form, exc)
        else:
            messages.success(request, f"Created {analysis.name}. Add its stakeholders first.")
            return redirect("analyses:map", analysis_id=analysis.pk)
    return render(request, "analyses/create.html", {"form": form})


@login_required
def analysis_upload(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            impact_map = services.read_uploaded_map(upload)
        except InputError as exc:
            problems = exc.problems
            count = len(problems)
            form.add_error(
                "file",
                upload_problems(upload.name, count)
                + ": correct the file and upload it again. Nothing has been saved.",
            )
        else:
            analysis = services.create_analysis(
                organisation=request.organisation,
                created_by=request.user,
                name=form.cleaned_data["name"] or impact_map.title,
                kind=form.cleaned_data["kind"],
                impact_map=impact_map,
            )
            messages.success(request, f"Uploaded {upload.name} as {analysis.name}.")
            return redirect("analyses:detail", analysis_id=analysis.pk)
    return render(
        request,
        "analyses/upload.html",
        {
            "form": form,
            "problems": problems,
            "zero_based": any("[" in p.place for p in problems),
        },
    )


# --- the results --------------------------------------------------------------------------------


@login_required
def analysis_detail(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, analysis_id)
    missing = services.missing_parts(analysis)
    try:
        result = services.calculate_analysis(analysis)
    except InputError as exc:
        # A map saved before a rule it now breaks (a price year outside the deflator series).
        result = None
        missing = [
            *missing,
            *(f"{p}." for p in exc.problems),
            "Change it in the impact map or its settings.",
        ]
    context = {
        "analysis": analysis,
        "can_edit": _can_edit(request),
        "missing": missing,
        "pair": services.version_pair(analysis),
        "overlap_warnings": services.overlap_warnings(analysis),
    }
    if result is not None:
        context.update(presentation.results(analysis, result))
    return render(request, "analyses/analysis_detail.html", context)


# --- the impact map's tables ----------------------------------------------------------------------


def _stakeholder_names(analysis: Analysis) -> list[str]:
    return [s["name"] for s in analysis.stakeholders]


def _formsets(analysis: Analysis, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    """The three tables' formsets, unbound from the saved map unless one is given bound."""
    bound = bound or {}
    names = _stakeholder_names(analysis)
    stakeholders = bound.get("stakeholders") or StakeholderRows(
        prefix="stakeholders",
        initial=[
            {"index": k, "original": s["name"], "name": s["name"], "involvement": s["involvement"]}
            for k, s in enumerate(analysis.stakeholders)
        ],
    )
    inputs = bound.get("inputs") or InputRows(
        prefix="inputs",
        form_kwargs={"stakeholders": names},
        initial=[presentation.input_initial(k, item) for k, item in enumerate(analysis.inputs)],
    )
    outcomes = bound.get("outcomes") or OutcomeRows(
        prefix="outcomes",
        form_kwargs={"stakeholders": names},
        initial=[OutcomeRow.initial_for(k, o) for k, o in enumerate(analysis.outcomes)],
    )
    return {"stakeholders": stakeholders, "inputs": inputs, "outcomes": outcomes}


def _editor_context(
    analysis: Analysis, request: HttpRequest, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    formsets = _formsets(analysis, bound)
    result = services.result_dict(analysis) if not bound else analysis.result
    present_values = [o["present_value"] for o in (result or {}).get("outcomes", [])]
    return {
        "analysis": analysis,
        "result": result,
        "missing": services.missing_parts(analysis),
        "formsets": formsets,
        "outcome_rows": presentation.outcome_rows(formsets["outcomes"], analysis, present_values),
        "can_edit": _can_edit(request),
    }


@login_required
def analysis_map(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, analysis_id, Role.EDITOR)
    return render(request, "analyses/map.html", _editor_context(analysis, request))


def _saved_rows(formset) -> list:
    """The forms to save, in order: every row but the removed ones and an untouched new row."""
    return [
        form
        for form in formset.forms
        if form.has_changed() or form.cleaned_data.get("index") is not None
        if not form.cleaned_data.get("DELETE")
    ]


def _row(form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}


def _attach(problems: list[Problem], table: str, rows: list) -> list[str]:
    """Put each problem next to its cell; return the messages that belong to no cell."""
    leftover = []
    for problem in problems:
        match = _PLACE.match(problem.place)
        if match and match.group(1) == table and int(match.group(2)) < len(rows):
            form = rows[int(match.group(2))]
            field = _table_field(table, match.group(3) or "")
            if field in form.fields:
                form.add_error(field, problem.message)
                continue
            form.add_error(None, f"{problem.place}: {problem.message}")
            continue
        leftover.append(problem.message if problem.place == table else str(problem))
    return leftover


def _table_field(table: str, place: str) -> str:
    if place.startswith("uncertainty."):
        name = place.split(".")[1]
        return "low" if table == "inputs" else name
    if table == "outcomes":
        return _OUTCOME_TABLE_FIELD.get(place, place.split(".")[0])
    return place.split(".")[0]


def _save_table(request: HttpRequest, analysis_id: int, table: str) -> HttpResponse:
    analysis = _analysis(request, analysis_id, Role.EDITOR)
    names = _stakeholder_names(analysis)
    if table == "stakeholders":
        formset = StakeholderRows(request.POST, prefix=table)
    else:
        kind = InputRows if table == "inputs" else OutcomeRows
        formset = kind(request.POST, prefix=table, form_kwargs={"stakeholders": names})
    saved = {"stakeholders": analysis.stakeholders, "inputs": analysis.inputs}.get(
        table, analysis.outcomes
    )
    if formset.is_bound and request.POST.get(f"{table}-INITIAL_FORMS") != str(len(saved)):
        # Rows are matched to the saved map by position: if someone else has added or removed
        # one since this page was drawn, saving would put values on the wrong rows.
        context = _editor_context(analysis, request) | {
            "conflict": f"Someone changed the {table} while you were editing, so your change "
            "was not saved. The table now shows what is saved: make your change again.",
        }
        if _is_htmx(request):  # htmx swaps only successful answers in
            return render(request, "analyses/_editor.html", context | {"oob": True})
        return render(request, "analyses/map.html", context, status=409)
    if formset.is_valid():
        rows = _saved_rows(formset)
        try:
            save = {
                "stakeholders": services.save_stakeholders,
                "inputs": services.save_inputs,
                "outcomes": services.save_outcomes,
            }[table]
            save(analysis, [_row(form) for form in rows])
        except InputError as exc:
            leftover = _attach(exc.problems, table, rows)
            formset.non_form_errors().extend(leftover)
        else:
            if not _is_htmx(request):
                messages.success(request, "Saved and recalculated.")
                return redirect(reverse("analyses:map", args=[analysis.pk]) + f"#{table}")
            analysis.refresh_from_db()
            return render(
                request, "analyses/_editor.html", _editor_context(analysis, request) | {"oob": True}
            )
    context = _editor_context(analysis, request, {table: formset})
    template = "analyses/_editor.html" if _is_htmx(request) else "analyses/map.html"
    return render(request, template, context | {"oob": _is_htmx(request), "invalid": table})


@login_required
@require_POST
def stakeholders_save(request: HttpRequest, analysis_id: int) -> HttpResponse:
    return _save_table(request, analysis_id, "stakeholders")


@login_required
@require_POST
def inputs_save(request: HttpRequest, analysis_id: int) -> HttpResponse:
    return _save_table(request, analysis_id, "inputs")


@login_required
@require_POST
def outcomes_save(request: HttpRequest, analysis_id: int) -> HttpResponse:
    return _save_table(request, analysis_id, "outcomes")


def _outcome_field(place: str) -> str:
    if place.startswith("uncertainty."):
        return f"{place.split('.')[1]}_low"
    if place.startswith("proxy"):
        return {"proxy": "proxy_value", "proxy.value": "proxy_value"}.get(
            place, place.replace(".", "_")
        )
    return place.split(".")[0]


@login_required
def outcome_edit(request: HttpRequest, analysis_id: int, index: int | None = None) -> HttpResponse:
    analysis = _analysis(request, analysis_id, Role.EDITOR)
    outcomes = analysis.outcomes
    if index is not None and index >= len(outcomes):
        raise Http404("No such outcome.")
    initial = OutcomeForm.initial_for(outcomes[index]) if index is not None else {"start": 1}
    if index is not None:
        initial["measure"] = (analysis.outcome_measures or {}).get(outcomes[index]["id"])
    form = OutcomeForm(
        request.POST or None,
        initial=initial,
        stakeholders=_stakeholder_names(analysis),
        measures=visible(Measure, request.actor),
    )
    if (
        request.method == "POST"
        and index is not None
        and request.POST.get("outcome") != outcomes[index]["id"]
    ):
        # The page named its outcome by position; another editor has since moved the rows.
        messages.error(
            request,
            "Someone changed the outcomes while you were editing, so nothing was saved: "
            "open the outcome again from the table.",
        )
        return redirect(reverse("analyses:map", args=[analysis.pk]) + "#outcomes")
    if request.method == "POST" and "remove" in request.POST and index is not None:
        services.remove_outcome(analysis, index)
        messages.success(request, f"Removed the outcome {outcomes[index].get('description')}.")
        return redirect(reverse("analyses:map", args=[analysis.pk]) + "#outcomes")
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_outcome(analysis, index, form.row())
        except InputError as exc:
            position = len(outcomes) if index is None else index
            for problem in exc.problems:
                match = _PLACE.match(problem.place)
                if match and match.group(1) == "outcomes" and int(match.group(2)) == position:
                    field = _outcome_field(match.group(3) or "")
                    form.add_error(field if field in form.fields else None, problem.message)
                else:
                    form.add_error(None, str(problem))
        else:
            position = len(saved.outcomes) - 1 if index is None else index
            services.set_outcome_measure(
                saved, saved.outcomes[position]["id"], form.cleaned_data.get("measure")
            )
            messages.success(request, "Saved and recalculated.")
            return redirect(reverse("analyses:map", args=[analysis.pk]) + "#outcomes")
    distributions = outcomes[index].get("uncertainty", {}) if index is not None else {}
    return render(
        request,
        "analyses/outcome_form.html",
        {
            "analysis": analysis,
            "form": form,
            "index": index,
            "outcome_id": outcomes[index]["id"] if index is not None else None,
            "ranges": [
                (name, label, form[f"{name}_low"], form[f"{name}_high"], distributions.get(name))
                for name, label in RANGE_LABELS.items()
            ],
        },
    )


# --- settings, versions, downloads, deleting ---------------------------------------------------


@login_required
def analysis_settings(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, analysis_id, Role.EDITOR)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(analysis))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_settings(
                analysis,
                name=data["name"].strip(),
                description=data["description"],
                period=data["period"],
                draws=data["draws"],
                seed=data["seed"] if data["seed"] is not None else analysis.seed,
                **form.map_settings(),
            )
        except InputError as exc:
            _settings_errors(form, exc)
        else:
            messages.success(request, "Settings saved and the analysis recalculated.")
            return redirect("analyses:detail", analysis_id=analysis.pk)
    return render(request, "analyses/settings.html", {"analysis": analysis, "form": form})


@login_required
@require_POST
def analysis_evaluate(request: HttpRequest, analysis_id: int) -> HttpResponse:
    forecast = _analysis(request, analysis_id, Role.EDITOR)
    if not forecast.is_forecast:
        raise Http404("Only a forecast has an evaluative version.")
    evaluation = services.start_evaluation(forecast, created_by=request.user)
    messages.success(
        request,
        "Started the evaluative version from the forecast's map: change the figures to what happened.",
    )
    return redirect("analyses:map", analysis_id=evaluation.pk)


@login_required
def analysis_compare(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, analysis_id)
    pair = services.version_pair(analysis)
    if pair is None:
        raise Http404("This analysis has no forecast and evaluative pair.")
    comparison = services.compare(*pair)
    tables = [
        ("Headline figures", comparison.headline),
        ("Present value by stakeholder", comparison.by_stakeholder),
        ("Present value by outcome", comparison.by_outcome),
    ]
    return render(
        request,
        "analyses/compare.html",
        {"analysis": analysis, "comparison": comparison, "tables": tables},
    )


@login_required
def analysis_download(request: HttpRequest, analysis_id: int, filename: str) -> HttpResponse:
    analysis = _analysis(request, analysis_id)
    if filename not in DOWNLOADS:
        raise Http404("No such download.")
    what, file_format, content_type = DOWNLOADS[filename]
    handle = tempfile.NamedTemporaryFile(
        suffix=f".{file_format}"
    )  # removed when the response closes
    export = services.export_map if what == "map" else services.export_results
    try:
        export(analysis, file_format, Path(handle.name))
    except InputError as exc:
        handle.close()
        messages.error(
            request, f"Cannot download {filename}: " + "; ".join(p.message for p in exc.problems)
        )
        return redirect("analyses:detail", analysis_id=analysis.pk)
    handle.seek(0)
    name = f"{slugify(analysis.name)[:60] or 'analysis'}-{analysis.get_kind_display().lower()}-{filename}"
    response = FileResponse(handle, as_attachment=True, filename=name)
    if content_type:
        response["Content-Type"] = content_type
    return response


@login_required
def analysis_delete(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = _analysis(request, analysis_id, Role.EDITOR)
    if request.method == "POST":
        name = str(analysis)
        analysis.delete()
        messages.success(request, f"Deleted {name}.")
        return redirect("analyses:list")
    return render(request, "analyses/delete.html", {"analysis": analysis})
