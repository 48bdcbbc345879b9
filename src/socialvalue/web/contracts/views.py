"""Pages for contracts and their RAG status, commitments, the provider's returns, verification and the portfolio."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from socialvalue.core.delivery import RAG_RULE, STATUS_RULE, Rag
from socialvalue.core.errors import InputError
from socialvalue.core.periods import financial_year_label
from socialvalue.reports import charts
from socialvalue.reports.to_html import chart_html
from socialvalue.web.accounts.models import Role
from socialvalue.web.commissioning.models import Priority
from socialvalue.web.downloads import document_download
from socialvalue.web.errors import Conflict, FourEyes
from socialvalue.web.files.serving import attachment
from socialvalue.web.forms import add_domain_errors
from socialvalue.web.measures.models import Measure
from socialvalue.web.prices import bad_price_year, requested_price_year
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import portfolio, services
from .forms import (
    CommitmentForm,
    ContractForm,
    LineMessageForm,
    PortfolioForm,
    ResubmitLineForm,
    ReturnForm,
    VerificationForm,
)
from .models import Contract, LineReview, Return, ReturnLine

PAGE_SIZE = 50


def _organisation(request: HttpRequest):
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    return request.organisation


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    contracts = visible(Contract, request.actor).select_related("commissioner", "provider")
    commissioned = contracts.filter(commissioner=organisation).order_by("title", "pk")
    delivered = contracts.filter(provider=organisation).order_by("title", "pk")
    try:
        price_year = requested_price_year(request, organisation)
    except InputError as error:
        return bad_price_year(request, error)
    page = Paginator(commissioned if commissioned.exists() else delivered, PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = services.label_rag(page.object_list, price_year=price_year)
    counts = {key: sum(1 for c in rows if c.rag == key) for key in Rag.LABELS}
    membership = request.membership
    context = {
        "page": page,
        "contracts": rows,
        "is_commissioner": commissioned.exists() or organisation.is_commissioner,
        "rag_counts": [(Rag.LABELS[k], Rag.TAGS[k], n) for k, n in counts.items()],
        "rag_rule": RAG_RULE,
        "can_create": organisation.is_commissioner and membership.allows(Role.EDITOR),
        "price_year": price_year,
    }
    return render(request, "contracts/contract_list.html", context)


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    request.actor.require(organisation.pk, Role.EDITOR)
    form = ContractForm(request.POST or None, commissioner=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.enter_contract(
                actor=request.actor,
                commissioner=organisation,
                provider=data["provider"],
                provider_name=data["provider_name"],
                title=data["title"],
                reference=data["reference"],
                description=data["description"],
                value=data["value"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                reporting_frequency=data["reporting_frequency"],
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, f"Contract {contract.title} saved: now add its commitments.")
            return redirect("contracts:commitment_new", contract_id=contract.pk)
    return render(request, "contracts/contract_form.html", {"form": form})


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = get_visible_or_404(Contract, request.actor, pk=contract_id)
    try:
        price_year = requested_price_year(request, _organisation(request))
    except InputError as error:
        return bad_price_year(request, error)
    commitments = services.with_status(
        services.commitment_progress(
            contract.commitments.select_related("measure__theme", "priority").order_by(
                "position", "pk"
            )
        )
    )
    restated = services.restate_commitments(commitments, price_year)
    (labelled,) = services.label_rag([contract], price_year=price_year)
    context = {
        "contract": labelled,
        "commitments": commitments,
        "price_year": price_year,
        "restated": restated,
        "returns": contract.returns.annotate(
            queried=Count("lines", filter=Q(lines__verification=LineReview.QUERIED))
        ).order_by("period_index"),
        "status_rule": STATUS_RULE,
        "overlap_warnings": services.overlap_warnings(contract),
        "is_commissioner": services.is_commissioner(request.actor, contract),
        "is_provider": services.is_provider(request.actor, contract),
        "can_edit": services.is_commissioner(request.actor, contract)
        and request.actor.membership_for(contract.commissioner_id).allows(Role.EDITOR),
        "today": services.timezone.localdate(),
    }
    return render(request, "contracts/contract_detail.html", context)


@login_required
def commitment_new(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = get_visible_or_404(Contract, request.actor, pk=contract_id)
    services.require_commissioner(request.actor, contract)

    form = CommitmentForm(
        request.POST or None,
        measures=visible(Measure, request.actor)
        .select_related("value_set")
        .order_by("value_set__name", "title"),
        priorities=Priority.objects.filter(organisation=contract.commissioner),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_commitment(
                contract=contract,
                actor=request.actor,
                spec=services.CommitmentSpec(
                    measure=data["measure"],
                    target_quantity=data["target_quantity"],
                    proxy_value=data["proxy_value"],
                    proxy_source=data["proxy_source"],
                    price_year=data["price_year"],
                    unit=data["unit"],
                    description=data["description"],
                    priority=data["priority"],
                    profile=data["profile"],
                ),
            )
        except ValidationError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, "Commitment added.")
            if "another" in request.POST:
                return redirect("contracts:commitment_new", contract_id=contract.pk)
            return redirect("contracts:detail", contract_id=contract.pk)
    return render(request, "contracts/commitment_form.html", {"form": form, "contract": contract})


@login_required
@require_POST
def commitment_remove(request: HttpRequest, contract_id: int, commitment_id: int) -> HttpResponse:
    contract = get_visible_or_404(Contract, request.actor, pk=contract_id)
    commitment = get_object_or_404(contract.commitments, pk=commitment_id)
    try:
        services.remove_commitment(commitment=commitment, actor=request.actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Commitment removed: {commitment.title}.")
    return redirect("contracts:detail", contract_id=contract.pk)


def _return(request: HttpRequest, return_id: int) -> Return:
    period_return = get_visible_or_404(Return, request.actor, pk=return_id)
    return Return.objects.select_related("contract__commissioner", "contract__provider").get(
        pk=period_return.pk
    )


def _lines(period_return: Return):
    return (
        period_return.lines.select_related("commitment__measure", "verified_by")
        .prefetch_related("evidence__measure")
        .annotate(message_count=Count("messages"))
        .order_by("commitment__position", "commitment_id")
    )


def _provider_lines(period_return: Return):
    lines = _lines(period_return)
    if period_return.status == Return.Status.REVIEWED:
        return lines.filter(verification=LineReview.QUERIED)
    return lines.filter(verification__in=[LineReview.PENDING, LineReview.QUERIED])


@login_required
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    period_return = _return(request, return_id)
    contract = period_return.contract
    is_commissioner = services.is_commissioner(request.actor, contract)
    is_provider = services.is_provider(request.actor, contract)
    context = {
        "period_return": period_return,
        "contract": contract,
        "lines": _lines(period_return),
        "files": period_return.files.all(),
        "overlap_warnings": services.return_overlap_warnings(period_return),
        "is_commissioner": is_commissioner,
        "is_provider": is_provider,
        "can_report": is_provider
        and period_return.is_open_to_provider
        and period_return.period_start <= services.timezone.localdate(),
        "can_verify": is_commissioner and period_return.status == Return.Status.SUBMITTED,
    }
    if context["can_verify"]:
        context = {**context, **_verification_choices(request, period_return)}
        context["verify_form"] = VerificationForm(lines=context["decidable"])
    return render(request, "contracts/return_detail.html", context)


def _verification_choices(request: HttpRequest, period_return: Return) -> dict:
    """The pending lines this person may decide, and why not the rest (four eyes)."""
    pending = list(_lines(period_return).filter(verification=LineReview.PENDING))
    refused = services.verification_refusal(period_return, request.user)
    if refused:
        return {"verify_refusal": refused.message, "decidable": [], "not_yours": []}
    not_yours = []
    for line in pending:
        refusal = services.verification_refusal(period_return, request.user, [line])
        if refusal:
            not_yours.append((line, refusal.message))
    mine = {line.pk for line, _ in not_yours}
    return {
        "verify_refusal": "",
        "decidable": [line for line in pending if line.pk not in mine],
        "not_yours": not_yours,
    }


def _line_field(by_commitment: dict[int, int]):
    """Maps the domain's `quantity-<commitment id>` keys to the form's `quantity_<line id>`."""

    def field_for(key: str) -> str:
        kind, _, commitment_id = key.partition("-")
        line_id = by_commitment.get(int(commitment_id)) if commitment_id.isdigit() else None
        return f"{kind}_{line_id}" if line_id else key

    return field_for


@login_required
def return_report(request: HttpRequest, return_id: int) -> HttpResponse:
    """The provider fills in the return's lines; it is sent from the check page, never from here."""
    period_return = _return(request, return_id)
    services.require_provider(request.actor, period_return.contract)
    if request.method != "POST" and not period_return.is_open_to_provider:
        messages.error(
            request, "This return has been submitted and is waiting for the commissioner."
        )
        return redirect("contracts:return", return_id=period_return.pk)
    lines = list(_provider_lines(period_return))
    contract = period_return.contract
    form = ReturnForm(
        request.POST or None,
        request.FILES or None,
        lines=lines,
        offered={line.pk: services.offered_evidence(contract, line.commitment) for line in lines},
        initial={"narrative": period_return.narrative},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reports = [
            services.LineReport(
                commitment_id=line.commitment_id,
                quantity=data.get(f"quantity_{line.pk}"),
                note=data.get(f"note_{line.pk}") or "",
                response=data.get(f"response_{line.pk}") or "",
                evidence_ids=[record.pk for record in data[f"evidence_{line.pk}"]]
                if f"evidence_{line.pk}" in data
                else None,
            )
            for line in lines
        ]
        field_for = _line_field({line.commitment_id: line.pk for line in lines})
        try:
            # Saved as a draft either way: only the check page submits.
            services.submit_return(
                period_return=period_return,
                actor=request.actor,
                narrative=data["narrative"],
                lines=reports,
                files=data.get("evidence") or [],
                submit=False,
            )
        except ValidationError as exc:
            add_domain_errors(form, exc, field_for)
        else:
            if "draft" in request.POST:
                messages.success(request, "Draft saved. Submit it when it is complete.")
                return redirect("contracts:return", return_id=period_return.pk)
            problems = services.submission_problems(period_return)
            if not problems:
                return redirect("contracts:return_check", return_id=period_return.pk)
            messages.success(request, "Draft saved.")
            # The files were saved with the draft: they are listed as attached, not kept again.
            add_domain_errors(form, ValidationError(problems), field_for, keep_uploads=False)
    context = {
        "period_return": period_return,
        "contract": contract,
        "form": form,
        "files": period_return.files.all(),
        "overlap_warnings": services.return_overlap_warnings(period_return),
    }
    return render(request, "contracts/return_form.html", context)


def _answers(period_return: Return) -> list[ReturnLine]:
    """The lines the provider is about to send, with the evidence each cites."""
    return list(_provider_lines(period_return))


def _fingerprint(period_return: Return, lines: list[ReturnLine]) -> str:
    """What the provider checked, so a return changed meanwhile (in another tab) is not sent unseen."""
    seen = [
        period_return.narrative,
        sorted(period_return.files.values_list("pk", flat=True)),
        [
            (
                line.pk,
                str(line.reported_quantity),
                line.provider_note,
                line.response,
                sorted(record.pk for record in line.evidence.all()),
            )
            for line in lines
        ],
    ]
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:32]


