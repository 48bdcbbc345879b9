"""Pages of the statement builder: the draft section by section, publishing, history, exports and the public link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from socialvalue.reports import FORMATS, html_fragment
from socialvalue.reports import render as render_report
from socialvalue.web.accounts.models import Role
from socialvalue.web.links import absolute_reverse
from socialvalue.web.tenancy import get_visible_or_404, require_role

from . import services
from .forms import CommitmentForm, NewStatementForm, PublishForm, SharingForm, section_form
from .models import Commitment, Statement, StatementVersion

#: The formats a statement downloads as.
EXPORT_FORMATS = ("docx", "pdf")


def _statement(request: HttpRequest, statement_id: int, role: str = Role.VIEWER) -> Statement:
    statement = get_visible_or_404(Statement, request.actor, pk=statement_id)
    if role != Role.VIEWER:
        require_role(request.actor, statement, role)
    return statement


def _can(request: HttpRequest, role: str) -> bool:
    return request.membership is not None and request.membership.allows(role)


def export_response(version: StatementVersion, fmt: str) -> HttpResponse:
    """The statement (a published version, or the draft) as a Word or PDF file to download."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Statements download as docx or pdf.")
    document = services.statement_document(version)
    response = HttpResponse(render_report(document, fmt), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{document.file_name(fmt)}"'
    return response


# ---------------------------------------------------------------- statements


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    rows = [
        {"statement": s, "latest": services.latest_version(s)}
        for s in services.statements_for(request.actor)
    ]
    context = {"rows": rows, "can_edit": _can(request, Role.EDITOR), "today": timezone.localdate()}
    return render(request, "statements/statement_list.html", context)


@login_required
def statement_new(request: HttpRequest) -> HttpResponse:
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    request.actor.require(request.organisation.id, Role.EDITOR)
    form = NewStatementForm(
        request.POST if request.method == "POST" else None,
        instance=Statement(organisation=request.organisation),
    )
    if request.method == "POST" and form.is_valid():
        statement = form.save()
        messages.success(request, f"Created {statement}. Work through the sections below.")
        return redirect("statements:detail", statement_id=statement.pk)
    return render(request, "statements/statement_new.html", {"form": form})


@login_required
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    latest = services.latest_version(statement)
    tasks = [
        {"section": section, "done": services.section_done(statement, section)}
        for section in services.SECTIONS
    ]
    context = {
        "statement": statement,
        "latest": latest,
        "tasks": tasks,
        "unpublished": services.has_unpublished_changes(statement),
        "can_edit": _can(request, Role.EDITOR),
        "can_share": _can(request, Role.ADMIN),
        "public_url": (
            absolute_reverse("statements:public", statement.public_token)
            if statement.is_shared
            else ""
        ),
        "today": timezone.localdate(),
    }
    return render(request, "statements/statement_detail.html", context)


@login_required
def section_edit(request: HttpRequest, statement_id: int, section: str) -> HttpResponse:
    statement = _statement(request, statement_id, Role.EDITOR)
    part = services.SECTION_BY_KEY.get(section)
    if part is None or not part.fields:
        raise Http404("No such section.")
    form = section_form(part, statement, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.instance.updated_at = timezone.now()
            form.save()
        messages.success(request, f"Saved {part.title.lower()}.")
        return redirect("statements:detail", statement_id=statement.pk)
    context = {
        "statement": statement,
        "part": part,
        "form": form,
        "champions": services.champions(statement.organisation)
        if part.key == "governance"
        else None,
    }
    return render(request, "statements/section_form.html", context)


@login_required
def statement_delete(request: HttpRequest, statement_id: int) -> HttpResponse:
    """Only a statement never published can be deleted: a published one is part of the record."""
    statement = _statement(request, statement_id, Role.EDITOR)
    if statement.versions.exists():
        raise Http404("A published statement cannot be deleted.")
    if request.method == "POST":
        statement.delete()
        messages.success(request, f"Deleted the draft {statement}.")
        return redirect("statements:list")
    return render(request, "statements/statement_delete.html", {"statement": statement})


# ---------------------------------------------------------------- commitments


@login_required
def commitment_list(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    commitments = statement.commitments.prefetch_related("measures", "themes", "sdg_goals")
    context = {
        "statement": statement,
        "commitments": commitments,
        "can_edit": _can(request, Role.EDITOR),
    }
    return render(request, "statements/commitment_list.html", context)


def _edit_commitment(request: HttpRequest, statement: Statement, commitment: Commitment):
    form = CommitmentForm(
        request.POST if request.method == "POST" else None,
        instance=commitment,
        organisation=statement.organisation,
    )
    if request.method == "POST" and form.is_valid():
        creating = commitment.pk is None
        with transaction.atomic():
            form.save()
            services.touch(statement)
        messages.success(request, f"{'Added' if creating else 'Saved'} the commitment.")
        return redirect("statements:commitments", statement_id=statement.pk)
    context = {"statement": statement, "commitment": commitment, "form": form}
    return render(request, "statements/commitment_form.html", context)


@login_required
def commitment_new(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id, Role.EDITOR)
    position = statement.commitments.count() + 1
    return _edit_commitment(request, statement, Commitment(statement=statement, position=position))


@login_required
def commitment_edit(request: HttpRequest, statement_id: int, commitment_id: int) -> HttpResponse:
    statement = _statement(request, statement_id, Role.EDITOR)
    commitment = get_visible_or_404(
        Commitment, request.actor, pk=commitment_id, statement=statement
    )
    return _edit_commitment(request, statement, commitment)


@login_required
def commitment_delete(request: HttpRequest, statement_id: int, commitment_id: int) -> HttpResponse:
    statement = _statement(request, statement_id, Role.EDITOR)
    commitment = get_visible_or_404(
        Commitment, request.actor, pk=commitment_id, statement=statement
    )
    if request.method == "POST":
        with transaction.atomic():
            commitment.delete()
            services.touch(statement)
        messages.success(request, f"Removed the commitment {commitment}.")
        return redirect("statements:commitments", statement_id=statement.pk)
    return render(
        request,
        "statements/commitment_delete.html",
        {"statement": statement, "commitment": commitment},
    )


# ---------------------------------------------------------------- preview, publishing, history


@login_required
def preview(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    version = services.draft_version(statement)
    context = {
        "statement": statement,
        "version": version,
        "report": html_fragment(services.statement_document(version)),
        "missing": services.missing_sections(statement),
    }
    return render(request, "statements/preview.html", context)


@login_required
def draft_download(request: HttpRequest, statement_id: int, file_format: str) -> HttpResponse:
    statement = _statement(request, statement_id)
    return export_response(services.draft_version(statement), file_format)


@login_required
def publish(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id, Role.EDITOR)
    latest = services.latest_version(statement)
    draft = services.snapshot(statement)
    pending = services.changes(latest.content if latest else None, draft)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish(statement, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as refusal:
            messages.error(
                request,
                "This statement cannot be published yet:\n"
                + "\n".join(f"• {reason}" for reason in refusal.messages),
            )
            return redirect("statements:detail", statement_id=statement.pk)
        messages.success(request, f"Published version {version.number} of {statement}.")
        return redirect("statements:version", statement_id=statement.pk, number=version.number)
    context = {
        "statement": statement,
        "latest": latest,
        "changes": pending,
        "unchanged": latest is not None and latest.content == draft,
        "refusals": services.publish_refusals(statement, draft),
        "missing": services.missing_sections(statement),
        "form": form,
    }
    return render(request, "statements/publish.html", context)


@login_required
def history(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id)
    return render(
        request,
        "statements/history.html",
        {"statement": statement, "history": services.history(statement)},
    )


def _version(request: HttpRequest, statement_id: int, number: int) -> StatementVersion:
    statement = _statement(request, statement_id)
    return get_visible_or_404(StatementVersion, request.actor, statement=statement, number=number)


@login_required
def version_detail(request: HttpRequest, statement_id: int, number: int) -> HttpResponse:
    version = _version(request, statement_id, number)
    latest = services.latest_version(version.statement)
    context = {
        "statement": version.statement,
        "version": version,
        "is_latest": latest is not None and latest.pk == version.pk,
        "report": html_fragment(services.statement_document(version)),
    }
    return render(request, "statements/version.html", context)


@login_required
def version_download(
    request: HttpRequest, statement_id: int, number: int, file_format: str
) -> HttpResponse:
    return export_response(_version(request, statement_id, number), file_format)


# ---------------------------------------------------------------- the public link


@login_required
@require_POST
def sharing(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = _statement(request, statement_id, Role.ADMIN)
    form = SharingForm(request.POST)
    shared = form.is_valid() and form.cleaned_data["shared"]
    services.set_sharing(statement, shared=shared)
    if shared:
        messages.success(
            request, "Anyone with the public link can now read the published statement."
        )
    else:
        messages.success(
            request, "The public link is switched off: it no longer opens the statement."
        )
    return redirect("statements:detail", statement_id=statement.pk)


def _public_version(token: str) -> StatementVersion:
    statement = Statement.objects.filter(public_token=token).exclude(public_token=None).first()
    version = services.latest_version(statement) if statement is not None else None
    if version is None:
        raise Http404("This link does not open a statement.")
    return version


def public_statement(request: HttpRequest, token: str) -> HttpResponse:
    """The latest published version for anyone with the link; the draft is never shown here."""
    version = _public_version(token)
    context = {
        "version": version,
        "token": token,
        "report": html_fragment(services.statement_document(version)),
    }
    return render(request, "statements/public.html", context)


def public_download(request: HttpRequest, token: str, file_format: str) -> HttpResponse:
    return export_response(_public_version(token), file_format)
