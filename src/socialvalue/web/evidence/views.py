"""Pages for evidence: the filtered list with totals, recording and editing, verification, files, import and export."""

from __future__ import annotations

import re
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from socialvalue.core.errors import InputError
from socialvalue.web.accounts.models import Role
from socialvalue.web.audit.models import AuditEvent
from socialvalue.web.downloads import notes_wanted
from socialvalue.web.errors import FourEyes
from socialvalue.web.files import staging, storage
from socialvalue.web.files.serving import attachment
from socialvalue.web.forms import add_domain_errors, upload_problems
from socialvalue.web.planning.models import Activity
from socialvalue.web.prices import bad_price_year, requested_price_year
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import exports, importing, services
from .forms import (
    AttachForm,
    ConfirmImportForm,
    DecisionForm,
    EvidenceForm,
    EvidenceMessageForm,
    FilterForm,
    ImportForm,
    RejectForm,
)
from .models import Evidence

PAGE_SIZE = 25
PENDING_KEY = "evidence_pending_import"
_PLACE = re.compile(r"^row (\d+)(?:, (.+))?$")


def _organisation(request: HttpRequest):
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    return request.organisation


def _require_editor(request: HttpRequest):
    return request.actor.require(_organisation(request).id, Role.EDITOR)


def _may_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


def _evidence(request: HttpRequest, evidence_id: int) -> Evidence:
    return get_visible_or_404(Evidence, request.actor, pk=evidence_id)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _last_month() -> tuple:
    first_of_this = timezone.localdate().replace(day=1)
    last_day = first_of_this - timezone.timedelta(days=1)
    return last_day.replace(day=1), last_day


# ---------------------------------------------------------------- the list and export


@login_required
def evidence_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    try:
        price_year = requested_price_year(request, organisation)
    except InputError as error:
        return bad_price_year(request, error)
    form = FilterForm(request.GET or None, actor=request.actor)
    filters = form.filters()
    records = services.search_evidence(request.actor, filters)
    summary = services.totals(records, price_year, filtered=filters.any)
    paginator = Paginator(records, PAGE_SIZE)
    # Counted already with the totals: spare the list a second count.
    paginator.count = summary.records
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = services.page_of(records, (page.number - 1) * PAGE_SIZE, PAGE_SIZE)
    for record in page.object_list:
        record.shown_value = services.value_of(record, price_year)
    context = {
        "organisation": organisation,
        "form": form,
        "filtered": filters.any,
        "page": page,
        "query": _query_without_page(request),
        "totals": summary,
        "can_edit": _may_edit(request),
        "overlap_warnings": services.overlap_warnings(records),
    }
    return render(request, "evidence/evidence_list.html", context)