@login_required
def return_check(request: HttpRequest, return_id: int) -> HttpResponse:
    """Check your answers: every line the provider is sending, with Change links, then submit."""
    period_return = _return(request, return_id)
    contract = period_return.contract
    services.require_provider(request.actor, contract)
    if not period_return.is_open_to_provider:
        messages.error(
            request, "This return has been submitted and is waiting for the commissioner."
        )
        return redirect("contracts:return", return_id=period_return.pk)
    lines = _answers(period_return)
    if services.submission_problems(period_return):
        messages.error(request, "Enter what was delivered for every line before you submit.")
        return redirect("contracts:return_report", return_id=period_return.pk)
    fingerprint = _fingerprint(period_return, lines)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        if request.POST.get("fingerprint") != fingerprint:
            errors.append(("", "The return was changed since this page was shown: check it again."))
            status = 409
        else:
            try:
                services.submit_return(
                    period_return=period_return,
                    actor=request.actor,
                    narrative=period_return.narrative,
                    lines=services.saved_reports(period_return),
                    submit=True,
                )
            except ValidationError as exc:
                field_for = _line_field({line.commitment_id: line.pk for line in lines})
                for key, texts in getattr(exc, "message_dict", {"": exc.messages}).items():
                    errors.extend((field_for(key) if key else "", text) for text in texts)
                status = 400
            else:
                messages.success(request, "Return submitted: the commissioner will review it.")
                return redirect("contracts:return", return_id=period_return.pk)
    context = {
        "period_return": period_return,
        "contract": contract,
        "lines": lines,
        "files": period_return.files.all(),
        "fingerprint": fingerprint,
        "errors": errors,
        "is_resubmission": period_return.status == Return.Status.REVIEWED,
    }
    return render(request, "contracts/return_check.html", context, status=status)


