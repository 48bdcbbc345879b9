"""Forms for the pipeline, engagements (with their questions and events), answers, the public
consultation page, summaries, linking an answer to an outcome, and providers' proposals.

Every form only reads what was typed; the rules are the domain functions' (services.py), whose
refusals are placed next to these fields by `field_for`."""

from __future__ import annotations

from django import forms
from django.core import signing

from socialvalue.web.commissioning.models import Priority, Procurement, RequestedOutcome
from socialvalue.web.forms import GovukForm
from socialvalue.web.measures.models import Measure

from .models import Engagement, Event, PipelineItem, Question, Respondent

DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "govuk-input--width-20"}, format="%Y-%m-%dT%H:%M"
)
#: The radio meaning "prefer not to say" (stored as no answer).
PREFER_NOT = "prefer_not"
#: The signed stamp of when the public page was drawn, and the honeypot's name.
DRAWN_SALT = "engagements.public-answer-drawn"
HONEYPOT = "website"


def field_for(key: str) -> str:
    """The form field a domain refusal's key belongs to (`answers.12` -> `q_12`)."""
    if key.startswith("answers."):
        return "q_" + key.split(".", 1)[1]
    if key.startswith("ranks."):
        return "rank_" + key.split(".", 1)[1]
    return {
        "priority_ids": "priorities",
        "procurement_id": "procurement",
        "pipeline_item_id": "pipeline_item",
        "council_id": "council",
        "measure_ids": "measures",
        "ranks": "__all__",
    }.get(key, key)


class _PriorityChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return f"{obj.rank}. {obj.title}"


def council_priorities(organisation):
    return Priority.objects.filter(organisation=organisation, active=True).order_by("rank", "id")


def draft_procurements(organisation):
    return Procurement.objects.filter(organisation=organisation, state="draft").order_by("title")


# ------------------------------------------------------------------------------------ pipeline


