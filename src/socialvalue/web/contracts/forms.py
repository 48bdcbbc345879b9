"""Forms for entering a contract and its commitments, a provider's return and the commissioner's verification."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from socialvalue.core.periods import financial_year_label
from socialvalue.web.accounts.models import Organisation
from socialvalue.web.files.forms import UploadField
from socialvalue.web.forms import GovukForm, offer_as_autocomplete
from socialvalue.web.prices import price_year_choices

from .models import DeliveryProfile, LineReview, ReportingFrequency


def _govuk(field: forms.Field) -> forms.Field:
    """GOV.UK classes for a field added after the form's own set-up (one per return line)."""
    widget = field.widget
    css = (
        "govuk-select"
        if isinstance(widget, forms.Select)
        else "govuk-textarea"
        if isinstance(widget, forms.Textarea)
        else "govuk-input"
    )
    widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
    return field


DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input--width-10"})
NUMBER = {"inputmode": "decimal", "class": "govuk-input--width-10"}


class ContractForm(GovukForm):
    title = forms.CharField(label="Title", max_length=300)
    reference = forms.CharField(
        label="Reference", max_length=100, required=False, help_text="Your contract number."
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not registered here: type its name below",
    )
    provider_name = forms.CharField(
        label="Provider's name, if it is not registered", max_length=200, required=False
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    value = forms.DecimalField(
        label="Contract value (£)",
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=2,
        widget=forms.TextInput(attrs=NUMBER),
    )
    start_date = forms.DateField(label="Start date", widget=DATE)
    end_date = forms.DateField(label="End date", widget=DATE)
    reporting_frequency = forms.ChoiceField(
        label="Returns are due",
        choices=ReportingFrequency.choices,
        error_messages={
            "required": "Choose how often returns are due.",
            "invalid_choice": "Choose how often returns are due from the list.",
        },
        initial=ReportingFrequency.QUARTERLY,
        help_text="The provider reports once per period, from the start date.",
    )

    def __init__(self, *args, commissioner=None, **kwargs):
        super().__init__(*args, **kwargs)
        providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)
        if commissioner is not None:
            providers = providers.exclude(pk=commissioner.pk)
        self.fields["provider"].queryset = providers.order_by("name")
        offer_as_autocomplete(self.fields["provider"])


