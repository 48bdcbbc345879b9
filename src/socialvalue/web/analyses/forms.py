"""Forms for an analysis: its settings, uploading a map, and the rows of the stakeholder, input and outcome tables."""

from __future__ import annotations

from typing import Any

from django import forms

from socialvalue.core.discounting import CONVENTIONS, SCHEDULES
from socialvalue.core.sroi.model import MAX_YEARS, VALUE_TYPES
from socialvalue.core.valuation import load_deflators
from socialvalue.web.files.checks import CSV, XLSX, check_upload
from socialvalue.web.forms import _ERROR_CLASSES, GovukForm, _govuk_class, offer_as_autocomplete
from socialvalue.web.measures.models import Measure

from .models import Analysis
from .services import MAP_SUFFIXES, MAX_SEED, WEB_MAX_DRAWS

CONSTANT = "constant"
RATE_CHOICES = [
    (CONSTANT, "A constant rate"),
    ("greenbook", "Green Book schedule (3.5% falling after 30 years)"),
    ("greenbook-health", "Green Book health schedule (1.5% falling after 30 years)"),
]
CONVENTION_CHOICES = [
    ("end", "End of year: the first year is discounted (SROI Guide, Excel's NPV)"),
    ("start", "Start of year: the first year is not discounted (Green Book year 0)"),
    ("mid", "Middle of year"),
]
assert {c for c, _ in RATE_CHOICES[1:]} == set(SCHEDULES)
assert {c for c, _ in CONVENTION_CHOICES} == set(CONVENTIONS)
_DEFLATORS = load_deflators()


def plain_number(value: float | int) -> str:
    """A number as a person would type it: 5395, not 5395.0; 0.35, not 0.35000000000000003."""
    rounded = round(float(value), 9)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.9f}".rstrip("0")


class AmountField(forms.FloatField):
    """A number typed as text: £, commas and spaces are allowed and ignored."""

    def __init__(self, *args: Any, width: int = 5, **kwargs: Any):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "spellcheck": "false",
                    "class": f"govuk-input--width-{width}",
                }
            ),
        )
        super().__init__(*args, **kwargs)

    default_error_messages = {
        "invalid": "Enter a number, like 1200 or 12.5",
        "required": "Enter a number",
        "min_value": "Enter %(limit_value)s or more",
        "max_value": "Enter %(limit_value)s or less",
    }

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").replace("£", "").replace("%", "").strip()
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return plain_number(value)
        return value


class PercentField(AmountField):
    """A percentage typed as 0 to 100 and stored as a fraction (20 becomes 0.2)."""

    default_error_messages = {
        "invalid": "Enter a percentage from 0 to 100",
        "required": "Enter a percentage from 0 to 100",
        "min_value": "Enter a percentage from 0 to 100",
        "max_value": "Enter a percentage from 0 to 100",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        kwargs.setdefault("width", 3)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        number = super().clean(value)
        return None if number is None else number / 100

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return plain_number(value * 100)
        return value


class WholeField(forms.IntegerField):
    default_error_messages = {
        "invalid": "Enter a whole number",
        "required": "Enter a whole number",
        "min_value": "Enter %(limit_value)s or more",
        "max_value": "Enter %(limit_value)s or less",
    }

    def __init__(self, *args: Any, width: int = 3, **kwargs: Any):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "class": f"govuk-input--width-{width}"}),
        )
        super().__init__(*args, **kwargs)


class MarkedErrorsForm(GovukForm):
    """A GOV.UK form whose fields point at their error messages, however late an error is added.

    The engine's problems are added after validation, so the error class and aria-describedby
    are set in `add_error` rather than only during cleaning.
    """

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        names = list(error.error_dict) if hasattr(error, "error_dict") else [field]
        for name in names:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-error"
                error_class = _ERROR_CLASSES.get(_govuk_class(widget), "")
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {error_class}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for field in self.fields.values():
            classes = field.widget.attrs.get("class", "").split()
            field.widget.attrs["class"] = " ".join(dict.fromkeys(classes))