class PipelineForm(GovukForm):
    title = forms.CharField(label="Title", max_length=300)
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.CharField(
        label="Category (optional)",
        required=False,
        max_length=100,
        help_text="For example, homecare or supported living.",
    )
    estimated_value = forms.DecimalField(
        label="Estimated contract value (£, optional)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-10"}),
    )
    expected_publication = forms.DateField(
        label="Expected tender publication (optional)", required=False, widget=DATE
    )
    expected_contract_start = forms.DateField(
        label="Expected contract start (optional)", required=False, widget=DATE
    )
    priorities = _PriorityChoice(
        label="Charter priorities it is expected to address",
        queryset=Priority.objects.none(),
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = council_priorities(organisation)

    @classmethod
    def initial_for(cls, item: PipelineItem) -> dict:
        return {
            "title": item.title,
            "description": item.description,
            "category": item.category,
            "estimated_value": item.estimated_value,
            "expected_publication": item.expected_publication,
            "expected_contract_start": item.expected_contract_start,
            "priorities": list(item.priorities.all()),
        }


# --------------------------------------------------------------------------------- engagements


class EngagementForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of engagement is it?",
        choices=Engagement.Kind.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label="Title", max_length=300)
    purpose = forms.CharField(
        label="Purpose",
        help_text="What the engagement is for and what will be done with it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closes_on = forms.DateField(label="Closing date", widget=DATE)
    pipeline_item = forms.ModelChoiceField(
        label="Pipeline item it is about (market engagement, optional)",
        queryset=PipelineItem.objects.none(),
        required=False,
    )
    procurement = forms.ModelChoiceField(
        label="Draft procurement it is about (market engagement, optional)",
        queryset=Procurement.objects.none(),
        required=False,
    )
    priorities = _PriorityChoice(
        label="Priorities to rank (consultation)",
        help_text="Leave all unticked to rank every current priority of your charter.",
        queryset=Priority.objects.none(),
        required=False,
    )

    def __init__(self, *args, organisation, engagement: Engagement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = council_priorities(organisation)
        self.fields["pipeline_item"].queryset = PipelineItem.objects.filter(
            organisation=organisation, state__in=("draft", "published")
        )
        self.fields["procurement"].queryset = draft_procurements(organisation)
        if engagement is not None:
            # The kind and what it is about are set when it is created.
            for name in ("kind", "pipeline_item", "procurement"):
                del self.fields[name]
            if engagement.state != Engagement.State.DRAFT:
                for name in ("title", "purpose", "priorities"):
                    del self.fields[name]
            elif not engagement.is_consultation:
                del self.fields["priorities"]

    @classmethod
    def initial_for(cls, engagement: Engagement) -> dict:
        return {
            "title": engagement.title,
            "purpose": engagement.purpose,
            "closes_on": engagement.closes_on,
            "priorities": list(engagement.priorities.all()),
        }


class QuestionForm(GovukForm):
    text = forms.CharField(label="Question", max_length=500)
    kind = forms.ChoiceField(
        label="How is it answered?",
        choices=Question.Kind.choices,
        initial=Question.Kind.TEXT,
        widget=forms.RadioSelect,
    )
    choices = forms.CharField(
        label="Choices (for a question answered by choosing)",
        help_text="One on each line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required = forms.BooleanField(label="People must answer it", required=False)

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class EventForm(GovukForm):
    title = forms.CharField(label="Event title", max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts (date and time)",
        widget=DATETIME,
        error_messages={
            "required": "Enter when the event starts",
            "invalid": "Enter when the event starts as a date and time, like 2027-03-14 10:00",
        },
    )
    ends_at = forms.DateTimeField(
        label="Ends (date and time, optional)",
        required=False,
        widget=DATETIME,
        error_messages={
            "invalid": "Enter when the event ends as a date and time, like 2027-03-14 12:00"
        },
    )
    mode = forms.ChoiceField(
        label="Where is it held?", choices=Event.Mode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label="Place (in person)", required=False, max_length=300)
    link = forms.URLField(label="Joining link (online)", required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label="Places (optional)",
        required=False,
        min_value=1,
        help_text="Leave empty for no limit.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
    )


def rank_choices(n: int) -> list[tuple[str, str]]:
    return [("", "Not ranked")] + [(str(i), str(i)) for i in range(1, n + 1)]


class _AnswerFields:
    """A rank dropdown per priority (consultation) and a field per question."""

    def _add_answer_fields(self, engagement: Engagement, easy_read: bool = False) -> None:
        self.priorities = list(engagement.priorities.order_by("rank", "id"))
        self.questions = list(engagement.questions.all())
        if engagement.is_consultation:
            for priority in self.priorities:
                self.fields[f"rank_{priority.pk}"] = forms.ChoiceField(
                    label=priority.title,
                    help_text=priority.description if not easy_read else "",
                    choices=rank_choices(len(self.priorities)),
                    required=False,
                    widget=forms.Select(attrs={"class": "govuk-select"}),
                )
        for question in self.questions:
            label = question.text + ("" if question.required else " (optional)")
            if question.kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    label=label,
                    choices=[(c, c) for c in question.choices],
                    required=question.required,
                    widget=forms.RadioSelect,
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
                )
            self.fields[f"q_{question.pk}"] = field

    def rank_fields(self):
        return [self[f"rank_{p.pk}"] for p in self.priorities if f"rank_{p.pk}" in self.fields]

    def question_fields(self):
        return [self[f"q_{q.pk}"] for q in self.questions]

    def ranks(self) -> dict[int, int | None]:
        out: dict[int, int | None] = {}
        for priority in self.priorities:
            value = self.cleaned_data.get(f"rank_{priority.pk}")
            out[priority.pk] = int(value) if value else None
        return out

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") or "" for q in self.questions}


class ResponseForm(_AnswerFields, GovukForm):
    """A registered provider's answer."""

    comment = forms.CharField(
        label="Anything else you want to tell the council (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, engagement: Engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_answer_fields(engagement)
        self.fields["comment"] = self.fields.pop("comment")  # after the questions


class PublicAnswerForm(_AnswerFields, GovukForm):
    """Anyone with the link: ranks, a comment, who they are, their name and email only by choice,
    and the two spam checks (a field people never see, and when the page was drawn)."""

    comment = forms.CharField(
        label="Your comment (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    respondent = forms.ChoiceField(
        label="Who are you? (optional)",
        choices=[*Respondent.choices, (PREFER_NOT, "I prefer not to say")],
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="Your name (optional)", required=False, max_length=200)
    email = forms.EmailField(label="Your email address (optional)", required=False)
    contact_ok = forms.BooleanField(
        label="You may keep my name and email address to contact me about this consultation",
        required=False,
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)
    drawn = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, engagement: Engagement, easy_read: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_answer_fields(engagement, easy_read=easy_read)
        if easy_read:
            self.fields["comment"].label = "Anything else? (you do not have to)"
            self.fields["comment"].error_messages["max_length"] = (
                "Enter a shorter comment: 5,000 letters at most"
            )
            self.fields["respondent"].label = "Who are you? (you do not have to say)"
            self.fields["name"].label = "Your name (you do not have to give it)"
            self.fields["email"].label = "Your email (you do not have to give it)"
            self.fields["contact_ok"].label = "You can keep my name and email to contact me"
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}
        )
        ordered = [n for n in self.fields if n.startswith("rank_")] + [
            n for n in self.fields if n.startswith("q_")
        ]
        for name in ordered + ["comment", "respondent", "name", "email", "contact_ok"]:
            self.fields[name] = self.fields.pop(name)
        self.fields["website"] = self.fields.pop("website")
        self.fields["drawn"] = self.fields.pop("drawn")
        if not self.is_bound:
            self.initial["drawn"] = signing.dumps(1, salt=DRAWN_SALT)

    def visible_fields_for_people(self):
        return [f for f in self if f.name not in ("website", "drawn")]

    def respondent_value(self) -> str:
        value = self.cleaned_data.get("respondent") or ""
        return "" if value == PREFER_NOT else value

    def is_spam(self, min_seconds: int) -> bool:
        """The hidden field was filled, or the page was answered sooner than a person could."""
        if (self.data.get(HONEYPOT) or "").strip():
            return True
        try:
            signing.loads(self.data.get("drawn") or "", salt=DRAWN_SALT, max_age=24 * 3600)
        except signing.BadSignature:  # tampered, missing or over a day old
            return True
        try:
            signing.loads(
                self.data.get("drawn") or "", salt=DRAWN_SALT, max_age=max(min_seconds, 0)
            )
        except signing.SignatureExpired:
            return False  # older than the minimum: a person's pace
        return True


class RegisterForm(GovukForm):
    attendees = forms.IntegerField(
        label="How many people will come?",
        min_value=1,
        max_value=20,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )


class SummaryForm(GovukForm):
    heard = forms.CharField(label="What we heard", widget=forms.Textarea(attrs={"rows": 6}))
    did = forms.CharField(label="What we did", widget=forms.Textarea(attrs={"rows": 6}))


class _OutcomeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.procurement.title})"