@login_required
@require_POST
def return_verify(request: HttpRequest, return_id: int) -> HttpResponse:
    period_return = _return(request, return_id)
    services.require_commissioner(request.actor, period_return.contract)
    choices = _verification_choices(request, period_return)
    pending = choices["decidable"]
    form = VerificationForm(request.POST, lines=pending)
    status = 400
    if form.is_valid():
        decisions = [
            services.Decision(
                line_id=line.pk,
                verification=form.cleaned_data[f"decision_{line.pk}"],
                reason=form.cleaned_data[f"reason_{line.pk}"],
            )
            for line in pending
            if form.cleaned_data.get(f"decision_{line.pk}")
        ]
        try:
            services.verify_lines(
                period_return=period_return, actor=request.actor, decisions=decisions
            )
        except FourEyes as refusal:
            add_domain_errors(form, refusal, lambda key: f"decision_{key.split('-')[-1]}")
            status = 403
        except ValidationError as exc:
            add_domain_errors(form, exc, lambda key: f"reason_{key.split('-')[-1]}")
        else:
            messages.success(request, "Decisions saved.")
            return redirect("contracts:return", return_id=period_return.pk)
    contract = period_return.contract
    context = {
        "period_return": period_return,
        "contract": contract,
        "lines": _lines(period_return),
        "files": period_return.files.all(),
        "is_commissioner": True,
        "is_provider": services.is_provider(request.actor, contract),
        "can_report": False,
        "can_verify": period_return.status == Return.Status.SUBMITTED,
        "verify_form": form,
        "form": form,
        "overlap_warnings": services.return_overlap_warnings(period_return),
        **choices,
    }
    return render(request, "contracts/return_detail.html", context, status=status)


