"""Forms for surveys: building one, answering one (public link or staff), importing a file and
recording the valued result as evidence. They parse; the rules are in `services`."""

from __future__ import annotations

from django import forms

from socialvalue.web.forms import GovukForm, apply_date_policy, apply_text_policy
from socialvalue.web.planning.models import Activity

from . import services
from .models import Question, Wave

#: Rows for questions of the organisation's own on the page that builds a survey.
OWN_QUESTION_ROWS = 3


def _add(form: forms.Form, name: str, field: forms.Field, width: str = "") -> None:
    """A field made after the form: the text and date policies and GOV.UK classes, as
    `GovukFormMixin` gives the declared ones."""
    apply_text_policy(field)
    apply_date_policy(field)
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "govuk-checkboxes__input"
    elif isinstance(widget, forms.RadioSelect):
        css = ""
    elif isinstance(widget, forms.Select):
        css = "govuk-select"
    else:
        css = "govuk-input"
    widget.attrs["class"] = f"{css} {width}".strip()
    form.fields[name] = field


class SurveyForm(GovukForm):
    glossary = True  # hints link their terms to the glossary

    title = forms.CharField(max_length=200)
    ons4 = forms.BooleanField(
        label="Ask the ONS4 wellbeing questions",
        required=False,
        initial=True,
        help_text="Life satisfaction, worthwhile, happiness and anxiety, each 0 to 10. "
        "Life satisfaction is the one valued in WELLBYs.",
    )
    deadweight = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=4,
        initial=0,
        help_text=services.GUIDANCE["deadweight"],
    )
    attribution = forms.DecimalField(
        min_value=0,
        max_value=1,
        decimal_places=4,
        initial=0,
        help_text=services.GUIDANCE["attribution"],
    )
    displacement = forms.DecimalField(
        min_value=0, max_value=1, decimal_places=4, initial=0,
        help_text=services.GUIDANCE["displacement"],
    )  # fmt: skip
    duration = forms.DecimalField(
        label="Duration in years",
        min_value=0.01,
        max_value=100,
        decimal_places=2,
        initial=1,
        help_text=services.GUIDANCE["duration"],
    )
    activities = forms.ModelMultipleChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The activities whose participants answer it.",
    )
    contract = forms.ModelChoiceField(
        queryset=Activity.objects.none(), required=False, empty_label="No contract"
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = Activity.objects.filter(organisation=organisation)
        self.fields["contract"].queryset = services.provider_contracts(organisation)
        for i in range(OWN_QUESTION_ROWS):
            n = i + 1
            _add(self, f"q{i}_key", forms.SlugField(
                label=f"Question {n}: key", required=False, max_length=50,
                help_text="Lower-case letters, digits and underscores, e.g. confidence.",
            ), "govuk-input--width-20")  # fmt: skip
            _add(self, f"q{i}_text", forms.CharField(
                label=f"Question {n}: wording", required=False, max_length=500
            ))  # fmt: skip
            _add(self, f"q{i}_min", forms.IntegerField(
                label=f"Question {n}: lowest answer", required=False, initial=0,
                min_value=-1000, max_value=1000,
            ), "govuk-input--width-3")  # fmt: skip
            _add(self, f"q{i}_max", forms.IntegerField(
                label=f"Question {n}: highest answer", required=False, initial=10,
                min_value=-1000, max_value=1000,
            ), "govuk-input--width-3")  # fmt: skip
            _add(self, f"q{i}_lower_better", forms.BooleanField(
                label=f"Question {n}: a lower answer is better", required=False
            ))  # fmt: skip

    def question_rows(self) -> list[list]:
        return [
            [self[f"q{i}_{part}"] for part in ("key", "text", "min", "max", "lower_better")]
            for i in range(OWN_QUESTION_ROWS)
        ]

    def question_specs(self) -> list[services.QuestionSpec]:
        data = self.cleaned_data
        specs = []
        for i in range(OWN_QUESTION_ROWS):
            key = (data.get(f"q{i}_key") or "").strip()
            text = (data.get(f"q{i}_text") or "").strip()
            if not key and not text:
                continue
            low = data.get(f"q{i}_min")
            high = data.get(f"q{i}_max")
            specs.append(
                services.QuestionSpec(
                    key=key,
                    text=text,
                    minimum=0 if low is None else low,
                    maximum=10 if high is None else high,
                    higher_is_better=not data.get(f"q{i}_lower_better"),
                )
            )
        return specs


def field_for(key: str) -> str:
    """The form field a domain error names: `questions[1].text` is `q1_text`."""
    if key.startswith("questions[") and "]." in key:
        index, part = key[len("questions[") :].split("].", 1)
        part = {"min": "min", "max": "max", "key": "key", "text": "text"}.get(part, part)
        return f"q{index}_{part}"
    if key.startswith("answers."):
        return "answer_" + key[len("answers.") :]
    return {"activity_ids": "activities", "contract_id": "contract"}.get(key, key)


class AnswerForm(GovukForm):
    """A response: the participant's code, the wave, the date, and a radio group per question."""

    participant = forms.CharField(
        label="Participant code",
        max_length=40,
        help_text="The code you were given, not your name.",
    )
    wave = forms.ChoiceField(
        label="Is this the first time you answer, or a later time?",
        choices=[
            (Wave.BASELINE, "First time (baseline)"),
            (Wave.FOLLOW_UP, "Later time (follow-up)"),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args,
        questions: list[Question],
        easy_read: bool = False,
        staff: bool = False,
        organisation=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if staff:
            self.fields["participant"].help_text = "The participant's code, never a name."
            self.fields["wave"].label = "Wave"
            _add(self, "answered_on", forms.DateField(
                label="Date answered", help_text="For example, 2026-04-30."
            ), "govuk-input--width-10")  # fmt: skip
            _add(self, "team", forms.CharField(required=False, max_length=200))
            _add(self, "area", forms.CharField(required=False, max_length=200))
            _add(self, "activity", forms.ModelChoiceField(
                queryset=Activity.objects.filter(organisation=organisation),
                required=False,
                empty_label="No activity",
            ))  # fmt: skip
        for question in questions:
            label = question.easy_read if easy_read and question.easy_read else question.text
            _add(self, f"answer_{question.key}", forms.TypedChoiceField(
                label=label,
                choices=[(p, str(p)) for p in question.points],
                coerce=int,
                required=False,
                error_messages={
                    "invalid_choice": f"Choose one of the answers to “{label.replace('%', '%%')}”"
                },
                widget=forms.RadioSelect,
                help_text=scale_hint(question),
            ))  # fmt: skip

    def answer_fields(self) -> list:
        return [self[f"answer_{q.key}"] for q in self.questions]

    def answers(self) -> dict[str, int]:
        return {
            q.key: self.cleaned_data[f"answer_{q.key}"]
            for q in self.questions
            if self.cleaned_data.get(f"answer_{q.key}") not in (None, "")
        }


def scale_hint(question: Question) -> str:
    if question.key == "anxiety":
        return (
            f"{question.minimum} is “not at all anxious”, {question.maximum} is "
            "“completely anxious”."
        )
    low, high = ("worst", "best") if question.higher_is_better else ("best", "worst")
    return f"{question.minimum} is the {low}, {question.maximum} is the {high}."


class ImportForm(GovukForm):
    file = forms.FileField(
        label="A CSV file or Excel workbook (.xlsx)",
        error_messages={
            "required": "Select a CSV file or Excel workbook (.xlsx) of responses.",
            "empty": "The file chosen is empty: choose a CSV file or Excel workbook with responses.",
        },
        help_text="Columns: participant, wave (baseline or follow_up), answered_on, team, area, "
        "and one column per question key.",
    )


class EvidenceForm(GovukForm):
    activity = forms.ModelChoiceField(
        label="Activity the survey measured", queryset=Activity.objects.none(), empty_label=None
    )
    period_start = forms.DateField(help_text="For example, 2025-04-01.")
    period_end = forms.DateField(help_text="For example, 2026-03-31.")

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        activities = survey.activities.all()
        if not activities.exists():
            activities = Activity.objects.filter(organisation=survey.organisation)
        self.fields["activity"].queryset = activities
