"""Forms for business-plan objectives and activities, limited to what the organisation may link to."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms

from socialvalue.web.forms import GovukForm, GovukModelForm, offer_as_autocomplete
from socialvalue.web.measures.models import Measure

from . import services
from .models import Activity, Objective


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(
            attrs={"class": "govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


class ObjectiveForm(GovukModelForm):
    class Meta:
        model = Objective
        fields = ["code", "title", "description", "owner", "target_date", "position"]
        labels = {
            "code": "Reference",
            "title": "Objective",
            "owner": "Owner",
            "target_date": "Target date",
            "position": "Order in the list",
        }
        help_texts = {
            "code": "The objective's reference in your business plan, for example BP2.",
            "owner": "The person or team responsible, as your plan names them.",
            "position": "Objectives are listed in this order.",
        }
        widgets = {
            "code": forms.TextInput(attrs={"class": "govuk-input--width-10"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_date": DateInput(),
            "position": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }


def describe_chosen(field: forms.Field, chosen) -> None:
    """Name what is chosen already in the hint: a long list may hide the selected rows."""
    codes = [m.code for m in chosen]
    if codes:
        field.help_text = f"{field.help_text} Chosen now: {', '.join(codes)}."


def grouped_measures(measures) -> list[tuple[str, list[tuple[int, str]]]]:
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for measure in measures:
        theme = measure.theme.name if measure.theme else "No theme"
        groups[f"{measure.value_set.name}: {theme}"].append(
            (measure.pk, f"{measure.code} {measure.title}")
        )
    return list(groups.items())


class ActivityForm(GovukModelForm):
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Business-plan objectives it serves",
    )
    measures = forms.ModelMultipleChoiceField(
        queryset=Measure.objects.none(),
        required=False,
        label="Measures",
        help_text="How the activity's value is counted. Hold Ctrl (Cmd on a Mac) to choose more than one.",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = Activity
        fields = [
            "name",
            "description",
            "team",
            "area",
            "objectives",
            "measures",
            "contract",
            "start_date",
            "end_date",
            "cost",
            "lead",
        ]
        labels = {
            "name": "Activity",
            "team": "Team",
            "area": "Area",
            "start_date": "Start date",
            "end_date": "End date",
            "cost": "Cost (£)",
            "lead": "Lead person",
            "contract": "Contract",
        }
        help_texts = {
            "team": "The team that runs it, for example Supported living.",
            "area": "Where it happens, for example Riverside North.",
            "cost": "What the activity costs over its dates, in pounds.",
            "lead": "The member of your organisation who leads it.",
            "contract": "The contract it delivers, if it is part of one you provide.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "team": forms.TextInput(attrs={"list": "team-names", "autocomplete": "off"}),
            "area": forms.TextInput(attrs={"list": "area-names", "autocomplete": "off"}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "cost": forms.NumberInput(
                attrs={"class": "govuk-input--width-10", "step": "0.01", "min": "0"}
            ),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["objectives"].queryset = services.objective_choices(organisation)
        measures = services.measure_choices(organisation)
        self.fields["measures"].queryset = measures
        self.fields["measures"].widget.choices = grouped_measures(measures)
        offer_as_autocomplete(self.fields["measures"])
        if self.instance.pk:
            describe_chosen(self.fields["measures"], self.instance.measures.order_by("code"))
        self.fields["lead"].queryset = services.lead_choices(organisation)
        self.fields["lead"].empty_label = "No lead named"
        self.fields["lead"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.email})" if user.full_name else user.email
        )
        self.fields["contract"].queryset = services.contract_choices(organisation)
        self.fields["contract"].empty_label = "Not part of a contract"
        self.team_names = services.team_names(organisation)
        self.area_names = services.area_names(organisation)


class ActivityFilterForm(GovukForm):
    q = forms.CharField(label="Search activities", required=False, max_length=200)
    team = forms.ChoiceField(label="Team", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    objective = forms.TypedChoiceField(
        label="Objective", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Any team")] + [
            (t, t) for t in services.team_names(organisation)
        ]
        self.fields["area"].choices = [("", "Any area")] + [
            (a, a) for a in services.area_names(organisation)
        ]
        self.fields["objective"].choices = [("", "Any objective")] + [
            (o.pk, str(o)) for o in services.objective_choices(organisation)
        ]