@login_required
def return_file(request: HttpRequest, return_id: int, file_id: int) -> HttpResponse:
    period_return = _return(request, return_id)
    return attachment(get_object_or_404(period_return.files, pk=file_id))


def _return_line(request: HttpRequest, return_id: int, line_id: int) -> ReturnLine:
    period_return = _return(request, return_id)
    line = get_object_or_404(
        ReturnLine.objects.select_related("commitment__measure", "verified_by"),
        period_return=period_return,
        pk=line_id,
    )
    line.period_return = period_return
    return line


def _line_page(request, line, *, message_form=None, resubmit_form=None, status=200):
    period_return = line.period_return
    contract = period_return.contract
    is_provider = services.is_provider(request.actor, contract)
    can_write = any(
        m is not None and m.allows(Role.EDITOR)
        for org_id, m in request.actor.memberships.items()
        if org_id in (contract.commissioner_id, contract.provider_id)
    )
    can_resubmit = (
        is_provider
        and line.verification == LineReview.QUERIED
        and request.actor.membership_for(contract.provider_id).allows(Role.EDITOR)
    )
    context = {
        "period_return": period_return,
        "contract": contract,
        "line": line,
        "thread": line.messages.select_related("organisation", "author", "file"),
        "can_write": can_write,
        "can_resubmit": can_resubmit,
        "message_form": message_form or LineMessageForm(),
        "resubmit_form": resubmit_form
        or ResubmitLineForm(
            initial={"quantity": line.reported_quantity, "note": line.provider_note}
        ),
    }
    return render(request, "contracts/return_line.html", context, status=status)


