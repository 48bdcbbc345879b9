"""Pages for the charter, procurements, bids, scoring, the evaluation and the award."""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal
from functools import partial
from pathlib import Path

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from socialvalue.core import scoring
from socialvalue.core.errors import InputError
from socialvalue.reports import FORMATS, charts, html_fragment
from socialvalue.reports import render as render_report
from socialvalue.reports.to_html import chart_html
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.errors import Conflict
from socialvalue.web.forms import add_domain_errors, upload_problems
from socialvalue.web.tenancy import get_visible_or_404, require_role, visible

from . import origins, services, summaries
from .forms import (
    AnswerForm,
    AwardForm,
    BidForm,
    CharterForm,
    CommitmentForm,
    CriterionForm,
    EnterContractForm,
    OutcomeForm,
    OutcomeValuationForm,
    PriorityForm,
    ProcurementForm,
    QuestionForm,
    ScoresForm,
    TenderImportForm,
    WithdrawAwardForm,
)
from .models import AwardDecision, Bid, Priority, Procurement, ReportingFrequency

MAX_TENDER_FILE_BYTES = 2 * 1024 * 1024


def _commissioner(request: HttpRequest) -> Organisation:
    """The current organisation, which must be a commissioner: the charter is a council's page."""
    organisation = request.organisation
    if organisation is None or not organisation.is_commissioner:
        raise Http404("Only a commissioning organisation has a charter.")
    return organisation


def _own_procurement(
    request: HttpRequest, procurement_id: int, role: str = "viewer"
) -> Procurement:
    return services.own_procurement(request.actor, procurement_id, role)


def _bid(request: HttpRequest, bid_id: int) -> Bid:
    return get_visible_or_404(Bid, request.actor, pk=bid_id)


def _is_commissioner_of(request: HttpRequest, procurement: Procurement) -> bool:
    return procurement.organisation_id in request.actor.organisation_ids


def _form_page(request, form, *, title, back, submit="Save", caption="", intro="", **extra):
    return render(
        request,
        "commissioning/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "submit": submit,
            "caption": caption,
            "intro": intro,
            **extra,
        },
    )


# --------------------------------------------------------------------------------------------
# Charter


@login_required
def charter(request: HttpRequest) -> HttpResponse:
    organisation = _commissioner(request)
    charter = services.charter_for(organisation)
    priorities = charter.priorities.filter(active=True).prefetch_related("measures")
    return render(
        request,
        "commissioning/charter.html",
        {
            "charter": charter,
            "priorities": priorities,
            "can_edit": request.membership.allows("editor"),
            "versions": charter.versions.select_related("created_by")[:5],
        },
    )


