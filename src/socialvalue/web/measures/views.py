"""Pages for browsing and searching measures, value sets with their licences, and importing a set."""

from __future__ import annotations

import re
import tempfile
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from socialvalue.core.errors import InputError
from socialvalue.web.accounts.models import Role
from socialvalue.web.files import staging, storage
from socialvalue.web.forms import upload_problems
from socialvalue.web.tenancy import get_visible_or_404

from . import services
from .forms import ConfirmImportForm, ImportForm, SearchForm
from .models import Measure, SdgGoal, ValueSet

PAGE_SIZE = 50
PENDING_KEY = "measures_pending_import"
_PLACE = re.compile(r"^row (\d+)(?:, (\w+))?")


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


#: What a row of search results shows: a measure's descriptions, notes and search text stay in
#: the database, so sorting the matches for a page carries only these.
RESULT_FIELDS = (
    "code",
    "title",
    "unit",
    "value_type",
    "proxy_value",
    "price_year",
    "licence",
    "confidence",
    "value_set__name",
    "value_set__version",
    "value_set__licence",
    "theme__name",
)


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    form = SearchForm(
        request.GET or None,
        # The dropdowns need only names: not each set's organisation, nor each goal's targets.
        value_sets=services.visible_sets(actor).select_related(None).only("name", "version"),
        themes=services.theme_names(actor),
        goals=SdgGoal.objects.only("number", "short_name").order_by("number"),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    measures = services.search_measures(
        actor,
        text=filters.get("q") or "",
        value_set=filters.get("set"),
        theme=filters.get("theme") or "",
        sdg=filters.get("sdg") or "",
        value_type=filters.get("value_type") or "",
    ).only(*RESULT_FIELDS)
    context = {
        "form": form,
        "page": _page(request, measures),
        "query": _query_without_page(request),
        "searched": any(filters.values()) if filters else False,
    }
    return render(request, "measures/measure_list.html", context)


@login_required
def measure_detail(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = get_visible_or_404(Measure, request.actor, pk=measure_id)
    context = {
        "measure": measure,
        "value_set": measure.value_set,
        "targets": measure.sdg_targets.select_related("goal"),
        "uplifted": services.proxy_in_latest_prices(measure),
        "used_in": services.where_used(measure, request.actor),
        "overlaps": services.overlaps_of_measure(measure),
    }
    return render(request, "measures/measure_detail.html", context)


@login_required
def value_set_list(request: HttpRequest) -> HttpResponse:
    sets = services.visible_sets(request.actor)
    can_import = request.membership is not None and request.membership.allows(Role.EDITOR)
    return render(
        request, "measures/value_set_list.html", {"value_sets": sets, "can_import": can_import}
    )


@login_required
def value_set_detail(request: HttpRequest, value_set_id: int) -> HttpResponse:
    value_set = get_visible_or_404(ValueSet, request.actor, pk=value_set_id)
    measures = value_set.measures.select_related("theme").order_by("position", "code")
    return render(
        request,
        "measures/value_set_detail.html",
        {"value_set": value_set, "page": _page(request, measures), "query": ""},
    )


@login_required
def value_set_download(request: HttpRequest, value_set_id: int, file_format: str) -> HttpResponse:
    value_set = get_visible_or_404(ValueSet, request.actor, pk=value_set_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such format.")
    filename = (
        re.sub(r"[^A-Za-z0-9._-]+", "-", f"{value_set.name}-{value_set.version}").strip("-")
        + f".{file_format}"
    )
    handle = tempfile.NamedTemporaryFile(
        suffix=f".{file_format}"
    )  # removed when the response closes it
    services.export_value_set(value_set, handle.name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)


def _problem_rows(error: InputError) -> list[dict[str, str]]:
    rows = []
    for problem in error.problems:
        match = _PLACE.match(problem.place)
        rows.append(
            {
                "row": match.group(1) if match else "",
                "column": (match.group(2) or "") if match else problem.place,
                "message": problem.message,
            }
        )
    return rows


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _import_fields(form: ImportForm, request: HttpRequest) -> dict:
    data = form.cleaned_data
    site_wide = bool(data.get("site_wide"))
    return {
        "name": data["name"].strip(),
        "version": data["version"].strip(),
        "publisher": data.get("publisher") or "",
        "licence": data["licence"].strip(),
        "source": data.get("source") or "",
        "price_year": data.get("price_year"),
        "replace": bool(data.get("replace")),
        "site_wide": site_wide,
    }


def _owner(request: HttpRequest, fields: dict):
    return None if fields["site_wide"] else request.organisation


@login_required
def value_set_import(request: HttpRequest) -> HttpResponse:
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    request.actor.require(request.organisation.id, Role.EDITOR)
    form = ImportForm(
        request.POST or None, request.FILES or None, allow_site_wide=request.user.is_staff
    )
    context = {"form": form, "organisation": request.organisation}
    if request.method == "POST" and form.is_valid():
        fields = _import_fields(form, request)
        upload = form.cleaned_data["file"]
        try:
            services.check_import(
                organisation=_owner(request, fields),
                imported_by=request.user,
                **{k: fields[k] for k in ("name", "version", "licence", "site_wide", "replace")},
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return render(request, "measures/import.html", context)
        token, name = services.keep_upload(user=request.user, upload=upload)
        suffix = PurePosixPath(name).suffix
        try:
            # Read back from storage: the confirmation, on any server, saves this very copy.
            with storage.local_copy(name, suffix=suffix) as path:
                file = services.read_file(path, price_year=fields["price_year"])
        except InputError as exc:
            staging.discard(name)
            problems = _problem_rows(exc)
            bad_rows = len({p["row"] for p in problems if p["row"]})
            summary = upload_problems(upload.name, len(problems), bad_rows)
            form.add_error(
                "file",
                summary + ". Nothing has been imported: correct the file and upload it again.",
            )
            context["problems"] = problems
            return render(request, "measures/import.html", context)
        request.session[PENDING_KEY] = {
            "token": token,
            "suffix": suffix,
            "filename": upload.name,
            **fields,
        }
        context.update(
            {
                "summary": services.summarise(file),
                "pending": request.session[PENDING_KEY],
                "confirm_form": ConfirmImportForm(initial={"token": token}),
            }
        )
        return render(request, "measures/import_check.html", context)
    return render(request, "measures/import.html", context)


@login_required
@require_POST
def value_set_import_confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmImportForm(request.POST)
    pending = request.session.get(PENDING_KEY) or {}
    if (
        not form.is_valid()
        or pending.get("token") != form.cleaned_data["token"]
        or request.organisation is None
    ):
        raise Http404("That import has expired: upload the file again.")
    request.actor.require(request.organisation.id, Role.EDITOR)
    name = services.kept_upload(user=request.user, token=pending["token"], suffix=pending["suffix"])
    if name is None:
        raise Http404("That import has expired: upload the file again.")
    if "cancel" in request.POST:
        staging.discard(name)
        request.session.pop(PENDING_KEY, None)
        messages.success(request, "Import cancelled: nothing was saved.")
        return redirect("measures:import")
    try:
        with storage.local_copy(name, suffix=pending["suffix"]) as path:
            value_set = services.import_value_set(
                path=path,
                original_filename=pending["filename"],
                organisation=_owner(request, pending),
                imported_by=request.user,
                **{
                    k: pending[k]
                    for k in (
                        "name",
                        "version",
                        "publisher",
                        "licence",
                        "source",
                        "price_year",
                        "replace",
                        "site_wide",
                    )
                },
            )
    except (ValidationError, InputError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return redirect("measures:import")
    finally:
        staging.discard(name)
    request.session.pop(PENDING_KEY, None)
    messages.success(request, f"Imported {value_set}: {value_set.measures.count()} measures.")
    return redirect("measures:value_set", value_set_id=value_set.pk)
