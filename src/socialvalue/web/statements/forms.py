"""Forms for the statement builder: a new statement, each section of the draft, commitments, publishing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.forms import modelform_factory
from django.utils import timezone

from socialvalue.web.forms import GovukForm, GovukModelForm, offer_as_autocomplete
from socialvalue.web.measures.models import Measure, SdgGoal, Theme, ValueSet
from socialvalue.web.planning import services as planning
from socialvalue.web.planning.forms import DateInput, describe_chosen, grouped_measures
from socialvalue.web.tenancy import Actor, visible

from .models import Commitment, Statement
from .services import SECTIONS, StatementSection

MARKDOWN_HINT = "You can use Markdown: a blank line between paragraphs, * for a bulleted list."

_TEXT_HINTS = {
    "mission": "Why your organisation exists, in a few sentences. " + MARKDOWN_HINT,
    "principles": "The principles that guide how you create social value. " + MARKDOWN_HINT,
    "csr_policy_url": "The web address where your CSR policy is published.",
    "csr_policy_summary": "How this statement relates to your corporate social responsibility policy. "
    + MARKDOWN_HINT,
    "alignment": "How your social value work serves the objectives of your business plan. "
    + MARKDOWN_HINT,
    "governance": "Who owns social value, how the board oversees it and what your champions do. "
    "Your champions are listed from the Members page. " + MARKDOWN_HINT,
    "measurement": "The measures and methods you use, how evidence is verified, and who you "
    "report to and how often. " + MARKDOWN_HINT,
    "sharing": "How teams and areas learn from each other's good practice. " + MARKDOWN_HINT,
    "review_date": "When you will next review the statement. The dashboard warns when it has passed.",
}


class StatementFormBase(GovukModelForm):
    """Rules every form of a statement keeps, on the pages and in the API."""

    def clean_review_date(self):
        value = self.cleaned_data.get("review_date")
        # A date already passed may stay (the dashboard says it is due); a new one may not be past.
        if value and value < timezone.localdate() and value != self.instance.review_date:
            raise forms.ValidationError(
                "Review date must be today or later: it is when you will next look at the statement",
                code="past",
            )
        return value


class NewStatementForm(StatementFormBase):
    class Meta:
        model = Statement
        fields = ["title", "review_date"]
        labels = {"title": "Title", "review_date": "Review date"}
        help_texts = {
            "title": "For example: Social value statement 2025 to 2026.",
            "review_date": _TEXT_HINTS["review_date"],
        }
        widgets = {"review_date": DateInput()}


def section_form_class(section: StatementSection) -> type[GovukModelForm]:
    widgets: dict[str, Any] = {
        name: forms.Textarea(attrs={"rows": 8})
        for name in section.fields
        if name not in ("title", "review_date", "csr_policy_url", "objectives")
    }
    widgets["review_date"] = DateInput()
    widgets["objectives"] = forms.CheckboxSelectMultiple
    return modelform_factory(
        Statement,
        form=StatementFormBase,
        fields=section.fields,
        widgets={k: v for k, v in widgets.items() if k in section.fields},
        help_texts={k: v for k, v in _TEXT_HINTS.items() if k in section.fields},
        labels={
            "title": "Title",
            "review_date": "Review date",
            "objectives": "Business-plan objectives the statement serves",
        },
    )


def section_form(section: StatementSection, statement: Statement, data=None) -> GovukModelForm:
    form = section_form_class(section)(data, instance=statement)
    if "objectives" in form.fields:
        form.fields["objectives"].queryset = planning.objective_choices(statement.organisation)
        form.fields["objectives"].label_from_instance = str
    return form


#: Every draft field the builder edits, in the order of its sections.
DRAFT_FIELDS = tuple(name for section in SECTIONS for name in section.fields)


def draft_form(statement: Statement, data=None) -> GovukModelForm:
    """The whole draft in one form (the API's create and update), with the sections' rules."""
    form = section_form_class(StatementSection("all", "All", DRAFT_FIELDS, ""))(
        data, instance=statement
    )
    form.fields["objectives"].queryset = planning.objective_choices(statement.organisation)
    return form


def _grouped_themes(themes) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for theme in themes:
        groups[str(theme.value_set)].append((theme.pk, theme.name))
    return list(groups.items())


class CommitmentForm(GovukModelForm):
    measures = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        label="Measures",
        help_text="The measures that count progress. Hold Ctrl (Cmd on a Mac) to choose more than one.",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.none(),
        required=False,
        label="Themes",
        help_text="Leave empty to use the themes of the measures you chose.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    sdg_goals = forms.ModelMultipleChoiceField(
        queryset=SdgGoal.objects.all(),
        required=False,
        label="Sustainable Development Goals",
        help_text="Leave empty to use the goals of the measures you chose.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        fields = ["title", "description", "target", "measures", "themes", "sdg_goals", "position"]
        labels = {
            "title": "Commitment",
            "description": "What it means in practice",
            "target": "Target",
            "position": "Order in the statement",
        }
        help_texts = {
            "title": "One sentence, for example: We will recruit locally and pay the Real Living Wage.",
            "description": MARKDOWN_HINT,
            "target": "What you aim to achieve and by when, for example: 20 apprentices a year by 2027.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "position": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        measures = planning.measure_choices(organisation)
        self.fields["measures"].queryset = measures
        self.fields["measures"].widget.choices = grouped_measures(measures)
        if self.instance.pk:
            describe_chosen(self.fields["measures"], self.instance.measures.order_by("code"))
        actor = Actor(user=None, memberships={organisation.pk: None})
        themes = (
            Theme.objects.filter(value_set__in=visible(ValueSet, actor))
            .select_related("value_set")
            .annotate(preference=planning.set_preference("value_set__"))
            .order_by("preference", "value_set__name", "value_set_id", "position")
        )
        self.fields["themes"].queryset = themes
        self.fields["themes"].widget.choices = _grouped_themes(themes)
        offer_as_autocomplete(self.fields["measures"])
        offer_as_autocomplete(self.fields["themes"])
        self.fields["sdg_goals"].label_from_instance = lambda g: f"{g.number}. {g.short_name}"

    def clean(self):
        data = super().clean()
        measures = data.get("measures") or []
        # A commitment names its themes and goals; when the user leaves them to us, they follow
        # from the measures, so the statement never shows a commitment with no theme by accident.
        if measures and not data.get("themes"):
            data["themes"] = Theme.objects.filter(
                pk__in=[m.theme_id for m in measures if m.theme_id]
            )
        if measures and not data.get("sdg_goals"):
            data["sdg_goals"] = SdgGoal.objects.filter(
                targets__measures__in=[m.pk for m in measures]
            ).distinct()
        return data


class PublishForm(GovukForm):
    note = forms.CharField(
        label="What changed and why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown in the statement's history beside the changes listed above.",
    )


class SharingForm(forms.Form):
    shared = forms.BooleanField(required=False)
