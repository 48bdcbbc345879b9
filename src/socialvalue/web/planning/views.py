"""Pages for the business plan: objectives, and the activities that deliver them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from socialvalue.web.accounts.models import Role
from socialvalue.web.downloads import document_download
from socialvalue.web.tenancy import get_visible_or_404, require_role

from . import services
from .forms import ActivityFilterForm, ActivityForm, ObjectiveForm
from .models import Activity, Objective

PAGE_SIZE = 50


def _organisation(request: HttpRequest, role: str = Role.VIEWER):
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    request.actor.require(request.organisation.id, role)
    return request.organisation


def _can_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


# ---------------------------------------------------------------- objectives


@login_required
def objective_list(request: HttpRequest) -> HttpResponse:
    _organisation(request)
    context = {
        "objectives": services.find_objectives(request.actor),
        "can_edit": _can_edit(request),
    }
    return render(request, "planning/objective_list.html", context)


@login_required
def objective_detail(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_visible_or_404(Objective, request.actor, pk=objective_id)
    context = {
        "objective": objective,
        "activities": objective.activities.select_related("lead").order_by("name"),
        "evidence": services.evidence_summary(objective),
        "can_edit": _can_edit(request),
    }
    return render(request, "planning/objective_detail.html", context)


def _edit_objective(request: HttpRequest, objective: Objective) -> HttpResponse:
    form = ObjectiveForm(request.POST if request.method == "POST" else None, instance=objective)
    if request.method == "POST" and form.is_valid():
        creating = objective.pk is None
        objective = services.save(form)
        messages.success(request, f"{'Added' if creating else 'Saved'} the objective {objective}.")
        return redirect("planning:objective", objective_id=objective.pk)
    return render(request, "planning/objective_form.html", {"form": form, "objective": objective})


@login_required
def objective_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request, Role.EDITOR)
    position = services.objective_choices(organisation).count() + 1
    return _edit_objective(request, Objective(organisation=organisation, position=position))


@login_required
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_visible_or_404(Objective, request.actor, pk=objective_id)
    require_role(request.actor, objective, Role.EDITOR)
    return _edit_objective(request, objective)


@login_required
def objective_delete(request: HttpRequest, objective_id: int) -> HttpResponse:
    objective = get_visible_or_404(Objective, request.actor, pk=objective_id)
    require_role(request.actor, objective, Role.EDITOR)
    return _delete(
        request,
        objective,
        kind="objective",
        done="planning:objectives",
        back=reverse("planning:objective", args=[objective.pk]),
        consequence=f"{objective.activities.count()} activities will no longer be linked to it; "
        "they are not deleted.",
    )


def _delete(request: HttpRequest, thing, *, kind: str, done: str, back: str, consequence: str):
    error = ""
    if request.method == "POST":
        try:
            services.delete(thing)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Deleted the {kind} {thing}.")
            return redirect(done)
    context = {
        "thing": thing,
        "kind": kind,
        "back": back,
        "consequence": consequence,
        "error": error,
    }
    return render(request, "planning/confirm_delete.html", context)


# ---------------------------------------------------------------- activities


def _filtered_activities(request: HttpRequest):
    organisation = _organisation(request)
    form = ActivityFilterForm(request.GET or None, organisation=organisation)
    filters = form.cleaned_data if form.is_valid() else {}
    activities = services.find_activities(
        request.actor,
        text=filters.get("q") or "",
        team=filters.get("team") or "",
        area=filters.get("area") or "",
        objective=filters.get("objective"),
    ).prefetch_related("objectives", "measures")
    return form, filters, activities


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form, filters, activities = _filtered_activities(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "filtered": any(filters.values()) if filters else False,
        "can_edit": _can_edit(request),
    }
    return render(request, "planning/activity_list.html", context)


@login_required
def activity_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The activities listed (with the same filters) as an Excel workbook or a CSV file."""
    if file_format not in ("xlsx", "csv"):
        raise Http404("Activities download as xlsx or csv.")
    _, _, activities = _filtered_activities(request)
    document = services.activities_document(request.organisation, activities)
    return document_download(request, document, file_format)


@login_required
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_visible_or_404(Activity, request.actor, pk=activity_id)
    context = {
        "activity": activity,
        "objectives": activity.objectives.all(),
        "measures": activity.measures.select_related("value_set", "theme"),
        "evidence": services.evidence_summary(activity),
        "can_edit": _can_edit(request),
    }
    return render(request, "planning/activity_detail.html", context)


def _edit_activity(request: HttpRequest, activity: Activity, initial=None) -> HttpResponse:
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        instance=activity,
        initial=initial,
        organisation=activity.organisation,
    )
    if request.method == "POST" and form.is_valid():
        creating = activity.pk is None
        activity = services.save(form)
        messages.success(request, f"{'Added' if creating else 'Saved'} the activity {activity}.")
        return redirect("planning:activity", activity_id=activity.pk)
    return render(request, "planning/activity_form.html", {"form": form, "activity": activity})


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request, Role.EDITOR)
    # "Add an activity" on an objective's page starts with that objective ticked.
    objective = request.GET.get("objective", "")
    initial = {"objectives": [int(objective)]} if objective.isdigit() else None
    return _edit_activity(request, Activity(organisation=organisation), initial)


@login_required
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_visible_or_404(Activity, request.actor, pk=activity_id)
    require_role(request.actor, activity, Role.EDITOR)
    return _edit_activity(request, activity)


@login_required
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_visible_or_404(Activity, request.actor, pk=activity_id)
    require_role(request.actor, activity, Role.EDITOR)
    return _delete(
        request,
        activity,
        kind="activity",
        done="planning:activities",
        back=reverse("planning:activity", args=[activity.pk]),
        consequence="Its links to objectives and measures go with it.",
    )
