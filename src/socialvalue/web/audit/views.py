"""The audit trail page and its CSV, for organisation admins: the current organisation's events."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.web.accounts.models import Role
from socialvalue.web.tenancy import visible

from .describe import changes_of, describe, people_for, with_people_named_in
from .forms import TrailFilterForm
from .models import AuditEvent

PER_PAGE = 25
#: Events the CSV names people for at a time (one query for each batch).
CSV_BATCH = 500
CSV_HEADERS = (
    "when",
    "person",
    "person_email",
    "action",
    "record_type",
    "record_id",
    "record",
    "description",
    "changes",
)


def _trail(request: HttpRequest) -> tuple[QuerySet, TrailFilterForm, dict[int, str]]:
    request.actor.require(request.organisation.id, Role.ADMIN)
    organisation_id = request.organisation.id
    events = visible(AuditEvent, request.actor).filter(organisation_id=organisation_id)
    actor_ids = events.order_by().values_list("actor_id", flat=True).distinct()
    people = people_for(actor_ids, organisation_id)
    form = TrailFilterForm(request.GET or None, events=events, people=people)
    return events, form, people


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    events, form, people = _trail(request)
    query = _query_without_page(request)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page": None, "entries": [], "query": query}
        return render(request, "audit/audit_trail.html", context, status=400)
    if form.is_bound:
        events = form.apply(events)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    named = with_people_named_in(shown, people)
    context = {
        "form": form,
        "page": page,
        "entries": [describe(event, named) for event in shown],
        "filtered": form.is_bound and form.any,
        "query": query,
    }
    return render(request, "audit/audit_trail.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent], people: dict[int, str]) -> Iterator[str]:
    """The trail line by line; every text cell is made safe against formula injection."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADERS)  # the BOM tells Excel the file is UTF-8
    rest = iter(events)
    while batch := list(islice(rest, CSV_BATCH)):
        named = with_people_named_in(batch, people)
        for event in batch:
            yield writer.writerow(_csv_row(event, named))


def _csv_row(event: AuditEvent, people: dict[int, str]) -> list[str]:
    told = describe(event, people, whole=True)
    deleted = event.action == AuditEvent.Action.DELETE
    changes = "; ".join(
        f"{c.label}: {c.before if deleted else c.after}"
        if told.values_only
        else f"{c.label}: {c.before} → {c.after}"
        for c in changes_of(event, people, whole=True)
    )
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        safe_text(told.who),
        safe_text(event.actor_email),
        event.get_action_display(),
        safe_text(told.type_label),
        safe_text(event.object_id),
        safe_text(event.object_repr),
        safe_text(told.sentence),
        safe_text(changes),
    ]


@login_required
def audit_trail_csv(request: HttpRequest) -> HttpResponse:
    events, form, people = _trail(request)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "audit/audit_trail.html",
            {"form": form, "page": None, "entries": [], "query": _query_without_page(request)},
            status=400,
        )
    if form.is_bound:
        events = form.apply(events)
    stem = f"audit-trail-{request.organisation.slug}-{timezone.localdate():%Y-%m-%d}"
    response = StreamingHttpResponse(
        csv_lines(events.iterator(chunk_size=2000), people), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