class LinkOutcomeForm(GovukForm):
    outcome = _OutcomeChoice(
        label="An outcome already asked for",
        queryset=RequestedOutcome.objects.none(),
        required=False,
    )
    procurement = forms.ModelChoiceField(
        label="Or add a new outcome to this draft procurement",
        queryset=Procurement.objects.none(),
        required=False,
    )
    title = forms.CharField(label="New outcome title", required=False, max_length=300)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = RequestedOutcome.objects.filter(
            procurement__organisation=organisation, procurement__state="draft"
        ).select_related("procurement")
        self.fields["procurement"].queryset = draft_procurements(organisation)

    def clean(self):
        data = super().clean()
        if not data.get("outcome") and not data.get("procurement"):
            self.add_error(
                "outcome", "Select an outcome, or a draft procurement to add a new outcome to"
            )
        elif not data.get("outcome") and not (data.get("title") or "").strip():
            self.add_error("title", "Enter the new outcome title")
        return data


# ---------------------------------------------------------------------------------- proposals


class _MeasureChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.title}".strip()


class ProposalForm(GovukForm):
    council = forms.ModelChoiceField(label="Council", queryset=PipelineItem.objects.none())
    title = forms.CharField(label="Title", max_length=300)
    priorities = forms.CharField(
        label="Priorities or outcomes you suggest", widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = _MeasureChoice(
        label="Measures (optional)",
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
        queryset=Measure.objects.none(),
        required=False,
    )
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(
        label="Local evidence (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_url = forms.URLField(
        label="Link to the evidence (optional)", required=False, assume_scheme="https"
    )

    def __init__(self, *args, councils, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        # Only measures the council can read: the built-in and site-wide sets.
        self.fields["measures"].queryset = Measure.objects.filter(
            value_set__organisation__isnull=True
        ).order_by("code", "title")
        self.fields["measures"].widget.attrs["size"] = 8


DECISION_CHOICES = [
    ("charter", "Accept: add it to our charter as a draft priority"),
    ("procurement", "Accept: ask for it as an outcome of a draft procurement"),
    ("declined", "Decline"),
    ("parked", "Park it for later"),
]


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision", choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    procurement = forms.ModelChoiceField(
        label="Draft procurement (when asking for it as an outcome)",
        queryset=Procurement.objects.none(),
        required=False,
    )
    reason = forms.CharField(
        label="Reason (needed to decline; the provider sees it)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procurement"].queryset = draft_procurements(council)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "procurement" and not data.get("procurement"):
            self.add_error("procurement", "Select the draft procurement to ask for it in")
        return data