class CommitmentForm(GovukForm):
    measure = forms.ModelChoiceField(
        label="Measure",
        queryset=None,
        required=False,
        empty_label="No measure: describe the outcome below",
        help_text="Its unit, proxy value, value type, theme and SDGs are used unless you give others.",
    )
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_quantity = forms.DecimalField(
        label="Target quantity over the contract",
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
    )
    unit = forms.CharField(
        label="Unit",
        max_length=300,
        required=False,
        help_text="Leave blank for the measure's unit.",
    )
    proxy_value = forms.DecimalField(
        label="Proxy value (£ per unit)",
        required=False,
        min_value=Decimal(0),
        max_digits=24,
        decimal_places=6,
        widget=forms.TextInput(attrs=NUMBER),
        help_text="Leave blank for the measure's proxy value.",
    )
    proxy_source = forms.CharField(label="Source of the proxy value", required=False)
    price_year = forms.IntegerField(
        label="Price year",
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    priority = forms.ModelChoiceField(
        label="Local priority it serves", queryset=None, required=False, empty_label="None"
    )
    profile = forms.ChoiceField(
        label="Delivery profile",
        choices=[c for c in DeliveryProfile.choices if c[0] != DeliveryProfile.CUSTOM],
        initial=DeliveryProfile.EVEN,
        help_text="How the target is spread over the reporting periods.",
    )

    def __init__(self, *args, measures, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        # Any of the council's priorities parses, so a retired one is refused with the domain's
        # reason; only the current ones are offered.
        self.fields["priority"].queryset = priorities
        self.fields["priority"].widget.choices = [("", "None")] + [
            (p.pk, str(p)) for p in priorities if p.active
        ]
        offer_as_autocomplete(self.fields["measure"])
        offer_as_autocomplete(self.fields["priority"])


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    """Evidence records to tick, each named by what it claims and how far it is checked."""

    def label_from_instance(self, obj) -> str:
        note = f": {obj.note[:80]}" if obj.note else ""
        return (
            f"{obj.quantity_text} {obj.measure.unit}, {obj.period_label} "
            f"({obj.get_verification_display().lower()}){note}"
        )


class ReturnForm(GovukForm):
    """The provider's figures for each open line, a narrative and evidence files."""

    narrative = forms.CharField(
        label="What happened this period",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What was delivered, for whom, and anything that got in the way.",
    )
    evidence = UploadField(
        label="Evidence files",
        multiple=True,
        required=False,
        error_messages={"empty": "One of the evidence files is empty: choose the files again"},
    )

    def __init__(self, *args, lines, offered=None, **kwargs):
        """`offered`: for each line's id, the evidence records it may cite (none when absent)."""
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        offered = offered or {}
        for line in self.lines:
            title = line.commitment.title
            records = offered.get(line.pk)
            if records is not None and records.exists():
                self.fields[f"evidence_{line.pk}"] = EvidenceChoiceField(
                    label=f"Evidence already recorded for {title}",
                    queryset=records,
                    required=False,
                    initial=[record.pk for record in line.evidence.all()],
                    help_text="Tick the records that back this figure, instead of entering "
                    "them again.",
                    widget=forms.CheckboxSelectMultiple,
                )
            self.fields[f"quantity_{line.pk}"] = _govuk(
                forms.DecimalField(
                    label=f"Quantity delivered ({line.commitment.unit})",
                    error_messages={
                        "invalid": f"Enter the quantity delivered for {title} as a number.",
                        "min_value": f"The quantity delivered for {title} cannot be negative.",
                    },
                    required=False,
                    min_value=Decimal(0),
                    max_digits=18,
                    decimal_places=4,
                    initial=line.reported_quantity,
                    widget=forms.TextInput(attrs=NUMBER),
                )
            )
            self.fields[f"note_{line.pk}"] = _govuk(
                forms.CharField(
                    label="Note (optional)",
                    required=False,
                    initial=line.provider_note,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            )
            if line.verification == LineReview.QUERIED:
                self.fields[f"response_{line.pk}"] = _govuk(
                    forms.CharField(
                        label="Your answer to the query",
                        required=False,
                        initial=line.response,
                        help_text=f"The commissioner asked: {line.reason}",
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                )

    def line_fields(self):
        """Each line with its own fields, and its evidence choice (None when none is offered)."""
        for line in self.lines:
            evidence = f"evidence_{line.pk}"
            yield (
                line,
                [
                    self[name]
                    for name in (f"quantity_{line.pk}", f"note_{line.pk}", f"response_{line.pk}")
                    if name in self.fields
                ],
                self[evidence] if evidence in self.fields else None,
            )


class VerificationForm(GovukForm):
    """The commissioner's decision on each line awaiting review, with a reason to query or reject."""

    CHOICES = [
        (LineReview.ACCEPTED, "Accept"),
        (LineReview.QUERIED, "Query"),
        (LineReview.REJECTED, "Reject"),
    ]

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            # Each line's fields say which line they are for: several are on one page, and the
            # error summary and screen readers' form lists show labels without their fieldset.
            title = line.commitment.title
            self.fields[f"decision_{line.pk}"] = _govuk(
                forms.ChoiceField(
                    label=f"Decision on “{title}”",
                    choices=[("", "Not decided yet"), *self.CHOICES],
                    required=False,
                )
            )
            self.fields[f"reason_{line.pk}"] = _govuk(
                forms.CharField(
                    label=f"Reason for the decision on “{title}”",
                    required=False,
                    help_text="Needed to query or reject: the provider sees it.",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            )

    def line_fields(self):
        for line in self.lines:
            yield line, self[f"decision_{line.pk}"], self[f"reason_{line.pk}"]


class PortfolioForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Financial year", required=False, coerce=int, empty_value=None
    )
    price_year = forms.TypedChoiceField(
        label="Price year", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [
            (y, financial_year_label(y)) for y in years
        ]
        self.fields["price_year"].choices = price_year_choices()


class LineMessageForm(GovukForm):
    """A message on a return line's conversation, with an optional file."""

    body = forms.CharField(
        label="Your message",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write your message."},
    )
    file = UploadField(
        label="Attach a file (optional)",
        required=False,
        error_messages={"empty": "The file you attached is empty: choose another"},
    )


class ResubmitLineForm(GovukForm):
    """The provider's answer to a query on one line, with its corrected figures."""

    quantity = forms.DecimalField(
        label="Quantity delivered",
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
        error_messages={
            "required": "Enter the quantity delivered, 0 if none.",
            "invalid": "Enter the quantity delivered as a number.",
            "min_value": "The quantity delivered cannot be negative.",
        },
    )
    answer = forms.CharField(
        label="Your answer to the query",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Answer the commissioner's query."},
    )
    note = forms.CharField(
        label="Note on the figures (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    file = UploadField(
        label="Attach evidence (optional)",
        required=False,
        error_messages={"empty": "The evidence you attached is empty: choose another file"},
    )
