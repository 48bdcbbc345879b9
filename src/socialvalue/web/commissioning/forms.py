"""Forms for the charter, procurements, bids and scores."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from socialvalue.web.forms import GovukForm, GovukModelForm, offer_as_autocomplete
from socialvalue.web.measures.models import Measure
from socialvalue.web.tenancy import visible

from .models import Bid, Charter, Priority, Procurement, QualityCriterion, RequestedOutcome
from .services import PROCUREMENT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BidChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.bidder_name} (£{obj.price:,.0f})"


class CharterForm(GovukModelForm):
    note = forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=300,
        help_text="Kept with this version in the charter's history.",
    )

    class Meta:
        model = Charter
        fields = ["principles", "minimum_social_value_weight", "threshold", "minimum_outcomes"]
        widgets = {"principles": forms.Textarea(attrs={"rows": 6})}


def priority_choices(field: forms.ModelChoiceField, procurement: Procurement) -> None:
    """Offer the buyer's current priorities; any of its priorities parses, so that choosing a
    retired one is refused by the domain rule with its reason rather than as an unknown choice."""
    field.queryset = Priority.objects.filter(organisation_id=procurement.organisation_id)
    field.widget.choices = [("", field.empty_label)] + [
        (p.pk, str(p)) for p in field.queryset.filter(active=True)
    ]
    offer_as_autocomplete(field)


def measure_choices(actor) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=visible(Measure, actor).select_related("value_set").order_by("code", "title"),
        required=False,
        label="Measure",
    )


class PriorityForm(GovukModelForm):
    evidence_url = forms.URLField(
        label="Link to the evidence (optional)", required=False, assume_scheme="https"
    )

    class Meta:
        model = Priority
        fields = ["rank", "title", "description", "evidence", "evidence_url", "measures"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rank"].help_text = "1 is the council's highest priority."
        self.fields["measures"].queryset = measure_choices(actor).queryset
        self.fields["measures"].required = False
        self.fields["measures"].help_text = "The measures that show progress on this priority."
        self.fields["measures"].widget.attrs["size"] = 8
        offer_as_autocomplete(self.fields["measures"])


class ProcurementForm(GovukModelForm):
    class Meta:
        model = Procurement
        fields = list(PROCUREMENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "closing_date": DATE,
            "contract_start": DATE,
            "contract_end": DATE,
        }


class CriterionForm(GovukModelForm):
    class Meta:
        model = QualityCriterion
        fields = ["name", "weight"]

    def __init__(self, *args, procurement: Procurement, **kwargs):
        super().__init__(*args, **kwargs)
        self.procurement = procurement


class OutcomeForm(GovukModelForm):
    class Meta:
        model = RequestedOutcome
        fields = ["title", "priority", "measure"]
        labels = {"title": "Outcome asked for", "priority": "Charter priority it serves"}

    def __init__(self, *args, actor, procurement: Procurement, **kwargs):
        super().__init__(*args, **kwargs)
        priority_choices(self.fields["priority"], procurement)
        self.fields["measure"] = measure_choices(actor)
        self.fields["measure"].help_text = "Bidders will be asked to commit to this measure."
        offer_as_autocomplete(self.fields["measure"])


class BidForm(GovukModelForm):
    class Meta:
        model = Bid
        fields = ["bidder_name", "price", "method_statement"]
        widgets = {"method_statement": forms.Textarea(attrs={"rows": 8})}
        labels = {"bidder_name": "Bidder"}

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["bidder"] = forms.ModelChoiceField(
                queryset=providers,
                required=False,
                label="Registered provider (optional)",
                help_text="Link the bid to a provider using this service, so it can see the "
                "contract if it wins.",
            )
            offer_as_autocomplete(self.fields["bidder"])
            self.fields["bidder_name"].required = False
            self.fields["bidder_name"].help_text = "Left empty, the registered provider's name."
            self.order_fields(["bidder", "bidder_name", "price", "method_statement"])
            if self.instance.pk:
                self.initial["bidder"] = self.instance.bidder_id
        else:
            del self.fields["bidder_name"]


class CommitmentForm(GovukForm):
    measure = forms.ModelChoiceField(queryset=Measure.objects.none(), label="Measure")
    quantity = forms.DecimalField(max_digits=14, decimal_places=2)
    priority = forms.ModelChoiceField(
        queryset=Priority.objects.none(),
        required=False,
        label="Charter priority it serves (optional)",
        help_text="Left empty, it is the priority the buyer linked to this measure.",
    )

    def __init__(self, *args, actor, procurement: Procurement, **kwargs):
        super().__init__(*args, **kwargs)
        measures = measure_choices(actor).queryset
        self.fields["measure"].queryset = measures
        self.fields[
            "measure"
        ].help_text = (
            "The value is the quantity times the measure's own proxy, at the proxy's price year."
        )
        # The measures of the outcomes the procurement asks for come first.
        asked = set(procurement.outcomes.exclude(measure=None).values_list("measure_id", flat=True))
        label = self.fields["measure"].label_from_instance
        offered = [(m.pk, label(m)) for m in measures]
        self.fields["measure"].widget.choices = (
            [
                ("", self.fields["measure"].empty_label),
                ("Measures this procurement asks for", [c for c in offered if c[0] in asked]),
                ("Other measures", [c for c in offered if c[0] not in asked]),
            ]
            if asked
            else [("", self.fields["measure"].empty_label), *offered]
        )
        offer_as_autocomplete(self.fields["measure"])
        priority_choices(self.fields["priority"], procurement)


class OutcomeValuationForm(GovukForm):
    """How offers of an outcome whose measure has no proxy are valued (`services.value_outcome`)."""

    valuation = forms.ChoiceField(
        label="How should offers of this outcome be scored?",
        error_messages={
            "required": "Choose how offers of this outcome are scored.",
            "invalid_choice": "Choose how offers of this outcome are scored from the list.",
        },
        widget=forms.RadioSelect,
        choices=[
            (
                RequestedOutcome.Valuation.LOCAL.value,
                "Value them with a local proxy for this procurement",
            ),
            (
                RequestedOutcome.Valuation.QUALITATIVE.value,
                "Score them only in the qualitative part (the method statement)",
            ),
        ],
    )
    proxy_value = forms.DecimalField(
        label="Local proxy (£ per unit)",
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text="Only for a local proxy: what one unit of the measure is worth.",
    )
    price_year = forms.IntegerField(
        label="Price year of the local proxy",
        required=False,
        help_text="The year whose prices the proxy is in, for example 2024.",
    )
    source = forms.CharField(
        label="Source of the local proxy",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the figure comes from, so bidders and auditors can check it.",
    )


class ScoresForm(GovukForm):
    """A score (and comment) for each quality criterion and the method statement."""

    def __init__(
        self,
        *args,
        criteria: list[tuple[str, str]],
        max_score: Decimal,
        with_comments: str = "Comment",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for key, name in criteria:
            self.fields[f"score_{key}"] = forms.DecimalField(
                label=f"{name}: score out of {max_score.normalize():f}",
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "class": "govuk-input--width-4"}),
            )
            self.fields[f"comment_{key}"] = forms.CharField(
                label=f"{with_comments} on {name[0].lower() + name[1:]}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[str, Decimal]:
        return {key: self.cleaned_data[f"score_{key}"] for key, _ in self.criteria}

    def comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"comment_{key}", "") for key, _ in self.criteria}


class AwardForm(GovukForm):
    bid = BidChoiceField(
        queryset=Bid.objects.none(),
        label="Award to",
        help_text="The bid ranked first is recommended.",
        error_messages={
            "required": "Choose the bid to award the contract to.",
            "invalid_choice": "Choose the bid to award the contract to from the list.",
        },
    )
    reason = forms.CharField(
        label="Reason for the choice",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when the bid is not the one ranked first. Every bidder's assessment "
        "summary will show it.",
    )
    standstill = forms.ChoiceField(label="Standstill before the contract is entered", choices=())
    standstill_days = forms.IntegerField(
        label="Voluntary standstill (working days)",
        required=False,
        min_value=0,
        max_value=365,
        help_text="Only for a voluntary standstill on a light-touch contract.",
    )
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, bids, standstills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid"].queryset = bids
        self.fields["standstill"].choices = standstills


class WithdrawAwardForm(GovukForm):
    reason = forms.CharField(
        label="Reason for withdrawing the award decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for withdrawing the award decision."},
    )


class EnterContractForm(GovukForm):
    start_date = forms.DateField(
        widget=DATE,
        label="Contract starts",
        error_messages={"required": "Enter the date the contract starts."},
    )
    end_date = forms.DateField(
        widget=DATE,
        label="Contract ends",
        error_messages={"required": "Enter the date the contract ends."},
    )
    reporting_frequency = forms.ChoiceField(
        label="Returns are due",
        choices=(),
        error_messages={
            "required": "Choose how often returns are due.",
            "invalid_choice": "Choose how often returns are due from the list.",
        },
    )

    def __init__(self, *args, frequencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reporting_frequency"].choices = frequencies


class TenderImportForm(GovukForm):
    file = forms.FileField(
        label="Tender file",
        help_text="YAML or JSON in the tender file format, such as one exported from here.",
    )


class QuestionForm(GovukForm):
    question = forms.CharField(
        label="Your question",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your question."},
        help_text="The council may publish its answer to every provider, without your name.",
    )


class AnswerForm(GovukForm):
    answer = forms.CharField(
        label="Answer",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the answer."},
    )
    visibility = forms.ChoiceField(
        label="Who sees the answer",
        choices=[
            ("published", "Every provider who can see the procurement, without the asker's name"),
            ("private", "Only the provider who asked (commercially sensitive)"),
        ],
        initial="published",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who sees the answer."},
    )