class SettingsForm(MarkedErrorsForm):
    """What a blank analysis needs, and what its settings page changes."""

    glossary = True  # hints link their terms to the glossary

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the analysis"}
    )
    kind = forms.ChoiceField(
        label="Kind of analysis",
        choices=Analysis.Kind.choices,
        widget=forms.RadioSelect,
        help_text="A forecast estimates the value an activity will create; an evaluative analysis "
        "measures what it did create.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    period = forms.CharField(
        label="Period of activity",
        max_length=100,
        required=False,
        help_text="For example: April 2025 to March 2026.",
    )
    currency = forms.CharField(
        label="Currency",
        max_length=3,
        initial="GBP",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3"}),
    )
    price_year = WholeField(
        label="Price year (optional)",
        required=False,
        min_value=1900,
        max_value=2100,
        width=4,
        help_text="The year whose prices all values are in. Proxies stated in another year are "
        f"restated to it with the GDP deflator ({_DEFLATORS.first_year} to "
        f"{_DEFLATORS.last_year}).",
    )
    rate_kind = forms.ChoiceField(
        label="Discount rate", choices=RATE_CHOICES, initial=CONSTANT, widget=forms.RadioSelect
    )
    rate = PercentField(
        label="Constant discount rate (%)",
        required=False,
        initial=0.035,
        help_text="3.5 is the Green Book's standard rate.",
    )
    convention = forms.ChoiceField(
        label="When in the year values arrive",
        choices=CONVENTION_CHOICES,
        initial="end",
        widget=forms.RadioSelect,
    )
    draws = WholeField(
        label="Monte Carlo draws",
        min_value=0,
        max_value=WEB_MAX_DRAWS,
        initial=10_000,
        width=5,
        help_text="0 turns Monte Carlo off. 10,000 is usual; 100,000 is the most here.",
    )
    seed = WholeField(
        label="Monte Carlo seed",
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        width=10,
        help_text="The same seed gives the same range every time. Leave empty to pick one.",
    )

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["kind"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("rate_kind") == CONSTANT
            and data.get("rate") is None
            and "rate" not in self.errors
        ):
            self.add_error("rate", "Enter the discount rate, for example 3.5")
        return data

    def map_settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        rate = data["rate"] if data["rate_kind"] == CONSTANT else data["rate_kind"]
        return {
            "currency": data["currency"].strip().upper(),
            "price_year": data.get("price_year"),
            "rate": rate,
            "convention": data["convention"],
        }

    @staticmethod
    def initial_for(analysis: Analysis) -> dict[str, Any]:
        discount = analysis.impact_map.get("discount") or {}
        rate = discount.get("rate", 0.035)
        return {
            "name": analysis.name,
            "description": analysis.description,
            "period": analysis.period,
            "currency": analysis.currency,
            "price_year": analysis.impact_map.get("price_year"),
            "rate_kind": rate if isinstance(rate, str) else CONSTANT,
            "rate": None if isinstance(rate, str) else rate,
            "convention": discount.get("convention", "end"),
            "draws": analysis.draws,
            "seed": analysis.seed,
        }


class UploadForm(MarkedErrorsForm):
    file = forms.FileField(
        label="Impact map file",
        help_text="A .yaml, .json or .xlsx impact map, such as one downloaded from here or made "
        "from the Excel template.",
    )
    kind = forms.ChoiceField(
        label="Kind of analysis",
        choices=Analysis.Kind.choices,
        widget=forms.RadioSelect,
        initial=Analysis.Kind.FORECAST,
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=200,
        required=False,
        help_text="Leave empty to use the title in the file.",
    )

    def clean_file(self) -> Any:
        """Size and content checked as every upload is; then the content must match the name."""
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(MAP_SUFFIXES):
            raise forms.ValidationError("The file must be a .yaml, .json or .xlsx impact map.")
        try:
            file_type = check_upload(upload, extensions=MAP_SUFFIXES)
        except forms.ValidationError as exc:
            if exc.code == "not_allowed":
                raise forms.ValidationError(
                    f"{upload.name} is neither text nor an Excel workbook."
                ) from None
            raise
        if name.endswith(".xlsx") and file_type is not XLSX:
            raise forms.ValidationError(
                f"{upload.name} is named .xlsx but is not an Excel workbook."
            )
        if not name.endswith(".xlsx") and file_type is not CSV:  # CSV stands for UTF-8 text
            raise forms.ValidationError(
                f"{upload.name} is not UTF-8 text: save the map as YAML or JSON, or name a "
                "workbook .xlsx."
            )
        upload.seek(0)
        return upload


