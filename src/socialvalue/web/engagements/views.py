"""Pages for early engagement: the pipeline (and a council's public pipeline page), engagements
with their questions, events, answers, results and summary, the public consultation page (no
sign-in) and providers' proposals.

Views read forms and call the domain functions in services.py; every rule is there. Outsiders
get 404: a draft engagement, its results and answers, a draft pipeline item and a proposal are
seen only by those they belong to."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from socialvalue.core.formats.spreadsheet import safe_text
from socialvalue.web.accounts.models import Organisation, Role
from socialvalue.web.errors import Conflict
from socialvalue.web.forms import add_domain_errors
from socialvalue.web.ratelimit import client_ip
from socialvalue.web.tenancy import get_visible_or_404, visible

from . import services
from .forms import (
    DecisionForm,
    EngagementForm,
    EventForm,
    LinkOutcomeForm,
    PipelineForm,
    ProposalForm,
    PublicAnswerForm,
    QuestionForm,
    RegisterForm,
    ResponseForm,
    SummaryForm,
    field_for,
)
from .models import Engagement, PipelineItem, Proposal

# ------------------------------------------------------------------------------------ helpers


def _organisation(request: HttpRequest) -> Organisation:
    if request.organisation is None:
        raise Http404("You do not belong to an organisation.")
    return request.organisation


def _is_council(request: HttpRequest) -> bool:
    return request.organisation is not None and request.organisation.is_commissioner


def _may_edit(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.allows(Role.EDITOR)


def _council(request: HttpRequest) -> Organisation:
    """The current organisation, a council whose editor is asking: else 404 / 403."""
    organisation = _organisation(request)
    if not organisation.is_commissioner:
        raise Http404("Only a council runs a pipeline and engagements.")
    request.actor.require(organisation.id, Role.EDITOR)
    return organisation


def _engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    return get_visible_or_404(Engagement, request.actor, pk=engagement_id)


def _own_engagement(request: HttpRequest, engagement_id: int) -> Engagement:
    """One of the current organisation's engagements; another organisation's is a 404."""
    engagement = _engagement(request, engagement_id)
    if engagement.organisation_id not in request.actor.organisation_ids:
        raise Http404("No engagement found.")
    return engagement


def _own_item(request: HttpRequest, item_id: int) -> PipelineItem:
    item = get_visible_or_404(PipelineItem, request.actor, pk=item_id)
    if item.organisation_id not in request.actor.organisation_ids:
        raise Http404("No pipeline item found.")
    return item


def _form_page(request, form, *, title, back, submit="Save", caption="", intro="", status=None,
               template="engagements/form.html", **extra):  # fmt: skip
    if status is None:
        status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "back": back,
            "submit": submit,
            "caption": caption,
            "intro": intro,
            **extra,
        },
        status=status,
    )


def _posted(request: HttpRequest):
    """The form data when posted (even empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _refusal_status(error: Exception) -> int:
    return 409 if isinstance(error, Conflict) else 400


def _state_messages(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


# ------------------------------------------------------------------------------------ pipeline


@login_required
def pipeline(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    items = visible(PipelineItem, request.actor).select_related("organisation")
    if organisation.is_commissioner:
        items = items.filter(organisation=organisation)
    else:
        items = items.filter(state__in=PipelineItem.PUBLIC_STATES)
    return render(
        request,
        "engagements/pipeline_list.html",
        {
            "items": items.prefetch_related("priorities"),
            "is_council": organisation.is_commissioner,
            "can_edit": organisation.is_commissioner and _may_edit(request),
            "section": "pipeline",
        },
    )


@login_required
def pipeline_edit(request: HttpRequest, item_id: int | None = None) -> HttpResponse:
    organisation = _council(request)
    item = _own_item(request, item_id) if item_id is not None else None
    initial = PipelineForm.initial_for(item) if item else None
    form = PipelineForm(_posted(request), initial=initial, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        priorities = list(data.pop("priorities"))
        try:
            if item is None:
                item = services.save_pipeline_item(
                    actor=request.actor, organisation=organisation, priorities=priorities, **data
                )
            else:
                item = services.save_pipeline_item(
                    actor=request.actor, item=item, priorities=priorities, **data
                )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
        else:
            messages.success(request, f"“{item.title}” saved in your pipeline.")
            return redirect("engagements:pipeline_item", item.id)
    back = (
        reverse("engagements:pipeline_item", args=[item.id])
        if item
        else reverse("engagements:pipeline")
    )
    return _form_page(
        request,
        form,
        title="Change a pipeline item" if item else "List an upcoming procurement",
        back=back,
        submit="Save",
        intro=""
        if item
        else (
            "List a procurement you expect to run, before you draft it. Once you publish it, "
            "providers see it when signed in and on your public pipeline page."
        ),
    )


@login_required
def pipeline_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_visible_or_404(PipelineItem, request.actor, pk=item_id)
    own = item.organisation_id in request.actor.organisation_ids
    return render(
        request,
        "engagements/pipeline_item.html",
        {
            "item": item,
            "own": own,
            "can_edit": own and _may_edit(request),
            "engagements": visible(Engagement, request.actor).filter(pipeline_item=item),
            "section": "pipeline",
        },
    )


PIPELINE_ACTIONS = {
    "publish": (services.publish_pipeline_item, "Published: providers can now see it."),
    "withdraw": (services.withdraw_pipeline_item, "Withdrawn from the pipeline."),
}


@login_required
@require_POST
def pipeline_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    item = _own_item(request, item_id)
    if action == "procure":
        try:
            procurement = services.procure(item=item, actor=request.actor)
        except (Conflict, ValidationError) as error:
            _state_messages(request, error)
            return redirect("engagements:pipeline_item", item.id)
        messages.success(request, "A draft procurement was started from the pipeline item.")
        return redirect("commissioning:procurement", procurement.id)
    if action not in PIPELINE_ACTIONS:
        raise Http404("No such action.")
    step, done = PIPELINE_ACTIONS[action]
    try:
        step(item=item, actor=request.actor)
    except (Conflict, ValidationError) as error:
        _state_messages(request, error)
    else:
        messages.success(request, done)
    return redirect("engagements:pipeline_item", item.id)


def public_pipeline(request: HttpRequest, slug: str) -> HttpResponse:
    """A council's published pipeline: no sign-in, nothing that was not published."""
    council = get_object_or_404(
        Organisation, slug=slug, kind=Organisation.Kind.COMMISSIONER, status="active"
    )
    items = (
        PipelineItem.objects.public().filter(organisation=council).prefetch_related("priorities")
    )
    return render(request, "engagements/public_pipeline.html", {"council": council, "items": items})


# --------------------------------------------------------------------------------- engagements


@login_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    engagements = visible(Engagement, request.actor).select_related("organisation")
    if organisation.is_commissioner:
        engagements = engagements.filter(organisation=organisation)
    return render(
        request,
        "engagements/engagement_list.html",
        {
            "engagements": engagements,
            "is_council": organisation.is_commissioner,
            "can_edit": organisation.is_commissioner and _may_edit(request),
            "section": "engagements",
        },
    )


def _choice(queryset, value):
    if value and str(value).isdigit():
        return queryset.filter(pk=int(value)).first()
    return None


@login_required
def engagement_new(request: HttpRequest) -> HttpResponse:
    organisation = _council(request)
    form = EngagementForm(_posted(request), organisation=organisation)
    if request.method == "GET":
        form.initial = {
            "pipeline_item": _choice(
                form.fields["pipeline_item"].queryset, request.GET.get("pipeline")
            ),
            "procurement": _choice(
                form.fields["procurement"].queryset, request.GET.get("procurement")
            ),
            "kind": request.GET.get("kind", ""),
        }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consultation = data["kind"] == Engagement.Kind.PRIORITIES
        try:
            engagement = services.create_engagement(
                actor=request.actor,
                organisation=organisation,
                kind=data["kind"],
                title=data["title"],
                purpose=data["purpose"],
                closes_on=data["closes_on"],
                pipeline_item=None if consultation else data["pipeline_item"],
                procurement=None if consultation else data["procurement"],
                priorities=(list(data["priorities"]) or None) if consultation else None,
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
        else:
            messages.success(
                request,
                f"“{engagement.title}” saved as a draft. Add what you need, then open it.",
            )
            return redirect("engagements:detail", engagement.id)
    return _form_page(
        request,
        form,
        title="Start an engagement",
        back=reverse("engagements:list"),
        submit="Save as a draft",
        template="engagements/form.html",
    )


def _event_rows(engagement: Engagement, actor) -> list[dict]:
    rows = []
    mine = set(actor.organisation_ids)
    for event in engagement.events.prefetch_related("registrations__organisation"):
        taken = services.places_taken(event)
        own = next((r for r in event.registrations.all() if r.organisation_id in mine), None)
        rows.append(
            {
                "event": event,
                "taken": taken,
                "left": None if event.capacity is None else max(0, event.capacity - taken),
                "registration": own,
                "registrations": list(event.registrations.all()),
                "started": event.starts_at < services.now(),
            }
        )
    return rows


@login_required
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _engagement(request, engagement_id)
    own = engagement.organisation_id in request.actor.organisation_ids
    responses = list(services.responses_for(engagement, request.actor).order_by("created_at", "id"))
    questions = list(engagement.questions.all())
    answer_rows = [
        {
            "response": r,
            "answers": [(q, r.answers.get(str(q.pk), "")) for q in questions],
            "outcomes": list(r.outcomes.select_related("outcome__procurement")),
        }
        for r in (responses if not engagement.is_consultation else [])
    ]
    context = {
        "engagement": engagement,
        "own": own,
        "can_edit": own and _may_edit(request),
        "questions": questions,
        "priorities": list(engagement.priorities.order_by("rank", "id")),
        "events": _event_rows(engagement, request.actor),
        "public_url": services.public_url(engagement) if own else None,
        "answer_rows": answer_rows if own else [],
        "response_count": len(responses),
        "my_response": None if own else (responses[0] if responses else None),
        "can_answer": (
            not own
            and engagement.is_open
            and engagement.closes_on >= services.today()
            and _may_edit(request)
        ),
        "open_refusals": services.open_refusals(engagement)
        if own and engagement.state == "draft"
        else [],
        "register_form": RegisterForm(),
        "section": "engagements",
    }
    return render(request, "engagements/engagement_detail.html", context)


@login_required
def engagement_edit(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    form = EngagementForm(
        _posted(request),
        initial=EngagementForm.initial_for(engagement),
        organisation=engagement.organisation,
        engagement=engagement,
    )
    status = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        priorities = data.pop("priorities", None)
        try:
            services.update_engagement(
                engagement=engagement,
                actor=request.actor,
                priorities=list(priorities) if priorities else None,
                **data,
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
            status = _refusal_status(error)
        else:
            messages.success(request, "Engagement saved.")
            return redirect("engagements:detail", engagement.id)
    return _form_page(
        request,
        form,
        title="Change the engagement",
        caption=engagement.title,
        back=reverse("engagements:detail", args=[engagement.id]),
        template="engagements/form.html",
        status=status,
    )


@login_required
def question_new(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    form = QuestionForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            spec = services.QuestionSpec(
                text=data["text"],
                kind=data["kind"],
                choices=form.choice_list(),
                required=data["required"],
            )
            try:
                services.add_question(engagement=engagement, actor=request.actor, spec=spec)
            except (ValidationError, Conflict) as error:
                add_domain_errors(form, error, field_for=field_for)
                status = _refusal_status(error)
            else:
                messages.success(request, "Question added.")
                if "another" in request.POST:
                    return redirect("engagements:question_new", engagement.id)
                return redirect("engagements:detail", engagement.id)
    return _form_page(
        request,
        form,
        title="Ask a question",
        caption=engagement.title,
        back=reverse("engagements:detail", args=[engagement.id]),
        submit="Add the question",
        another="Add it and ask another",
        status=status,
    )


@login_required
def event_new(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    form = EventForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            spec = services.EventSpec(
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                mode=data["mode"],
                place=data["place"],
                link=data["link"],
                capacity=data["capacity"],
            )
            try:
                services.add_event(engagement=engagement, actor=request.actor, spec=spec)
            except (ValidationError, Conflict) as error:
                add_domain_errors(form, error, field_for=field_for)
                status = _refusal_status(error)
            else:
                messages.success(request, "Event added.")
                return redirect("engagements:detail", engagement.id)
    return _form_page(
        request,
        form,
        title="Hold an event",
        caption=engagement.title,
        back=reverse("engagements:detail", args=[engagement.id]),
        submit="Add the event",
        status=status,
    )


STATE_ACTIONS = {
    "open": (services.open_engagement, "The engagement is open: providers can see it and answer."),
    "close": (services.close_engagement, "The engagement is closed: it takes no more answers."),
}


@login_required
@require_POST
def engagement_state(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    action = request.POST.get("action", "")
    if action not in STATE_ACTIONS:
        raise Http404("No such change.")
    step, done = STATE_ACTIONS[action]
    try:
        step(engagement=engagement, actor=request.actor)
    except (Conflict, ValidationError) as error:
        _state_messages(request, error)
    else:
        if action == "open" and engagement.is_consultation:
            done = "The consultation is open: share its public link."
        messages.success(request, done)
    return redirect("engagements:detail", engagement.id)


def _initial_answer(response) -> dict:
    if response is None:
        return {}
    initial = {f"q_{k}": v for k, v in response.answers.items()}
    initial.update({f"rank_{r.priority_id}": str(r.rank) for r in response.ranks.all()})
    initial["comment"] = response.comment
    return initial


@login_required
def respond(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _engagement(request, engagement_id)
    if engagement.organisation_id in request.actor.organisation_ids:
        raise PermissionDenied("The council running the engagement does not answer it.")
    mine = services.responses_for(engagement, request.actor).first()
    form = ResponseForm(_posted(request), initial=_initial_answer(mine), engagement=engagement)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            answer = services.Answer(
                ranks=form.ranks() if engagement.is_consultation else {},
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
            try:
                services.record_response(engagement=engagement, actor=request.actor, answer=answer)
            except (ValidationError, Conflict) as error:
                add_domain_errors(form, error, field_for=field_for)
                status = _refusal_status(error)
            else:
                messages.success(
                    request, f"Your answer was sent to {engagement.organisation.name}."
                )
                return redirect("engagements:detail", engagement.id)
    return render(
        request,
        "engagements/respond.html",
        {"engagement": engagement, "form": form, "changing": mine is not None},
        status=status,
    )


@login_required
@require_POST
def event_register(request: HttpRequest, engagement_id: int, event_id: int) -> HttpResponse:
    engagement = _engagement(request, engagement_id)
    event = get_object_or_404(engagement.events, pk=event_id)
    try:
        if "cancel" in request.POST:
            services.cancel_registration(event=event, actor=request.actor)
            messages.success(request, f"Your places at “{event.title}” are cancelled.")
        else:
            form = RegisterForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect("engagements:detail", engagement.id)
            services.register_for_event(
                event=event, actor=request.actor, attendees=form.cleaned_data["attendees"]
            )
            messages.success(request, f"You are registered for “{event.title}”.")
    except (ValidationError, Conflict) as error:
        _state_messages(request, error)
    return redirect("engagements:detail", engagement.id)


def _standing_rows(result: services.Results, standings) -> list[dict]:
    return [{"standing": s, "priority": result.priorities.get(s.item)} for s in standings]


@login_required
def results(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    result = services.results(engagement, request.actor)
    return render(
        request,
        "engagements/results.html",
        {
            "engagement": engagement,
            "result": result,
            "rows": _standing_rows(result, result.count.standings) if result.count else [],
            "groups": [
                {"group": g, "rows": _standing_rows(result, g.standings)} for g in result.groups
            ],
            "can_edit": _may_edit(request),
            "can_carry": (
                engagement.is_consultation
                and engagement.state in ("closed", "summarised")
                and engagement.carried_at is None
                and result.responses > 0
                and _may_edit(request)
            ),
            "section": "engagements",
        },
    )


@login_required
def results_csv(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """The aggregated result, with small groups suppressed, every cell safe in a spreadsheet."""
    engagement = _own_engagement(request, engagement_id)
    result = services.results(engagement, request.actor)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="engagement-{engagement.id}-results.csv"'
    )
    writer = csv.writer(response)

    def row(*cells):
        writer.writerow([safe_text("" if c is None else c) for c in cells])

    row("Engagement", engagement.title)
    row("Responses", result.responses)
    if result.count:
        row("Rule", result.rule)
        row()
        row("Group", "Position", "Priority", "Points", "First places", "Ranked by")
        for s in result.count.standings:
            p = result.priorities.get(s.item)
            row("Everyone", s.position_label, p.title if p else s.item, f"{s.points:g}",
                s.first_places, s.ranked_by)  # fmt: skip
        for group in result.groups:
            if group.suppressed:
                row(group.label, "", f"fewer than {result.small_group} answers: not shown")
                continue
            for s in group.standings:
                p = result.priorities.get(s.item)
                row(group.label, s.position_label, p.title if p else s.item, f"{s.points:g}",
                    s.first_places, s.ranked_by)  # fmt: skip
    for tally in result.tallies:
        row()
        row("Question", tally.question.text)
        if tally.suppressed:
            row("", f"fewer than {result.small_group} answers: not shown")
            continue
        for choice, n in tally.counts:
            row("", choice, n)
    if result.comments:
        row()
        row("Comment", "From")
        for r in result.comments:
            # A member of the public is not described: it would undo the breakdown's suppression.
            who = r.organisation.name if r.organisation else "A member of the public"
            row(r.comment, who)
    return response


@login_required
def summary(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    form = SummaryForm(_posted(request), initial={"heard": engagement.heard, "did": engagement.did})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.publish_summary(
                    engagement=engagement,
                    actor=request.actor,
                    heard=form.cleaned_data["heard"],
                    did=form.cleaned_data["did"],
                )
            except (ValidationError, Conflict) as error:
                add_domain_errors(form, error, field_for=field_for)
                status = _refusal_status(error)
            else:
                messages.success(request, "“What we heard and what we did” is published.")
                return redirect("engagements:detail", engagement.id)
    return _form_page(
        request,
        form,
        title="What we heard and what we did",
        caption=engagement.title,
        back=reverse("engagements:detail", args=[engagement.id]),
        submit="Publish the summary",
        intro="Everyone who can see the engagement reads it, and those who answered are told.",
        status=status,
    )


@login_required
def carry(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            changed = services.carry_into_charter(engagement=engagement, actor=request.actor)
        except (Conflict, ValidationError) as error:
            _state_messages(request, error)
            return redirect("engagements:results", engagement.id)
        messages.success(
            request,
            f"The consultation's result is the evidence of {len(changed)} priorities in your charter.",
        )
        return redirect("commissioning:charter")
    return render(
        request,
        "engagements/confirm.html",
        {
            "engagement": engagement,
            "title": "Carry the result into the charter?",
            "body": (
                "Each ranked priority's evidence gains a line saying how the consultation ranked "
                "it, with the number of responses and the date. The charter keeps a new version."
            ),
            "button": "Carry into the charter as evidence",
            "back": reverse("engagements:results", args=[engagement.id]),
        },
    )


@login_required
def link_outcome(request: HttpRequest, engagement_id: int, response_id: int) -> HttpResponse:
    engagement = _own_engagement(request, engagement_id)
    answer = get_object_or_404(engagement.responses.select_related("organisation"), pk=response_id)
    form = LinkOutcomeForm(_posted(request), organisation=engagement.organisation)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                origin = services.link_outcome(
                    response=answer,
                    actor=request.actor,
                    outcome=data["outcome"],
                    procurement=None if data["outcome"] else data["procurement"],
                    title=data["title"],
                )
            except (ValidationError, Conflict) as error:
                add_domain_errors(form, error, field_for=field_for)
                status = _refusal_status(error)
            else:
                messages.success(
                    request,
                    f"“{origin.outcome.title}” now shows it came from this engagement.",
                )
                return redirect("engagements:detail", engagement.id)
    who = answer.organisation.name if answer.organisation else "a member of the public"
    return _form_page(
        request,
        form,
        title="Link an answer to an outcome",
        caption=engagement.title,
        back=reverse("engagements:detail", args=[engagement.id]),
        submit="Link the outcome",
        intro=f"The answer of {who}. The procurement will show that the outcome came from this engagement.",
        status=status,
    )


# ---------------------------------------------------------------------- the public consultation


def _public_engagement(token: str) -> Engagement:
    """A consultation that has been opened; a draft's link (or any other) shows nothing."""
    if len(token) > 64:
        raise Http404("No such consultation.")
    return get_object_or_404(
        Engagement.objects.select_related("organisation").exclude(state=Engagement.State.DRAFT),
        public_token=token,
        kind=Engagement.Kind.PRIORITIES,
    )


def _taking_answers(engagement: Engagement) -> bool:
    return engagement.is_open and engagement.closes_on >= services.today()


def answer(request: HttpRequest, token: str, easy_read: bool = False) -> HttpResponse:
    """Anyone with the link ranks the priorities, without signing in."""
    engagement = _public_engagement(token)

    def page(form, status=200, refusal=""):
        return render(
            request,
            "engagements/answer.html",
            {
                "engagement": engagement,
                "form": form,
                "easy_read": easy_read,
                "token": token,
                "taking_answers": _taking_answers(engagement),
                "refusal": refusal,
                "rule": services.borda.RULE,
            },
            status=status,
        )

    if not _taking_answers(engagement):
        return page(None)
    form = PublicAnswerForm(_posted(request), engagement=engagement, easy_read=easy_read)
    if request.method != "POST":
        return page(form)
    if not services.public_answer_allowed(engagement, client_ip(request)):
        return page(
            PublicAnswerForm(engagement=engagement, easy_read=easy_read),
            status=429,
            refusal="Too many answers have come from your network just now. Please try again later.",
        )
    if form.is_spam(services.MIN_SECONDS_TO_ANSWER):
        return page(
            PublicAnswerForm(engagement=engagement, easy_read=easy_read),
            status=400,
            refusal=(
                "We could not take this answer. Please take a moment to read the page, "
                "then send your answer again."
            ),
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_response(
                engagement=engagement,
                actor=None,
                answer=services.Answer(
                    ranks=form.ranks(),
                    answers=form.answers(),
                    comment=data["comment"],
                    respondent=form.respondent_value(),
                    name=data["name"],
                    email=data["email"],
                    contact_ok=data["contact_ok"],
                    easy_read=easy_read,
                ),
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
            return page(form, status=_refusal_status(error))
        return redirect("engagements:answered", token=token)
    return page(form, status=400)


def answered(request: HttpRequest, token: str) -> HttpResponse:
    engagement = _public_engagement(token)
    return render(request, "engagements/answered.html", {"engagement": engagement})


# ---------------------------------------------------------------------------------- proposals


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    proposals = visible(Proposal, request.actor).select_related("organisation", "council")
    return render(
        request,
        "engagements/proposal_list.html",
        {
            "sent": proposals.filter(organisation=organisation),
            "received": proposals.filter(council=organisation),
            "is_council": organisation.is_commissioner,
            "can_send": not organisation.is_commissioner and _may_edit(request),
            "section": "proposals",
        },
    )


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if organisation.is_commissioner:
        raise PermissionDenied("Providers send proposals to councils.")
    request.actor.require(organisation.id, Role.EDITOR)
    form = ProposalForm(_posted(request), councils=services.councils(), actor=request.actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.send_proposal(
                actor=request.actor,
                organisation=organisation,
                council=data["council"],
                title=data["title"],
                priorities=data["priorities"],
                reason=data["reason"],
                evidence=data["evidence"],
                evidence_url=data["evidence_url"],
                measures=list(data["measures"]),
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
        else:
            messages.success(request, f"Your proposal was sent to {proposal.council.name}.")
            return redirect("engagements:proposal", proposal.id)
    return _form_page(
        request,
        form,
        title="Send a council a proposal",
        back=reverse("engagements:proposals"),
        submit="Send the proposal",
        intro=(
            "Suggest priorities or outcomes the council could ask for, with the measures that "
            "would show them, why, and the local evidence. The council accepts, declines with a "
            "reason, or parks it, and you see its decision."
        ),
    )


def _decision_page(request, proposal, form, status=200):
    own_council = proposal.council_id in request.actor.organisation_ids
    return render(
        request,
        "engagements/proposal_detail.html",
        {
            "proposal": proposal,
            "form": form if own_council and proposal.state in ("sent", "parked") else None,
            "own_council": own_council,
            "section": "proposals",
        },
        status=status,
    )


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_visible_or_404(Proposal, request.actor, pk=proposal_id)
    return _decision_page(request, proposal, DecisionForm(council=proposal.council))


@login_required
@require_POST
def proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_visible_or_404(Proposal, request.actor, pk=proposal_id)
    if proposal.council_id not in request.actor.organisation_ids:
        raise Http404("No proposal found.")
    form = DecisionForm(request.POST, council=proposal.council)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        choice = data["decision"]
        decision = "accepted" if choice in ("charter", "procurement") else choice
        try:
            services.decide_proposal(
                proposal=proposal,
                actor=request.actor,
                decision=decision,
                reason=data["reason"],
                procurement=data["procurement"] if choice == "procurement" else None,
            )
        except (ValidationError, Conflict) as error:
            add_domain_errors(form, error, field_for=field_for)
            status = _refusal_status(error)
        else:
            messages.success(
                request, f"Your decision was recorded and {proposal.organisation.name} told."
            )
            return redirect("engagements:proposal", proposal.id)
    return _decision_page(request, proposal, form, status=status)