@login_required
def charter_edit(request: HttpRequest) -> HttpResponse:
    organisation = _commissioner(request)
    request.actor.require(organisation.id, "editor")
    charter = services.charter_for(organisation)
    form = CharterForm(request.POST or None, instance=charter)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.replace_charter(
                organisation=organisation,
                actor=request.actor,
                principles=data["principles"],
                minimum_social_value_weight=data["minimum_social_value_weight"],
                threshold=data["threshold"],
                minimum_outcomes=data["minimum_outcomes"],
                note=data["note"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Charter saved as a new version.")
            return redirect("commissioning:charter")
    return _form_page(
        request,
        form,
        title="Edit the charter",
        back=reverse("commissioning:charter"),
        intro="Procurements at or above the threshold must meet these rules before they are published.",
    )


@login_required
def priority_edit(request: HttpRequest, priority_id: int | None = None) -> HttpResponse:
    organisation = _commissioner(request)
    request.actor.require(organisation.id, "editor")
    charter = services.charter_for(organisation)
    priority = (
        get_visible_or_404(Priority, request.actor, pk=priority_id, charter=charter)
        if priority_id
        else None
    )
    if priority is None:
        next_rank = charter.priorities.filter(active=True).count() + 1
        form = PriorityForm(request.POST or None, actor=request.actor, initial={"rank": next_rank})
    else:
        form = PriorityForm(request.POST or None, instance=priority, actor=request.actor)
    if request.method == "POST" and "retire" in request.POST and priority is not None:
        services.retire_priority(priority=priority, actor=request.actor)
        messages.success(request, f"“{priority.title}” is no longer a charter priority.")
        return redirect("commissioning:charter")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_priority(
                organisation=organisation,
                actor=request.actor,
                priority=priority,
                rank=data["rank"],
                title=data["title"],
                description=data["description"],
                evidence=data["evidence"],
                evidence_url=data["evidence_url"],
                measures=list(data["measures"]),
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Priority saved.")
            return redirect("commissioning:charter")
    return _form_page(
        request,
        form,
        title="Edit a priority" if priority else "Add a local priority",
        back=reverse("commissioning:charter"),
        retire=priority is not None,
    )


@login_required
def charter_history(request: HttpRequest) -> HttpResponse:
    organisation = _commissioner(request)
    charter = services.charter_for(organisation)
    versions = list(charter.versions.select_related("created_by"))
    chosen = None
    if request.GET.get("version"):
        chosen = next((v for v in versions if str(v.number) == request.GET["version"]), None)
        if chosen is None:
            raise Http404("No such version.")
    return render(
        request,
        "commissioning/charter_history.html",
        {
            "charter": charter,
            "versions": versions,
            "chosen": chosen or (versions[0] if versions else None),
        },
    )


# --------------------------------------------------------------------------------------------
# Procurements


@login_required
def procurement_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    organisation = request.organisation
    own = visible(Procurement, actor).filter(organisation_id__in=actor.organisation_ids)
    context: dict = {"is_commissioner": organisation is not None and organisation.is_commissioner}
    if context["is_commissioner"]:
        context["procurements"] = own.annotate(
            bid_count=Count("bids", filter=Q(bids__submitted_at__isnull=False))
        ).order_by("-created_at")
    else:
        context["open"] = (
            visible(Procurement, actor)
            .filter(state=Procurement.State.PUBLISHED)
            .select_related("organisation")
            .order_by("closing_date", "title")
        )
        my_bids = list(
            visible(Bid, actor)
            .filter(bidder_id__in=actor.organisation_ids)
            .select_related("procurement", "procurement__organisation")
        )
        for bid in my_bids:
            bid.outcome = services.bid_outcome(bid)
        context["my_bids"] = my_bids
    return render(request, "commissioning/procurement_list.html", context)


@login_required
def procurement_new(request: HttpRequest) -> HttpResponse:
    organisation = _commissioner(request)
    request.actor.require(organisation.id, "editor")
    charter = services.organisation_charter(organisation.id)
    initial = {}
    if charter is not None:
        initial["weight_social_value"] = max(Decimal(15), charter.minimum_social_value_weight)
        initial["weight_price"] = Decimal(40)
        initial["weight_quality"] = Decimal(100) - Decimal(40) - initial["weight_social_value"]
    form = ProcurementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            procurement = services.save_procurement(
                actor=request.actor, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                "Procurement drafted. Add its quality criteria and the outcomes it asks for.",
            )
            return redirect("commissioning:procurement", procurement.id)
    return _form_page(
        request, form, title="Draft a procurement", back=reverse("commissioning:procurements")
    )


@login_required
def procurement_detail(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = get_visible_or_404(Procurement, request.actor, pk=procurement_id)
    return _procurement_page(request, procurement)


def _can_ask(request: HttpRequest, procurement: Procurement) -> bool:
    return (
        procurement.state == Procurement.State.PUBLISHED
        and request.organisation is not None
        and request.organisation.kind == Organisation.Kind.PROVIDER
        and request.membership.allows("editor")
    )


def _questions_context(
    request: HttpRequest, procurement: Procurement, own: bool, can_edit: bool, forms: dict
) -> dict:
    questions = list(services.questions_for(procurement, request.actor))
    for question in questions:
        question.mine = question.asked_by_organisation_id in request.actor.organisation_ids
        if own and can_edit and procurement.state != Procurement.State.CANCELLED:
            question.form = forms.get(question.pk) or AnswerForm(
                prefix=f"q{question.pk}",
                initial={"answer": question.answer, "visibility": question.visibility}
                if question.is_answered
                else None,
            )
    context = {"questions": questions}
    if not own and _can_ask(request, procurement):
        context["question_form"] = forms.get("ask") or QuestionForm()
    return context


def _procurement_page(
    request: HttpRequest, procurement: Procurement, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    own = _is_commissioner_of(request, procurement)
    notes = origins.origins(procurement)
    outcomes = list(procurement.outcomes.select_related("priority", "measure"))
    for outcome in outcomes:
        outcome.origin_note = notes.get(outcome.id, "")
    context = {
        "procurement": procurement,
        "own": own,
        "criteria": procurement.criteria.all(),
        "outcomes": outcomes,
        "procurement_origin": notes.get(None, ""),
    }
    can_edit = own and request.actor.membership_for(procurement.organisation_id).allows("editor")
    context |= _questions_context(request, procurement, own, can_edit, forms or {})
    if own:
        context["unvalued"] = services.unvalued_outcomes(procurement)
    if own:
        membership = request.actor.membership_for(procurement.organisation_id)
        decision = services.latest_decision(procurement)
        bids = list(
            procurement.bids.filter(submitted_at__isnull=False).annotate(
                commitment_count=Count("commitments")
            )
        )
        for bid in bids:
            bid.outcome = services.bid_outcome(bid) if decision else None
        opens = services.contract_opens(decision) if decision else None
        context |= dict(
            can_edit=membership.allows("editor"),
            breaches=services.charter_breaches(procurement),
            model_problems=services.model_problems(procurement),
            charter=services.organisation_charter(procurement.organisation_id),
            bids=bids,
            drafts=procurement.bids.filter(submitted_at__isnull=True).count(),
            decision=decision,
            decisions=decision is not None,
            contract_opens=opens,
            contract_open=opens is None or services.today() >= opens,
        )
    else:
        my_bid = procurement.bids.filter(bidder_id__in=request.actor.organisation_ids).first()
        context["my_bid"] = my_bid
        if my_bid is not None:
            context["my_outcome"] = services.bid_outcome(my_bid)
            context["my_summary"] = my_bid.assessment_summaries.exists()
        context["can_bid"] = (
            procurement.accepts_bids
            and request.organisation is not None
            and not request.organisation.is_commissioner
            and request.membership.allows("editor")
        )
    return render(request, "commissioning/procurement_detail.html", context, status=status)


@login_required
@require_POST
def question_ask(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = get_visible_or_404(Procurement, request.actor, pk=procurement_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_question(
                procurement=procurement, actor=request.actor, text=form.cleaned_data["question"]
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Your question has been sent to the council.")
            return redirect(_questions_url(procurement))
    return _procurement_page(request, procurement, {"ask": form}, status=400)


@login_required
@require_POST
def question_answer(request: HttpRequest, procurement_id: int, question_id: int) -> HttpResponse:
    procurement = services.own_procurement(request.actor, procurement_id)
    question = services.question_to_answer(
        procurement=procurement, actor=request.actor, question_id=question_id
    )
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            services.answer_question(
                question=question,
                actor=request.actor,
                answer=form.cleaned_data["answer"],
                publish=form.cleaned_data["visibility"] == "published",
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "The answer has been saved and the provider told.")
            return redirect(_questions_url(procurement))
    return _procurement_page(request, procurement, {question.pk: form}, status=400)


def _questions_url(procurement: Procurement) -> str:
    return reverse("commissioning:procurement", args=[procurement.pk]) + "#questions"


@login_required
def procurement_edit(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id, "editor")
    try:
        services.require_draft(procurement)
    except services.WrongState as refusal:
        messages.error(request, str(refusal))
        return redirect("commissioning:procurement", procurement.id)
    form = ProcurementForm(request.POST or None, instance=procurement)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_procurement(
                actor=request.actor, procurement=procurement, **form.cleaned_data
            )
        except (ValidationError, services.WrongState) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Procurement saved.")
            return redirect("commissioning:procurement", procurement.id)
    return _form_page(
        request,
        form,
        title="Edit the procurement",
        caption=procurement.title,
        back=reverse("commissioning:procurement", args=[procurement.id]),
    )


def _add_part(request: HttpRequest, procurement_id: int, part: str, **page) -> HttpResponse:
    """Add a quality criterion or a requested outcome to a draft, with an ID made from its name."""
    procurement = _own_procurement(request, procurement_id, "editor")
    try:
        services.require_draft(procurement)
    except services.WrongState as refusal:
        messages.error(request, str(refusal))
        return redirect("commissioning:procurement", procurement.id)
    if part == "criteria":
        form = CriterionForm(request.POST or None, procurement=procurement)
        add, noun = services.add_criterion, "Criterion"
    else:
        form = OutcomeForm(request.POST or None, actor=request.actor, procurement=procurement)
        add, noun = services.add_outcome, "Outcome"
    if request.method == "POST" and form.is_valid():
        try:
            item = add(procurement=procurement, actor=request.actor, **form.cleaned_data)
        except (ValidationError, services.WrongState) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"{noun} “{item}” added.")
            return redirect("commissioning:procurement", procurement.id)
    return _form_page(
        request,
        form,
        caption=procurement.title,
        back=reverse("commissioning:procurement", args=[procurement.id]),
        **page,
    )


@login_required
def criterion_new(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id, "editor")
    return _add_part(
        request,
        procurement_id,
        "criteria",
        title="Add a quality criterion",
        intro=f"The criteria's weights must add up to the quality weight, "
        f"{procurement.weight_quality.normalize():f} points.",
    )


@login_required
def criterion_edit(request: HttpRequest, procurement_id: int, criterion_id: int) -> HttpResponse:
    """Rename a draft's quality criterion or change its weight."""
    procurement = _own_procurement(request, procurement_id, "editor")
    criterion = get_object_or_404(procurement.criteria, pk=criterion_id)
    try:
        services.require_draft(procurement)
    except services.WrongState as refusal:
        messages.error(request, str(refusal))
        return redirect("commissioning:procurement", procurement.id)
    form = CriterionForm(request.POST or None, instance=criterion, procurement=procurement)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.change_criterion(
                procurement=procurement,
                actor=request.actor,
                criterion_id=criterion.pk,
                **form.cleaned_data,
            )
        except (ValidationError, services.WrongState) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Criterion “{criterion}” saved.")
            return redirect("commissioning:procurement", procurement.id)
    others = sum((c.weight for c in procurement.criteria.exclude(pk=criterion_id)), Decimal(0))
    return _form_page(
        request,
        form,
        title="Change a quality criterion",
        caption=procurement.title,
        intro=f"The criteria's weights must add up to the quality weight, "
        f"{procurement.weight_quality.normalize():f} points; the other criteria have "
        f"{others.normalize():f}.",
        back=reverse("commissioning:procurement", args=[procurement.id]),
    )


@login_required
def outcome_new(request: HttpRequest, procurement_id: int) -> HttpResponse:
    return _add_part(request, procurement_id, "outcomes", title="Ask for a social value outcome")


@login_required
def outcome_valuation(request: HttpRequest, procurement_id: int, outcome_id: int) -> HttpResponse:
    """Decide how offers of an outcome are valued when its measure has no proxy."""
    procurement = _own_procurement(request, procurement_id, "editor")
    outcome = get_object_or_404(procurement.outcomes.select_related("measure"), pk=outcome_id)
    initial = {
        "valuation": outcome.valuation,
        "proxy_value": outcome.local_proxy_value,
        "price_year": outcome.local_price_year,
        "source": outcome.local_source,
    }
    form = OutcomeValuationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.value_outcome(
                procurement=procurement,
                actor=request.actor,
                outcome_id=outcome.pk,
                **form.cleaned_data,
            )
        except (ValidationError, services.WrongState) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, f"Offers of “{outcome.title}” will be scored as you chose.")
            return redirect("commissioning:procurement", procurement.id)
    measure = outcome.measure
    return _form_page(
        request,
        form,
        title=f"How to score offers of “{outcome.title}”",
        caption=procurement.title,
        intro=(
            f"The measure {measure.code} ({measure.title}) is counted, not valued: it has no "
            "proxy value, so offers of it would add £0 to the valued part of the social value "
            "score. Give a local proxy for this procurement, with its price year and source, or "
            "score the outcome only through the method statement."
            if measure is not None
            else ""
        ),
        back=reverse("commissioning:procurement", args=[procurement.id]),
    )


@login_required
def part_remove(request: HttpRequest, procurement_id: int, part: str, part_id: int) -> HttpResponse:
    """Remove a criterion or an outcome from a draft, once the person has confirmed it."""
    procurement = _own_procurement(request, procurement_id, "editor")
    if part == "criteria":
        item = get_object_or_404(procurement.criteria, pk=part_id)
        remove = partial(services.remove_criterion, criterion_id=part_id)
        noun = "quality criterion"
    elif part == "outcomes":
        item = get_object_or_404(procurement.outcomes, pk=part_id)
        remove = partial(services.remove_outcome, outcome_id=part_id)
        noun = "outcome"
    else:
        raise Http404("No such part.")
    try:
        services.require_draft(procurement)
    except services.WrongState as refusal:
        messages.error(request, str(refusal))
        return redirect("commissioning:procurement", procurement.id)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return _confirm_page(
            request,
            procurement,
            title=f"Are you sure you want to remove the {noun} “{item}”?",
            body="It is removed from this draft; you can add it again before publishing. "
            "The audit trail keeps a record.",
            button=f"Remove the {noun}",
            warning=True,
        )
    try:
        remove(procurement=procurement, actor=request.actor)
    except services.WrongState as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"“{item}” removed.")
    return redirect("commissioning:procurement", procurement.id)


def _confirm_page(request, procurement, *, title, body, button, warning=False, fields=None):
    """The GOV.UK confirmation step: say what will happen, then one button and a way back."""
    return render(
        request,
        "commissioning/confirm.html",
        {
            "procurement": procurement,
            "title": title,
            "body": body,
            "button": button,
            "warning": warning,
            "fields": fields or {},
        },
    )


@login_required
@require_POST
def procurement_publish(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id, "editor")
    try:
        services.publish(procurement=procurement, actor=request.actor)
    except (services.CharterBreach, InputError):
        reasons = services.publish_refusals(procurement)
        messages.error(
            request,
            "This procurement cannot be published yet:\n" + "\n".join(f"• {r}" for r in reasons),
        )
    except services.WrongState as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Published: registered providers can now bid.")
    return redirect("commissioning:procurement", procurement.id)


#: State changes that ask for confirmation first, with what the page says about each.
CONFIRM_STATE = {
    Procurement.State.EVALUATING: (
        "Are you sure you want to close bidding?",
        "Providers can no longer start or submit bids; the bids received are evaluated. You can "
        "reopen bidding until an award decision is made.",
        "Close bidding",
        False,
    ),
    Procurement.State.CANCELLED: (
        "Are you sure you want to cancel this procurement?",
        "It is withdrawn from providers and takes no more bids. You can restore it to where it "
        "was afterwards; the audit trail keeps a record.",
        "Cancel the procurement",
        True,
    ),
}

STATE_DONE = {
    Procurement.State.EVALUATING: "Bidding is closed: the bids received can be evaluated.",
    Procurement.State.PUBLISHED: "Bidding has reopened.",
    Procurement.State.CANCELLED: "The procurement is cancelled. You can restore it.",
    "restore": "The procurement is restored",
}


@login_required
def procurement_state(request: HttpRequest, procurement_id: int) -> HttpResponse:
    """Close bidding, reopen it, cancel or restore; closing and cancelling are confirmed first."""
    procurement = _own_procurement(request, procurement_id, "editor")
    state = request.POST.get("state") or request.GET.get("state", "")
    if state not in services.STATE_ACTIONS:
        raise Http404("No such change.")
    confirmed = request.method == "POST" and (
        request.POST.get("confirm") == "yes" or state not in CONFIRM_STATE
    )
    if not confirmed:
        try:
            services.check_state_change(procurement=procurement, actor=request.actor, state=state)
        except services.WrongState as error:
            messages.error(request, str(error))
            return redirect("commissioning:procurement", procurement.id)
        title, body, button, warning = CONFIRM_STATE.get(
            state, ("Are you sure?", "", "Continue", False)
        )
        return _confirm_page(
            request,
            procurement,
            title=title,
            body=body,
            button=button,
            warning=warning,
            fields={"state": state},
        )
    try:
        services.move_to(procurement=procurement, actor=request.actor, state=state)
    except services.WrongState as error:
        messages.error(request, str(error))
    else:
        done = STATE_DONE[state]
        if state == "restore":
            done += f": it is {procurement.get_state_display().lower()} again."
        messages.success(request, done)
    return redirect("commissioning:procurement", procurement.id)


@login_required
def procurement_export(request: HttpRequest, procurement_id: int, file_format: str) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id)
    data = services.tender_data(procurement)
    if not data["bids"]:
        del data["bids"]
    name = services.unique_code(procurement.title, set())
    if file_format == "json":
        body, content_type = json.dumps(data, indent=2, ensure_ascii=False), "application/json"
    elif file_format == "yaml":
        body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        content_type = "application/yaml"
    else:
        raise Http404("Export as yaml or json.")
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


@login_required
def procurement_import(request: HttpRequest) -> HttpResponse:
    organisation = _commissioner(request)
    request.actor.require(organisation.id, "editor")
    form = TenderImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_TENDER_FILE_BYTES:
                raise ValidationError(
                    f"{upload.name} is larger than 2 MB; a tender file is far smaller."
                )
            data = _read_tender_upload(upload)
            procurement = services.import_tender(
                organisation=organisation, actor=request.actor, data=data
            )
        except ValidationError as error:
            form.add_error("file", error)
        except InputError as error:
            form.add_error(
                "file",
                upload_problems(upload.name, len(error.problems)) + "; nothing was imported.",
            )
            problems = error.problems
        else:
            messages.success(request, f"Imported “{procurement.title}” as a draft with its bids.")
            return redirect("commissioning:procurement", procurement.id)
    return _form_page(
        request,
        form,
        title="Import a tender file",
        back=reverse("commissioning:procurements"),
        submit="Import",
        multipart=True,
        problems=problems,
    )


def _read_tender_upload(upload) -> object:
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{upload.name} is not a text file; upload YAML or JSON.") from None
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    with_suffix = {"json": ".json", "yml": ".yaml", "yaml": ".yaml"}.get(suffix)
    if with_suffix is None:
        raise ValidationError(f"{upload.name} must end in .yaml, .yml or .json.")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"tender{with_suffix}"
        path.write_text(text, encoding="utf-8")
        return scoring.read_tender_file(path)


# --------------------------------------------------------------------------------------------
# Bids


@login_required
def bid_new(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = get_visible_or_404(Procurement, request.actor, pk=procurement_id)
    own = _is_commissioner_of(request, procurement)
    organisation = request.organisation
    if own:
        require_role(request.actor, procurement, "editor")
        providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
        form = BidForm(request.POST or None, providers=providers)
    else:
        request.actor.require(organisation.id, "editor")
        if organisation.is_commissioner:
            raise Http404("A commissioner cannot bid.")
        if procurement.bids.filter(bidder=organisation).exists():
            messages.info(request, "You have already started a bid for this procurement.")
            return redirect("commissioning:bid", procurement.bids.get(bidder=organisation).id)
        form = BidForm(request.POST or None)
    if not procurement.accepts_bids:
        messages.error(request, "This procurement is not taking bids.")
        return redirect("commissioning:procurement", procurement.id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bid = services.create_bid(
                procurement=procurement,
                actor=request.actor,
                price=data["price"],
                method_statement=data["method_statement"],
                bidder=data.get("bidder"),
                bidder_name=data.get("bidder_name", ""),
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Bid saved. Add the social value it commits to.")
            return redirect("commissioning:bid", bid.id)
    return _form_page(
        request,
        form,
        title="Enter a bid" if own else "Start a bid",
        caption=procurement.title,
        back=reverse("commissioning:procurement", args=[procurement.id]),
    )


@login_required
def bid_detail(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _bid(request, bid_id)
    procurement = bid.procurement
    commissioner = _is_commissioner_of(request, procurement)
    bidder = bid.bidder_id in request.actor.organisation_ids
    commitments = bid.commitments.select_related("measure", "priority")
    offered = sum((c.value for c in commitments), Decimal(0))
    context = {
        "bid": bid,
        "procurement": procurement,
        "commitments": commitments,
        "offered": offered,
        "share": (offered / bid.price * 100) if bid.price else None,
        "commissioner": commissioner,
        "bidder": bidder,
        "outcome": services.bid_outcome(bid),
        "has_summary": bid.assessment_summaries.exists(),
        "can_edit_bid": (bidder and not bid.is_submitted and procurement.accepts_bids)
        or (commissioner and bid.entered_by_commissioner and procurement.accepts_bids),
    }
    if commissioner:
        criteria = services.criteria_of(procurement)
        names = dict(criteria)
        context["criteria"] = criteria
        context["evaluator_scores"] = [
            (names.get(s.criterion, s.criterion), s)
            for s in bid.evaluator_scores.select_related("evaluator")
        ]
        moderated = {m.criterion: m for m in bid.moderated_scores.all()}
        context["moderated"] = [(key, name, moderated.get(key)) for key, name in criteria]
    return render(request, "commissioning/bid_detail.html", context)


def _editable_bid(request: HttpRequest, bid_id: int) -> Bid:
    return services.editable_bid(bid=_bid(request, bid_id), actor=request.actor)


@login_required
def bid_edit(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _editable_bid(request, bid_id)
    commissioner = _is_commissioner_of(request, bid.procurement)
    providers = (
        Organisation.objects.filter(kind=Organisation.Kind.PROVIDER) if commissioner else None
    )
    form = BidForm(request.POST or None, instance=bid, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_bid(
                bid=bid,
                actor=request.actor,
                price=data["price"],
                method_statement=data["method_statement"],
                bidder=data.get("bidder"),
                bidder_name=data.get("bidder_name"),
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, "Bid saved.")
            return redirect("commissioning:bid", bid.id)
    return _form_page(
        request,
        form,
        title="Edit the bid",
        caption=bid.procurement.title,
        back=reverse("commissioning:bid", args=[bid.id]),
    )


@login_required
def commitment_new(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _editable_bid(request, bid_id)
    form = CommitmentForm(request.POST or None, actor=request.actor, procurement=bid.procurement)
    if request.method == "POST" and form.is_valid():
        measure = form.cleaned_data["measure"]
        try:
            services.add_bid_commitment(bid=bid, actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            if measure.proxy_value is None:
                messages.warning(
                    request,
                    f"{measure.title} has no open proxy value, so this commitment is counted but valued at £0.",
                )
            else:
                messages.success(request, "Commitment added.")
            return redirect("commissioning:bid", bid.id)
    return _form_page(
        request,
        form,
        title="Commit to a measure",
        caption=f"{bid.bidder_name}: {bid.procurement.title}",
        back=reverse("commissioning:bid", args=[bid.id]),
        submit="Add commitment",
    )


@login_required
@require_POST
def commitment_remove(request: HttpRequest, bid_id: int, commitment_id: int) -> HttpResponse:
    bid = _editable_bid(request, bid_id)
    services.remove_bid_commitment(bid=bid, actor=request.actor, commitment_id=commitment_id)
    messages.success(request, "Commitment removed.")
    return redirect("commissioning:bid", bid.id)


@login_required
@require_POST
def bid_submit(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _editable_bid(request, bid_id)
    try:
        services.submit_bid(bid=bid, actor=request.actor)
    except services.WrongState as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Bid submitted to the commissioner.")
    return redirect("commissioning:bid", bid.id)


def _scoring_bid(request: HttpRequest, bid_id: int) -> Bid:
    return services.scoring_bid(bid=_bid(request, bid_id), actor=request.actor)


def _score_field(key: str) -> str:
    return f"score_{key}"


@login_required
def bid_scores(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _scoring_bid(request, bid_id)
    procurement = bid.procurement
    criteria = services.criteria_of(procurement)
    mine = {s.criterion: s for s in bid.evaluator_scores.filter(evaluator=request.user)}
    initial = {f"score_{k}": s.score for k, s in mine.items()} | {
        f"comment_{k}": s.comment for k, s in mine.items()
    }
    form = ScoresForm(
        request.POST or None, criteria=criteria, max_score=procurement.max_score, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_scores(
                bid=bid, actor=request.actor, scores=form.scores(), comments=form.comments()
            )
        except ValidationError as error:
            add_domain_errors(form, error, _score_field)
        else:
            messages.success(
                request, "Your scores are saved. Moderate when every evaluator has scored."
            )
            return redirect("commissioning:bid", bid.id)
    return _form_page(
        request,
        form,
        title="Your scores",
        caption=f"{bid.bidder_name}: {procurement.title}",
        back=reverse("commissioning:bid", args=[bid.id]),
        intro="Score on your own first; other evaluators' scores are kept separately.",
        submit="Save my scores",
    )


@login_required
def bid_moderate(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = _scoring_bid(request, bid_id)
    procurement = bid.procurement
    criteria = services.criteria_of(procurement)
    current = {m.criterion: m for m in bid.moderated_scores.all()}
    suggested = services.suggested_moderation(bid)
    initial = {}
    for key, _ in criteria:
        if key in current:
            initial[f"score_{key}"] = current[key].score
            initial[f"comment_{key}"] = current[key].rationale
        elif key in suggested:
            initial[f"score_{key}"] = suggested[key]
    form = ScoresForm(
        request.POST or None,
        criteria=criteria,
        max_score=procurement.max_score,
        initial=initial,
        with_comments="Reason for the moderated score",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate(
                bid=bid, actor=request.actor, scores=form.scores(), rationale=form.comments()
            )
        except ValidationError as error:
            add_domain_errors(form, error, _score_field)
        else:
            messages.success(request, "Moderated scores saved: the evaluation uses these.")
            return redirect("commissioning:bid", bid.id)
    return _form_page(
        request,
        form,
        title="Moderated scores",
        caption=f"{bid.bidder_name}: {procurement.title}",
        back=reverse("commissioning:bid", args=[bid.id]),
        intro="Each score starts at the evaluators' median. The evaluation uses the moderated score.",
        submit="Save moderated scores",
        evaluator_scores=bid.evaluator_scores.select_related("evaluator"),
    )


# --------------------------------------------------------------------------------------------
# Evaluation and award


SWEEP = list(range(0, 101, 10))


def winner_label(winner: str | list[str]) -> str:
    return winner if isinstance(winner, str) else " and ".join(winner) + " (tied)"


def evaluation_chart(evaluation: services.Evaluation) -> charts.Chart | None:
    tender = evaluation.tender
    if tender.weights.price + tender.weights.quality == 0:
        return None
    totals = scoring.total_by_social_value_weight(tender, SWEEP)
    weight = float(tender.weights.social_value)
    # The sweep's evenly spaced steps are the chart's periods; the current weight may fall
    # between two of them.
    at = (weight - SWEEP[0]) / (SWEEP[-1] - SWEEP[0]) * (len(SWEEP) - 1)
    return charts.line(
        "Total score of each bid by social value weight",
        [f"{w}%" for w in SWEEP],
        totals,
        kind="number",
        value_label="Total score (out of 100)",
        period_label="Social value weight",
        mark=charts.Mark(f"Current weight: {weight:g}%", at),
    )


@login_required
def procurement_evaluation(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id)
    context: dict = {"procurement": procurement}
    try:
        evaluation = services.evaluate(procurement)
    except InputError as error:
        context["problems"] = error.problems
        return render(request, "commissioning/evaluation.html", context)
    chart = evaluation_chart(evaluation)
    rows = sorted(
        (
            (bid, score, score.social_value_offered_share_of_price * 100)
            for bid, score in zip(evaluation.bids, evaluation.result.bids, strict=True)
        ),
        key=lambda row: row[1].rank,
    )
    context |= dict(
        evaluation=evaluation.result,
        rows=rows,
        winner=winner_label(evaluation.result.winner),
        sensitivity=[
            (i.start, i.end, winner_label(i.winner)) for i in evaluation.result.sensitivity
        ],
        chart=mark_safe(chart_html(chart, for_print=False)) if chart else None,
        current_weight=float(procurement.weight_social_value),
        can_award=procurement.state == Procurement.State.EVALUATING
        and request.actor.membership_for(procurement.organisation_id).allows("editor"),
    )
    return render(request, "commissioning/evaluation.html", context)


@login_required
def procurement_award(request: HttpRequest, procurement_id: int) -> HttpResponse:
    """Choose the bid (the one ranked first is recommended), give a reason when it is another,
    choose the standstill, then confirm: the decision, the assessment summaries and the standstill."""
    procurement = _own_procurement(request, procurement_id, "editor")
    try:
        found = services.recommendation(procurement)
    except services.WrongState as refusal:
        messages.error(request, f"The procurement cannot be awarded yet. {refusal}")
        return redirect("commissioning:procurement", procurement.id)
    standstills = (
        AwardDecision.Standstill.choices
        if procurement.light_touch
        else [(AwardDecision.Standstill.MANDATORY, AwardDecision.Standstill.MANDATORY.label)]
    )
    form = AwardForm(
        request.POST or None,
        bids=services.submitted_bids(procurement),
        standstills=standstills,
        initial={"bid": found.recommended.id, "standstill": AwardDecision.Standstill.MANDATORY},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = {
            "procurement": procurement,
            "actor": request.actor,
            "bid": data["bid"],
            "reason": data["reason"],
            "standstill": data["standstill"],
            "standstill_days": data["standstill_days"],
        }
        try:
            if data["confirm"] == "yes":
                services.award(**choice)
            else:
                check = services.check_award(**choice)
        except ValidationError as error:
            add_domain_errors(form, error)
        except services.WrongState as refusal:
            messages.error(request, str(refusal))
            return redirect("commissioning:procurement", procurement.id)
        else:
            if data["confirm"] == "yes":
                messages.success(
                    request,
                    f"Award decided: {data['bid'].bidder_name}. Every bidder can now read its "
                    "assessment summary.",
                )
                return redirect("commissioning:procurement", procurement.id)
            return render(
                request,
                "commissioning/award_confirm.html",
                {
                    "procurement": procurement,
                    "check": check,
                    "ranked": [(b, s.rank, s.total) for b, s in check.recommendation.ranked],
                    "fields": {
                        "bid": data["bid"].id,
                        "reason": data["reason"],
                        "standstill": data["standstill"],
                        "standstill_days": (
                            "" if data["standstill_days"] is None else data["standstill_days"]
                        ),
                        "confirm": "yes",
                    },
                },
            )
    return _form_page(
        request,
        form,
        title="Award the contract",
        caption=procurement.title,
        back=reverse("commissioning:evaluation", args=[procurement.id]),
        intro=(
            f"{found.recommended.bidder_name} is ranked first and recommended. Choosing another "
            "bid needs a reason. You confirm on the next page; the contract is entered after "
            "the standstill."
        ),
        submit="Continue",
    )


@login_required
def award_withdraw(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id, "editor")
    decision = services.standing_decision(procurement)
    if decision is None or decision.state != AwardDecision.State.STANDSTILL:
        messages.error(request, "There is no award decision to withdraw.")
        return redirect("commissioning:procurement", procurement.id)
    form = WithdrawAwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_award(
                procurement=procurement, actor=request.actor, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        except services.WrongState as refusal:
            messages.error(request, str(refusal))
            return redirect("commissioning:procurement", procurement.id)
        else:
            messages.success(
                request, "The award decision is withdrawn: the bids can be evaluated again."
            )
            return redirect("commissioning:procurement", procurement.id)
    return _form_page(
        request,
        form,
        title="Withdraw the award decision",
        caption=procurement.title,
        back=reverse("commissioning:procurement", args=[procurement.id]),
        intro=f"The decision to award to {decision.bid.bidder_name} is withdrawn and every "
        "bidder's view says so. The assessment summaries are kept.",
        submit="Withdraw the award decision",
    )


@login_required
def enter_contract(request: HttpRequest, procurement_id: int) -> HttpResponse:
    procurement = _own_procurement(request, procurement_id, "editor")
    decision = services.standing_decision(procurement)
    if decision is None or decision.state != AwardDecision.State.STANDSTILL:
        messages.error(request, "There is no award decision waiting for its contract.")
        return redirect("commissioning:procurement", procurement.id)
    form = EnterContractForm(
        request.POST or None,
        frequencies=ReportingFrequency.choices,
        initial={
            "start_date": procurement.contract_start,
            "end_date": procurement.contract_end,
            "reporting_frequency": ReportingFrequency.QUARTERLY,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.enter_contract(
                procurement=procurement, actor=request.actor, **form.cleaned_data
            )
        except (services.WrongState, ValidationError) as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                f"Contract entered with {contract.provider_name or contract.provider}. It "
                "carries the bid's commitments.",
            )
            return redirect("contracts:detail", contract.id)
    opens = services.contract_opens(decision)
    return _form_page(
        request,
        form,
        title="Enter the contract",
        caption=procurement.title,
        back=reverse("commissioning:procurement", args=[procurement.id]),
        intro=(
            f"Awarded to {decision.bid.bidder_name}. The contract can be entered from "
            f"{opens:%-d %B %Y}, after the standstill."
            if opens
            else f"Awarded to {decision.bid.bidder_name}, with no standstill."
        )
        + " It carries the bid's commitments, profiled evenly over its reporting periods.",
        submit="Enter the contract",
    )


def _summary(request: HttpRequest, bid_id: int):
    bid = _bid(request, bid_id)
    return bid, services.assessment_summary(bid=bid, actor=request.actor)


@login_required
def assessment_summary(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid, summary = _summary(request, bid_id)
    document = summaries.document(summary.content, state=summary.decision.state)
    return render(
        request,
        "commissioning/assessment_summary.html",
        {
            "bid": bid,
            "summary": summary,
            "report": mark_safe(html_fragment(document)),
            "formats": SUMMARY_FORMATS,
        },
    )


#: The formats an assessment summary downloads as, with their names on the page.
SUMMARY_FORMATS = {"pdf": "PDF", "docx": "Word", "csv": "CSV"}


@login_required
def assessment_summary_download(
    request: HttpRequest, bid_id: int, file_format: str
) -> HttpResponse:
    if file_format not in SUMMARY_FORMATS:
        raise Http404("An assessment summary downloads as PDF, Word or CSV.")
    _, summary = _summary(request, bid_id)
    document = summaries.document(summary.content, state=summary.decision.state)
    response = HttpResponse(render_report(document, file_format), content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{document.file_name(file_format)}"'
    return response


# --------------------------------------------------------------------------------------------
# The council's home page


def commissioner_home(request: HttpRequest) -> HttpResponse:
    """A council's start page: its charter at a glance and the procurements that need it."""
    organisation = _commissioner(request)
    charter = services.organisation_charter(organisation.id)
    procurements = (
        visible(Procurement, request.actor)
        .filter(organisation=organisation)
        .exclude(state=Procurement.State.CANCELLED)
        # An award still in standstill needs the council: it enters the contract afterwards.
        .exclude(
            state=Procurement.State.AWARDED,
            award_decisions__state=AwardDecision.State.CONTRACT_ENTERED,
        )
        .annotate(bid_count=Count("bids", filter=Q(bids__submitted_at__isnull=False)))
        .order_by("closing_date", "title")
    )
    return render(
        request,
        "commissioning/home.html",
        {
            "charter": charter,
            "priorities": charter.priorities.filter(active=True) if charter else [],
            "procurements": procurements,
            "membership": request.membership,
        },
    )
