"""Forms for recording, finding, verifying and importing evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms

from socialvalue.web.files.forms import UploadField
from socialvalue.web.forms import GovukForm, offer_as_autocomplete
from socialvalue.web.measures.models import Measure
from socialvalue.web.planning.models import Activity
from socialvalue.web.tenancy import Actor, visible

from . import services
from .models import Verification

DATE_WIDGET = {"type": "date", "class": "govuk-input--width-10"}


def _date_field(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"), **kwargs
    )


def measure_choices(actor: Actor, activities: Any = None) -> tuple[list, set[int]]:
    """Measures grouped by value set, those the organisation's activities use first, and their ids."""
    rows = list(
        visible(Measure, actor)
        .order_by("value_set__name", "value_set__version", "position", "code")
        .values_list("id", "code", "title", "unit", "value_set__name", "value_set__version")
    )
    used = set()
    if activities is not None:
        used = set(
            Activity.measures.through.objects.filter(activity__in=activities).values_list(
                "measure_id", flat=True
            )
        )
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, code, title, unit, set_name, version in rows:
        label = f"{code} {title} ({unit})"
        if pk in used:
            groups["Measures your activities use"].append((pk, label))
        groups[f"{set_name} ({version})"].append((pk, label))
    ordered = sorted(groups.items(), key=lambda item: item[0] != "Measures your activities use")
    return ordered, {pk for pk, *_ in rows}


class _MeasureMixin:
    def _set_measures(self, actor: Actor, activities: Any, empty: str) -> None:
        choices, self._measure_ids = measure_choices(actor, activities)
        self.fields["measure"].choices = [("", empty), *choices]

    def clean_measure(self) -> Measure | None:
        value = self.cleaned_data.get("measure")
        if not value or int(value) not in self._measure_ids:
            return None
        return Measure.objects.select_related("value_set").get(pk=int(value))


class FilterForm(_MeasureMixin, GovukForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the note, measure or activity.",
    )
    date_from = _date_field("Periods ending on or after", required=False)
    date_to = _date_field("Periods starting on or before", required=False)
    verification = forms.ChoiceField(
        label="Verification", required=False, choices=[("", "Any level"), *Verification.choices]
    )
    measure = forms.ChoiceField(label="Measure", required=False)
    activity = forms.ModelChoiceField(
        label="Activity",
        required=False,
        queryset=Activity.objects.none(),
        empty_label="Any activity",
    )
    team = forms.ChoiceField(label="Team", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        activities = visible(Activity, actor)
        self.fields["activity"].queryset = activities
        self._set_measures(actor, activities, "Any measure")
        teams, areas = services.teams_and_areas(actor)
        self.fields["team"].choices = [("", "Any team"), *((t, t) for t in teams)]
        self.fields["area"].choices = [("", "Any area"), *((a, a) for a in areas)]

    def filters(self) -> services.Filters:
        if not self.is_valid():
            return services.Filters()
        data = self.cleaned_data
        return services.Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            measure=data["measure"].pk if data.get("measure") else None,
            activity=data["activity"].pk if data.get("activity") else None,
            verification=data.get("verification") or "",
            team=data.get("team") or "",
            area=data.get("area") or "",
            search=data.get("q") or "",
        )


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        where = ", ".join(p for p in (obj.team, obj.area) if p)
        return f"{obj.name} ({where})" if where else obj.name


class EvidenceForm(_MeasureMixin, GovukForm):
    activity = ActivityChoiceField(
        label="Activity",
        queryset=Activity.objects.none(),
        empty_label="Choose an activity",
        help_text="The activity that delivered it.",
    )
    measure = forms.ChoiceField(
        label="Measure", help_text="What was delivered, from your value sets."
    )
    quantity = forms.CharField(
        label="Quantity",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        help_text="In the measure's unit, for example 120 hours.",
    )
    period_start = _date_field("First day of the period")
    period_end = _date_field("Last day of the period")
    contract = forms.ModelChoiceField(
        label="Contract (optional)",
        required=False,
        queryset=services.provider_contracts(None).none(),
        empty_label="Not under a contract",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it was counted, and where the records are kept.",
    )

    def __init__(
        self, *args: Any, organisation: Any, actor: Actor, with_files: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        activities = visible(Activity, actor)
        self.fields["activity"].queryset = activities
        self._set_measures(actor, activities, "Choose a measure")
        # The chosen activity's own measures are suggested first.
        uses: dict[int, list[int]] = defaultdict(list)
        for activity_id, measure_id in Activity.measures.through.objects.filter(
            activity__in=activities
        ).values_list("activity_id", "measure_id"):
            uses[activity_id].append(measure_id)
        offer_as_autocomplete(self.fields["measure"], suggest_from="activity", suggestions=uses)
        offer_as_autocomplete(self.fields["activity"])
        contracts = services.provider_contracts(organisation)
        if contracts.exists():
            self.fields["contract"].queryset = contracts
        else:
            del self.fields["contract"]
        if with_files:
            self.fields["files"] = UploadField(
                label="Files (optional)", required=False, multiple=True
            )
            self.fields["files"].widget.attrs["class"] = "govuk-file-upload"

    def clean_quantity(self) -> Any:
        try:
            return services.parse_quantity(self.cleaned_data.get("quantity"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in services.period_problems(
            data.get("period_start"), data.get("period_end")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


class AttachForm(GovukForm):
    files = UploadField(
        label="Add files",
        multiple=True,
        error_messages={
            "required": "Select the files to add.",
            "empty": "A file you chose is empty: choose the files again.",
        },
    )


class DecisionForm(GovukForm):
    """Carries a refusal of a decision on a record (verify, reject, reopen) to the error summary."""


class RejectForm(GovukForm):
    reason = forms.CharField(
        label="Why is it rejected?",
        max_length=2000,
        error_messages={
            "required": "Say why the record is rejected.",
            "max_length": "Say why the record is rejected in at most %(limit_value)d characters.",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what is wrong, so the person who recorded it can put it right.",
    )


class ImportForm(GovukForm):
    file = UploadField(
        cp1252=True,  # the importer reads Windows-1252 text when a file is not UTF-8
        label="Evidence file",
        help_text="A .csv or .xlsx file with a header row: measure, activity, quantity, "
        "period_start, period_end, and optionally value_set, contract and note.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ConfirmImportForm(GovukForm):
    token = forms.CharField(
        max_length=64,
        widget=forms.HiddenInput,
        error_messages={
            "required": "That import has expired: upload the file again",
            "max_length": "That import has expired: upload the file again",
        },
    )
    #: Shown when the file's content was imported before: without it, the import is refused.
    confirm_duplicate = forms.BooleanField(label="Import it again anyway", required=False)


class EvidenceMessageForm(GovukForm):
    body = forms.CharField(
        label="Your message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your message."},
    )