@login_required
def evidence_export(request: HttpRequest, file_format: str) -> HttpResponse:
    organisation = _organisation(request)
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such format.")
    filters = FilterForm(request.GET or None, actor=request.actor).filters()
    records = exports.for_export(services.search_evidence(request.actor, filters))
    stem = f"evidence-{organisation.slug}-{timezone.localdate():%Y-%m-%d}"
    notes = exports.notes(records)
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(
                records.iterator(chunk_size=2000), notes if notes_wanted(request) else ()
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes it
    exports.write_xlsx(records.iterator(chunk_size=2000), handle.name, notes)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{stem}.xlsx")


# ---------------------------------------------------------------- one record


def _detail_context(request: HttpRequest, evidence: Evidence, **forms) -> dict:
    price_year = requested_price_year(request, _organisation(request))
    history = visible(AuditEvent, request.actor).filter(
        object_type=Evidence._meta.label, object_id=str(evidence.pk)
    )[:20]
    return {
        "evidence": evidence,
        "trail": services.trail(evidence),
        "price_year": price_year,
        "shown_value": services.value_of(evidence, price_year),
        "why_not_valued": None if evidence.is_valued else services.why_not_valued(evidence),
        "overlap_warnings": services.overlap_warnings_for(evidence),
        "files": evidence.files.all(),
        "can_edit": _may_edit(request),
        "may_delete": services.deletion_refusal(request.membership, evidence) is None,
        "verification_refusal": services.verification_refusal(request.membership, evidence),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "attach_form": forms.get("attach_form") or AttachForm(),
        # The form whose errors the error summary lists, when a decision or an upload failed.
        "form": forms.get("form") or forms.get("reject_form") or forms.get("attach_form"),
        "history": history,
        "thread": services.evidence_messages(evidence, request.actor),
        "message_form": EvidenceMessageForm(),
        "may_write": _may_write(request, evidence),
    }


@login_required
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    try:
        context = _detail_context(request, evidence)
    except InputError as error:
        return bad_price_year(request, error)
    return render(request, "evidence/evidence_detail.html", context)


def _form_fields(form: EvidenceForm) -> dict:
    data = form.cleaned_data
    return {
        "measure": data["measure"],
        "activity": data["activity"],
        "contract": data.get("contract"),
        "quantity": data["quantity"],
        "period_start": data["period_start"],
        "period_end": data["period_end"],
        "note": data.get("note") or "",
    }


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def evidence_record(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    _require_editor(request)
    start, end = _last_month()
    form = EvidenceForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        actor=request.actor,
        with_files=True,
        initial={"period_start": start, "period_end": end, **request.GET.dict()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            evidence = services.record_evidence(
                organisation=organisation, recorded_by=request.user, **_form_fields(form)
            )
            services.attach_files(
                evidence, form.cleaned_data.get("files") or [], uploaded_by=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Evidence recorded: {evidence}.")
            if "another" in request.POST:
                return redirect(
                    f"{request.path}?activity={evidence.activity_id}&measure={evidence.measure_id}"
                )
            return redirect("evidence:detail", evidence_id=evidence.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {"form": form, "organisation": organisation, "evidence": None},
    )


@login_required
def evidence_edit(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    _require_editor(request)
    initial = {
        "activity": evidence.activity_id,
        "measure": evidence.measure_id,
        "contract": evidence.contract_id,
        "quantity": f"{evidence.quantity.normalize():f}",
        "period_start": evidence.period_start,
        "period_end": evidence.period_end,
        "note": evidence.note,
    }
    form = EvidenceForm(
        request.POST or None,
        organisation=evidence.organisation,
        actor=request.actor,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        was_settled = evidence.is_settled
        try:
            services.update_evidence(evidence, by=request.user, **_form_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            message = "Evidence updated."
            if was_settled and not evidence.is_settled:
                message += " What it claims changed, so it needs verifying again."
            messages.success(request, message)
            return redirect("evidence:detail", evidence_id=evidence.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {"form": form, "organisation": evidence.organisation, "evidence": evidence},
    )


@login_required
@require_POST
def evidence_verification(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    decision = request.POST.get("decision")
    if decision not in ("verify", "reject", "reopen"):
        raise Http404("No such decision.")
    form = RejectForm(request.POST if decision == "reject" else None)
    try:
        if decision == "verify":
            services.verify(evidence, membership=request.membership)
            done = "Evidence verified."
        elif decision == "reopen":
            services.reopen(evidence, membership=request.membership)
            done = "The decision was withdrawn: the evidence needs checking again."
        else:
            # The domain refuses who asks before it reads the reason, so the recorder hears that.
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.reject(evidence, membership=request.membership, reason=reason)
            done = "Evidence rejected: the reason is shown on the record."
    except FourEyes as refusal:
        refused = DecisionForm({})
        refused.is_valid()
        add_domain_errors(refused, refusal)
        context = _detail_context(request, evidence, form=refused)
        return render(request, "evidence/evidence_detail.html", context, status=403)
    except ValidationError as exc:
        if form.is_valid():
            add_domain_errors(form, exc, lambda key: "reason" if key == "rejection_reason" else key)
        context = _detail_context(request, evidence, reject_form=form)
        return render(request, "evidence/evidence_detail.html", context, status=400)
    messages.success(request, done)
    return redirect("evidence:detail", evidence_id=evidence.pk)


@login_required
def evidence_delete(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    refusal = services.deletion_refusal(request.membership, evidence)
    if refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        label = str(evidence)
        services.delete_evidence(evidence, membership=request.membership)
        messages.success(request, f"Deleted: {label}.")
        return redirect("evidence:list")
    return render(request, "evidence/delete.html", {"evidence": evidence})


# ---------------------------------------------------------------- files


@login_required
@require_POST
def evidence_attach(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    _require_editor(request)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        stored = services.attach_files(
            evidence, form.cleaned_data["files"], uploaded_by=request.user
        )
        names = ", ".join(f.original_name for f in stored)
        messages.success(request, f"Added {names}.")
        return redirect("evidence:detail", evidence_id=evidence.pk)
    context = _detail_context(request, evidence, attach_form=form)
    return render(request, "evidence/evidence_detail.html", context, status=400)


@login_required
def evidence_file(request: HttpRequest, evidence_id: int, file_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    return attachment(get_object_or_404(evidence.files, pk=file_id))


@login_required
@require_POST
def evidence_file_remove(request: HttpRequest, evidence_id: int, file_id: int) -> HttpResponse:
    evidence = _evidence(request, evidence_id)
    stored = get_object_or_404(evidence.files, pk=file_id)
    _require_editor(request)
    services.remove_file(stored)
    messages.success(request, f"Removed {stored.original_name}.")
    return redirect("evidence:detail", evidence_id=evidence.pk)


# ---------------------------------------------------------------- import


def _problem_rows(error: InputError) -> list[dict[str, str]]:
    rows = []
    for problem in error.problems[: importing.MAX_PROBLEMS_SHOWN]:
        match = _PLACE.match(problem.place)
        rows.append(
            {
                "row": match.group(1) if match else "",
                "column": (match.group(2) or "") if match else problem.place,
                "message": problem.message,
            }
        )
    return rows


@login_required
def evidence_import(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    _require_editor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "organisation": organisation, "columns": importing.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = importing.keep_upload(user=request.user, upload=upload)
        name = importing.kept_upload(user=request.user, token=token)
        try:
            # Checked from the stored copy: the copy the confirmation will save is the one shown.
            with storage.local_copy(name) as path:
                plan = importing.check_file(
                    path, organisation=organisation, recorded_by=request.user, filename=upload.name
                )
        except InputError as exc:
            staging.discard(name)
            problems = _problem_rows(exc)
            bad_rows = len(
                {p.place.split(",")[0] for p in exc.problems if p.place.startswith("row")}
            )
            count = len(exc.problems)
            summary = upload_problems(upload.name, count, bad_rows)
            form.add_error(
                "file",
                summary + ". Nothing has been imported: correct the file and upload it again.",
            )
            context.update({"problems": problems, "unshown": max(0, count - len(problems))})
            return render(request, "evidence/import.html", context)
        request.session[PENDING_KEY] = {"token": token, "filename": upload.name}
        context.update(
            {
                "plan": plan,
                "filename": upload.name,
                "confirm_form": ConfirmImportForm(initial={"token": token}),
            }
        )
        return render(request, "evidence/import_check.html", context)
    return render(request, "evidence/import.html", context)


@login_required
@require_POST
def evidence_import_confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmImportForm(request.POST)
    pending = request.session.get(PENDING_KEY) or {}
    expired = "That import has expired: upload the file again."
    if not form.is_valid() or pending.get("token") != form.cleaned_data["token"]:
        raise Http404(expired)
    organisation = _organisation(request)
    _require_editor(request)
    name = importing.kept_upload(user=request.user, token=pending["token"])
    if name is None:
        raise Http404(expired)
    if "cancel" in request.POST:
        staging.discard(name)
        request.session.pop(PENDING_KEY, None)
        messages.success(request, "Import cancelled: nothing was saved.")
        return redirect("evidence:import")
    try:
        with storage.local_copy(name) as path:
            plan = importing.run_import(
                path,
                organisation=organisation,
                user=request.user,
                filename=pending["filename"],
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
    except importing.DuplicateImport as refusal:
        # The same content was imported before and the box was not ticked: the file keeps
        # waiting, and the check page says so next to the box.
        add_domain_errors(form, refusal)
        context = {
            "organisation": organisation,
            "plan": refusal.plan,
            "filename": pending["filename"],
            "confirm_form": form,
            "form": form,
        }
        return render(request, "evidence/import_check.html", context, status=409)
    except InputError as exc:
        # The records it names changed since the check (an activity renamed, say): check again.
        staging.discard(name)
        request.session.pop(PENDING_KEY, None)
        messages.error(request, f"Nothing was imported: {exc.problems[0]}. Upload the file again.")
        return redirect("evidence:import")
    staging.discard(name)
    request.session.pop(PENDING_KEY, None)
    count = len(plan.records)
    messages.success(
        request,
        f"Imported {count} {ngettext('evidence record', 'evidence records', count)} "
        f"from {pending['filename']}.",
    )
    return redirect("evidence:list")


@login_required
def evidence_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns an import reads and one example row from the organisation's own names."""
    organisation = _organisation(request)

    activity = visible(Activity, request.actor).first()
    start, end = _last_month()
    lines = exports.template_lines(
        activity_name=activity.name if activity else "Community lunch club",
        start=start,
        end=end,
    )
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-import-{organisation.slug}.csv"'
    )
    return response


def _may_write(request: HttpRequest, evidence: Evidence) -> bool:
    try:
        services.writing_side(request.actor, evidence, _current_id(request))
    except (PermissionDenied, Http404):
        return False
    return True


def _current_id(request: HttpRequest) -> int | None:
    return request.organisation.pk if request.organisation is not None else None


@login_required
def evidence_messages(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """The conversation on a record, for its organisation and its contract's council."""
    evidence = services.evidence_in_conversation(request.actor, evidence_id)
    form = EvidenceMessageForm()
    status = 200
    if request.method == "POST":
        form = EvidenceMessageForm(request.POST)
        if form.is_valid():
            try:
                services.post_evidence_message(
                    evidence=evidence,
                    actor=request.actor,
                    body=form.cleaned_data["body"],
                    organisation_id=_current_id(request),
                )
            except ValidationError as error:
                add_domain_errors(form, error)
            else:
                messages.success(request, "Your message has been sent.")
                return redirect(
                    reverse("evidence:messages", kwargs={"evidence_id": evidence.pk})
                    + "#conversation"
                )
        status = 400
    context = {
        "evidence": evidence,
        "own": evidence.organisation_id in request.actor.organisation_ids,
        "thread": services.evidence_messages(evidence, request.actor),
        "message_form": form,
        "form": form,
        "may_write": _may_write(request, evidence),
    }
    return render(request, "evidence/messages.html", context, status=status)