# --- the rows of the tables ----------------------------------------------------------------------


class RowForm(MarkedErrorsForm):
    """One row of a table; `index` is its position in the saved map (empty for the new row)."""

    index = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class StakeholderRow(RowForm):
    original = forms.CharField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label="Stakeholder",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    involvement = forms.CharField(
        label="How they are involved or affected",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-30"}),
    )


class StakeholderChoiceMixin:
    def __init__(self, *args: Any, stakeholders: list[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].choices = [("", "Choose")] + [(n, n) for n in stakeholders]


class InputRow(StakeholderChoiceMixin, RowForm):
    stakeholder = forms.ChoiceField(label="Stakeholder", required=False)
    description = forms.CharField(
        label="Description",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    value = AmountField(label="Value (£)", min_value=0, width=10)
    low = AmountField(label="Low (£)", min_value=0, required=False, width=10)
    high = AmountField(label="High (£)", min_value=0, required=False, width=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and low > high:
            self.add_error("high", "The high value must not be below the low value")
        return data


class OutcomeRow(StakeholderChoiceMixin, RowForm):
    description = forms.CharField(
        label="Outcome",
        max_length=500,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    stakeholder = forms.ChoiceField(label="Stakeholder")
    quantity = AmountField(label="Quantity", min_value=0, width=4)
    proxy_value = AmountField(label="Proxy (£)", width=5)
    duration = WholeField(label="Years", min_value=1, max_value=MAX_YEARS, width=2)
    deadweight = PercentField(label="Deadweight (%)")
    displacement = PercentField(label="Displacement (%)")
    attribution = PercentField(label="Attribution (%)")
    drop_off = PercentField(label="Drop-off (%)")

    @staticmethod
    def initial_for(index: int, outcome: dict[str, Any]) -> dict[str, Any]:
        proxy = outcome.get("proxy")
        return {
            "index": index,
            "description": outcome.get("description"),
            "stakeholder": outcome.get("stakeholder"),
            "quantity": outcome.get("quantity"),
            "proxy_value": proxy.get("value") if isinstance(proxy, dict) else proxy,
            "duration": outcome.get("duration"),
            **{
                k: outcome.get(k, 0.0)
                for k in ("deadweight", "displacement", "attribution", "drop_off")
            },
        }


#: The fields that may carry a Monte Carlo range, as the outcome page labels them.
RANGE_LABELS = {
    "quantity": "Quantity",
    "proxy_value": "Proxy value (£)",
    "deadweight": "Deadweight (%)",
    "displacement": "Displacement (%)",
    "attribution": "Attribution (%)",
    "drop_off": "Drop-off (%)",
}
PERCENTS = ("deadweight", "displacement", "attribution", "drop_off")


class OutcomeForm(StakeholderChoiceMixin, MarkedErrorsForm):
    """Everything about one outcome, with a Monte Carlo range (low and high) for each number."""

    glossary = True  # hints link their terms to the glossary

    id = forms.CharField(
        label="Short name (ID)",
        max_length=60,
        required=False,
        help_text="Used in the results and downloads. Leave empty to number it.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    description = forms.CharField(label="Outcome", max_length=500)
    stakeholder = forms.ChoiceField(label="Stakeholder")
    indicator = forms.CharField(
        label="Indicator (optional)",
        max_length=500,
        required=False,
        help_text="How the change is measured, for example UCLA loneliness score.",
    )
    value_type = forms.ChoiceField(
        label="Value type (optional)",
        required=False,
        choices=[("", "Not given")] + [(v, v.capitalize()) for v in VALUE_TYPES],
    )
    quantity = AmountField(
        label="Quantity", min_value=0, width=10, help_text="How many people or things change."
    )
    proxy_value = AmountField(
        label="Financial proxy (£ per unit)", width=10, help_text="Negative for a negative outcome."
    )
    proxy_description = forms.CharField(label="What the proxy is", max_length=500, required=False)
    proxy_source = forms.CharField(label="Source of the proxy", max_length=1000, required=False)
    proxy_price_year = WholeField(
        label="Proxy price year (optional)", required=False, min_value=1900, max_value=2100, width=4
    )
    measure = forms.ModelChoiceField(
        label="Measure it is counted by (optional)",
        queryset=Measure.objects.none(),
        required=False,
        empty_label="None",
        help_text="Naming the measure lets the analysis warn when two outcomes count the same "
        "change, such as a QALY and a WELLBY for the same people.",
    )
    duration = WholeField(label="Duration (years)", min_value=1, max_value=MAX_YEARS, width=3)
    start = WholeField(
        label="Starts in year",
        min_value=1,
        max_value=MAX_YEARS,
        initial=1,
        width=3,
        help_text="1 is the year of the activity, 2 the year after.",
    )
    deadweight = PercentField(
        label="Deadweight (%)", initial=0.0, help_text="What would have happened anyway."
    )
    displacement = PercentField(
        label="Displacement (%)", initial=0.0, help_text="Value moved from elsewhere."
    )
    attribution = PercentField(label="Attribution (%)", initial=0.0, help_text="Owed to others.")
    drop_off = PercentField(
        label="Drop-off (%)", initial=0.0, help_text="Lost each year after the first."
    )

    def __init__(self, *args: Any, measures: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Only the measures the organisation may use (built-in, site-wide and its own sets).
        if measures is not None:
            self.fields["measure"].queryset = measures.select_related("value_set").order_by(
                "value_set__name", "position", "code"
            )
        offer_as_autocomplete(self.fields["measure"])
        for name, label in RANGE_LABELS.items():
            kind = PercentField if name in PERCENTS else AmountField
            for end in ("low", "high"):
                field = kind(label=f"{label}: {end}", required=False)
                field.widget.attrs["class"] = "govuk-input govuk-input--width-5"
                self.fields[f"{name}_{end}"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in RANGE_LABELS:
            low, high = data.get(f"{name}_low"), data.get(f"{name}_high")
            if low is not None and high is not None and low > high:
                self.add_error(f"{name}_high", "The high value must not be below the low value")
        return data

    def row(self) -> dict[str, Any]:
        """The outcome as `services.outcome_from_row` takes it."""
        data = self.cleaned_data
        row = {
            key: data[key]
            for key in (
                "description",
                "stakeholder",
                "indicator",
                "value_type",
                "quantity",
                "proxy_value",
                "proxy_description",
                "proxy_source",
                "proxy_price_year",
                "duration",
                "start",
                *PERCENTS,
            )
        }
        if data.get("id"):
            row["id"] = data["id"]
        row["ranges"] = {name: (data[f"{name}_low"], data[f"{name}_high"]) for name in RANGE_LABELS}
        return row

    @staticmethod
    def initial_for(outcome: dict[str, Any]) -> dict[str, Any]:
        proxy = outcome.get("proxy")
        proxy = proxy if isinstance(proxy, dict) else {"value": proxy}
        initial = {
            "id": outcome.get("id"),
            "description": outcome.get("description"),
            "stakeholder": outcome.get("stakeholder"),
            "indicator": outcome.get("indicator"),
            "value_type": outcome.get("value_type") or "",
            "quantity": outcome.get("quantity"),
            "proxy_value": proxy.get("value"),
            "proxy_description": proxy.get("description"),
            "proxy_source": proxy.get("source"),
            "proxy_price_year": proxy.get("price_year"),
            "duration": outcome.get("duration"),
            "start": outcome.get("start", 1),
            **{k: outcome.get(k, 0.0) for k in PERCENTS},
        }
        for name, dist in (outcome.get("uncertainty") or {}).items():
            initial[f"{name}_low"], initial[f"{name}_high"] = dist.get("low"), dist.get("high")
        return initial


StakeholderRows = forms.formset_factory(StakeholderRow, extra=1, can_delete=True)
InputRows = forms.formset_factory(InputRow, extra=1, can_delete=True)
OutcomeRows = forms.formset_factory(OutcomeRow, extra=1, can_delete=True)