@login_required
def return_line(request: HttpRequest, return_id: int, line_id: int) -> HttpResponse:
    """A return line's figures and decision, and its conversation between council and provider."""
    line = _return_line(request, return_id, line_id)
    if request.method != "POST":
        return _line_page(request, line)
    form = LineMessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.post_line_message(
                line=line,
                actor=request.actor,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data.get("file"),
                organisation_id=getattr(request.organisation, "pk", None),
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Message sent.")
            return redirect("contracts:return_line", return_id=return_id, line_id=line.pk)
    return _line_page(request, line, message_form=form, status=400)


@login_required
@require_POST
def return_line_resubmit(request: HttpRequest, return_id: int, line_id: int) -> HttpResponse:
    """The provider answers the query on one line and resubmits that line alone."""
    line = _return_line(request, return_id, line_id)
    form = ResubmitLineForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resubmit_line(
                line=line,
                actor=request.actor,
                quantity=data["quantity"],
                answer=data["answer"],
                note=data["note"],
                upload=data.get("file"),
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Answer sent and the line resubmitted to the commissioner.")
            return redirect("contracts:return_line", return_id=return_id, line_id=line.pk)
    return _line_page(request, line, resubmit_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# The portfolio


def _commissioner(request: HttpRequest):
    organisation = _organisation(request)
    if not organisation.is_commissioner:
        raise Http404("The portfolio is for commissioners.")
    return organisation


def _chart(summary: portfolio.Portfolio):
    rows = summary.rows["theme"]
    if not rows:
        return None
    return charts.grouped_bar(
        f"Social value by theme, {summary.year_label}",
        [r.label for r in rows],
        {
            "Committed": [float(r.figures.committed) for r in rows],
            "Delivered": [float(r.figures.delivered) for r in rows],
            "Verified": [float(r.figures.verified) for r in rows],
        },
        kind="money",
        value_label="Value (£)",
        category_label="Theme",
    )


@login_required
def portfolio_summary(request: HttpRequest) -> HttpResponse:
    commissioner = _commissioner(request)
    try:
        price_year = requested_price_year(request, commissioner)
    except InputError as error:
        return bad_price_year(request, error)
    data = request.GET.copy()
    data["price_year"] = str(price_year)
    form = PortfolioForm(data, years=portfolio.years(commissioner))
    year = form.cleaned_data.get("year") if form.is_valid() else None
    summary = portfolio.summary(commissioner=commissioner, year=year, price_year=price_year)
    chart = _chart(summary)
    context = {
        "chart_html": mark_safe(chart_html(chart, for_print=True)) if chart else "",  # noqa: S308
        "form": form,
        "summary": summary,
        "sections": [
            (key, label, summary.rows[key]) for key, label in portfolio.DIMENSIONS.items()
        ],
        "chart": chart,
        "year_query": (f"&year={year}" if year is not None else "") + f"&price_year={price_year}",
        "download_query": urlencode(
            {"price_year": price_year, **({"year": year} if year is not None else {})}
        ),
    }
    return render(request, "contracts/portfolio.html", context)


@login_required
def portfolio_download(request: HttpRequest, file_format: str) -> HttpResponse:
    commissioner = _commissioner(request)
    if file_format not in ("xlsx", "csv"):
        raise Http404("No such format.")
    try:
        price_year = requested_price_year(request, commissioner)
    except InputError as error:
        return bad_price_year(request, error)
    form = PortfolioForm(request.GET or None, years=portfolio.years(commissioner))
    year = form.cleaned_data.get("year") if form.is_valid() else None
    summary = portfolio.summary(commissioner=commissioner, year=year, price_year=price_year)
    name = f"social-value-portfolio-{year if year is not None else 'all-years'}.{file_format}"
    return document_download(request, portfolio.as_document(summary), file_format, name)


@login_required
def portfolio_lines(request: HttpRequest) -> HttpResponse:
    commissioner = _commissioner(request)
    dimension = request.GET.get("dimension", "total")
    key = request.GET.get("key", "all")
    figure = request.GET.get("figure", "committed")
    try:
        year = int(request.GET["year"]) if request.GET.get("year") else None
        lines = portfolio.lines_behind(
            commissioner=commissioner, dimension=dimension, key=key, figure=figure, year=year
        )
    except ValueError:
        raise Http404("No such figure in the portfolio.") from None
    value_field = {"committed": "target_value", "delivered": "delivered_value"}.get(
        figure, "verified_value"
    )
    total = lines.aggregate(total=Sum(value_field))["total"] or 0
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "figure": figure,
        "figure_label": portfolio.FIGURES[figure],
        "total": total,
        "dimension_label": portfolio.DIMENSIONS.get(dimension, "All contracts"),
        "key": key,
        "year": year,
        "year_label": financial_year_label(year) if year is not None else "",
        "query": query.urlencode(),
        "label": request.GET.get("label", ""),
    }
    return render(request, "contracts/portfolio_lines.html", context)
