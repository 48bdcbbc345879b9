"""Pages for case studies: the good-practice library, writing and sharing a case study, its images and files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from socialvalue.web.accounts.models import Role
from socialvalue.web.downloads import document_download
from socialvalue.web.files.serving import attachment
from socialvalue.web.tenancy import get_visible_or_404

from . import services
from .document import case_study_document
from .forms import AttachForm, CaseStudyForm, LibraryForm
from .models import CaseStudy

PAGE_SIZE = 20


def _organisation(request: HttpRequest):
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    return request.organisation


def _require_editor(request: HttpRequest) -> None:
    request.actor.require(_organisation(request).id, Role.EDITOR)


def _may_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


def _case_study(request: HttpRequest, case_study_id: int) -> CaseStudy:
    return get_visible_or_404(CaseStudy, request.actor, pk=case_study_id)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    form = LibraryForm(request.GET or None, actor=request.actor)
    filters = form.filters()
    case_studies = services.search_case_studies(request.actor, filters).prefetch_related(
        "themes", "sdgs"
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "form": form,
        "filters": filters,
        "page": Paginator(case_studies, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "can_edit": _may_edit(request),
    }
    return render(request, "casestudies/library.html", context)


def _detail_context(request: HttpRequest, case_study: CaseStudy, attach_form=None) -> dict:
    files = list(case_study.files.all())
    return {
        "case_study": case_study,
        "story": services.story_html(case_study.story),
        "images": [f for f in files if f.is_image],
        "documents": [f for f in files if not f.is_image],
        "can_edit": _may_edit(request),
        "attach_form": attach_form or AttachForm(),
        "form": attach_form,
    }


@login_required
def case_study_detail(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    return render(request, "casestudies/detail.html", _detail_context(request, case_study))


def _initial(case_study: CaseStudy) -> dict:
    initial = {name: getattr(case_study, name) for name in services.TEXT_FIELDS}
    initial.update(
        themes=list(case_study.themes.values_list("pk", flat=True)),
        outcomes=list(case_study.outcomes.values_list("pk", flat=True)),
        sdgs=list(case_study.sdgs.values_list("pk", flat=True)),
    )
    return initial


def _edit(request: HttpRequest, case_study: CaseStudy) -> HttpResponse:
    creating = case_study.pk is None
    form = CaseStudyForm(
        request.POST or None,
        request.FILES or None,
        actor=request.actor,
        with_files=creating,
        initial=None if creating else _initial(case_study),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_case_study(case_study, by=request.user, **form.case_study_fields())
            if creating:
                services.attach_files(
                    case_study,
                    form.cleaned_data.get("files") or [],
                    uploaded_by=request.user,
                    caption=form.cleaned_data.get("caption") or "",
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if creating:
                messages.success(request, f"Case study saved as a draft: {case_study.title}.")
            else:
                messages.success(request, "Case study updated.")
            return redirect("casestudies:detail", case_study_id=case_study.pk)
    return render(
        request,
        "casestudies/form.html",
        {"form": form, "case_study": None if creating else case_study},
    )


@login_required
def case_study_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    _require_editor(request)
    return _edit(request, CaseStudy(organisation=organisation))


@login_required
def case_study_edit(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    _require_editor(request)
    return _edit(request, case_study)


@login_required
@require_POST
def case_study_sharing(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    _require_editor(request)
    if request.POST.get("share") == "1":
        try:
            services.share(case_study, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Shared in the good-practice library.")
    else:
        services.unshare(case_study)
        messages.success(request, "Taken out of the library: it is a draft again.")
    return redirect("casestudies:detail", case_study_id=case_study.pk)


@login_required
def case_study_download(request: HttpRequest, case_study_id: int, file_format: str) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    if file_format not in ("docx", "pdf"):
        raise Http404("No such format.")
    return document_download(request, case_study_document(case_study), file_format)


@login_required
def case_study_delete(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    _require_editor(request)
    if request.method == "POST":
        title = case_study.title
        case_study.delete()
        messages.success(request, f"Deleted the case study {title}.")
        return redirect("casestudies:library")
    return render(request, "casestudies/delete.html", {"case_study": case_study})


@login_required
@require_POST
def case_study_attach(request: HttpRequest, case_study_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    _require_editor(request)
    form = AttachForm(request.POST, request.FILES)
    if form.is_valid():
        stored = services.attach_files(
            case_study,
            form.cleaned_data["files"],
            uploaded_by=request.user,
            caption=form.cleaned_data.get("caption") or "",
        )
        messages.success(request, "Added " + ", ".join(f.original_name for f in stored) + ".")
        return redirect("casestudies:detail", case_study_id=case_study.pk)
    context = _detail_context(request, case_study, attach_form=form)
    return render(request, "casestudies/detail.html", context, status=400)


@login_required
def case_study_file(request: HttpRequest, case_study_id: int, file_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    return attachment(get_object_or_404(case_study.files, pk=file_id))


@login_required
@require_POST
def case_study_file_remove(request: HttpRequest, case_study_id: int, file_id: int) -> HttpResponse:
    case_study = _case_study(request, case_study_id)
    stored = get_object_or_404(case_study.files, pk=file_id)
    _require_editor(request)
    stored.delete()
    messages.success(request, f"Removed {stored.original_name}.")
    return redirect("casestudies:detail", case_study_id=case_study.pk)
