"""The council's side of buying care: its social value charter, procurements, bids and scores.

A procurement's evaluation model (weights, price method, quality criteria, social value split,
the outcomes it asks for) is kept in rows here and turned into the tender file format of
`docs/tender-evaluation.md` by `services.tender_data`, so the web application scores bids with
exactly the code and numbers of `socialvalue tender evaluate`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from socialvalue.web.tenancy import TenantQuerySet

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


# How often a contract's returns are due: chosen at award, kept by the contract. (A comment, not
# a docstring: the API's schema would take a docstring as the enum's description.)
class ReportingFrequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "six_monthly": 6, "annual": 12}[self.value]


class Charter(models.Model):
    """A commissioner's social value rules for its own procurements; every change is a new version."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="charter"
    )
    principles = models.TextField(
        blank=True, help_text="What the council expects of social value in the contracts it lets."
    )
    minimum_social_value_weight = models.DecimalField(
        "minimum social value weighting (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=PERCENT,
    )
    threshold = models.DecimalField(
        "contract value threshold (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=NOT_NEGATIVE,
        help_text="The rules apply to procurements estimated at this value or more.",
    )
    minimum_outcomes = models.PositiveSmallIntegerField(
        "minimum social value outcomes per contract", default=1
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.organisation} social value charter"


class CharterVersion(models.Model):
    """A saved version of a charter: its rules and ranked priorities as they stood."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="one_charter_version_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class Priority(models.Model):
    """A ranked local priority of the charter, with the evidence for it (e.g. a needs assessment)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="priorities"
    )
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="priorities")
    rank = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    evidence = models.TextField(
        blank=True, help_text="Where the need is shown, such as a joint strategic needs assessment."
    )
    evidence_url = models.URLField(
        blank=True,
        error_messages={
            "invalid": "Enter link to the evidence as a full web address, like https://example.org"
        },
    )
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="priorities")
    active = models.BooleanField(default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-active", "rank", "title"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.rank}. {self.title}"


#: States in which a procurement is a public notice any signed-in organisation may read.
PUBLIC_STATES = ("published", "evaluating", "awarded")


class ProcurementQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The commissioner sees all of its own; everyone sees a published notice, as on Find a Tender."""
        return self.filter(
            Q(organisation_id__in=actor.organisation_ids) | Q(state__in=PUBLIC_STATES)
        )

    def owned_by(self, actor) -> models.QuerySet:
        return self.filter(organisation_id__in=actor.organisation_ids)


class Procurement(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        EVALUATING = "evaluating", "Evaluating"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    class PriceMethod(models.TextChoices):
        LOWEST_OVER_BID = "lowest_over_bid", "Lowest price ÷ bid price"
        DEVIATION_FROM_LOWEST = "deviation_from_lowest", "Deviation from the lowest price"

    #: The commissioning organisation.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="procurements"
    )
    reference = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    estimated_value = models.DecimalField(
        "estimated contract value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    closing_date = models.DateField("bids close", null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    #: The state a cancelled procurement was in, so that cancelling can be undone.
    cancelled_from = models.CharField(max_length=12, choices=State.choices, blank=True)
    light_touch = models.BooleanField(
        "light-touch contract",
        default=False,
        help_text="Social care and other services under the light-touch regime of the "
        "Procurement Act 2023: the standstill before the contract is entered is voluntary.",
    )

    max_score = models.DecimalField(
        "highest score evaluators can give",
        max_digits=5,
        decimal_places=2,
        default=Decimal(5),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    weight_price = models.DecimalField(
        "price weight (%)", max_digits=5, decimal_places=2, default=Decimal(40), validators=PERCENT
    )
    weight_quality = models.DecimalField(
        "quality weight (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(45),
        validators=PERCENT,
    )
    weight_social_value = models.DecimalField(
        "social value weight (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(15),
        validators=PERCENT,
    )
    price_method = models.CharField(
        max_length=30, choices=PriceMethod.choices, default=PriceMethod.LOWEST_OVER_BID
    )
    social_value_qualitative = models.DecimalField(
        "method statement share of the social value weight (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT,
    )
    social_value_quantitative = models.DecimalField(
        "valued commitments share of the social value weight (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=PERCENT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_bid = models.ForeignKey(
        "Bid", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProcurementQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "-created_at"]
        indexes = [models.Index(fields=["state", "organisation"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def accepts_bids(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.EVALUATING)


class QualityCriterion(models.Model):
    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField("ID", max_length=40)
    name = models.CharField(max_length=200)
    weight = models.DecimalField(
        "weight (points of 100)", max_digits=5, decimal_places=2, validators=PERCENT
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procurement", "position", "id"]
        verbose_name_plural = "quality criteria"
        constraints = [
            models.UniqueConstraint(fields=["procurement", "code"], name="one_criterion_code")
        ]

    def __str__(self) -> str:
        return self.name


class RequestedOutcome(models.Model):
    """A social value outcome the procurement asks bidders for, tied to a charter priority or measure.

    When its measure has no proxy value, offers of it would score nothing in the valued part
    without a word; the council decides before publishing (`valuation`): a local proxy for this
    procurement, or scoring the outcome only in the qualitative part.
    """

    class Valuation(models.TextChoices):
        MEASURE = "measure", "With the measure's own proxy"
        LOCAL = "local", "With a local proxy for this procurement"
        QUALITATIVE = "qualitative", "Only in the qualitative part (method statement)"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="outcomes")
    code = models.SlugField("ID", max_length=60)
    title = models.CharField(max_length=300)
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    valuation = models.CharField(
        "how offers are valued", max_length=12, choices=Valuation.choices, default=Valuation.MEASURE
    )
    local_proxy_value = models.DecimalField(
        "local proxy (£ per unit)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    local_price_year = models.PositiveSmallIntegerField(
        "price year of the local proxy", null=True, blank=True
    )
    local_source = models.TextField("source of the local proxy", blank=True)

    class Meta:
        ordering = ["procurement", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["procurement", "code"], name="one_outcome_code")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_valuation(self) -> bool:
        """Asks for a measure with no proxy and the council has not said how to value it."""
        return (
            self.measure is not None
            and self.measure.proxy_value is None
            and self.valuation == self.Valuation.MEASURE
        )


class BidQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """A bid is seen by the commissioner once submitted, and always by its bidder."""
        ids = actor.organisation_ids
        return self.filter(
            Q(procurement__organisation_id__in=ids, submitted_at__isnull=False)
            | Q(bidder_id__in=ids)
        )


class Bid(models.Model):
    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="bids")
    #: A registered provider; None when the commissioner entered a bid from an unregistered one.
    bidder = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bids",
    )
    bidder_name = models.CharField(max_length=200)
    price = models.DecimalField(
        "price (£)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    method_statement = models.TextField(
        "social value method statement",
        blank=True,
        help_text="How the bidder will deliver, measure and report the social value it offers.",
    )
    entered_by_commissioner = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    #: None while a provider is still drafting it; the commissioner sees only submitted bids.
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["procurement", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "bidder_name"], name="one_bid_per_bidder_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bidder_name}: {self.procurement}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class BidCommitment(models.Model):
    """Social value a bid offers: a quantity of a measure, valued with the measure's proxy."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="commitments")
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    unit = models.CharField(max_length=100, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    proxy_value = models.DecimalField(
        "proxy value (£ per unit)", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    proxy_source = models.TextField(blank=True)
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    value_type = models.CharField(max_length=20, blank=True)
    priority = models.ForeignKey(
        Priority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bid", "position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def value(self) -> Decimal:
        return self.quantity * self.proxy_value


#: The criterion key of the social value method statement's score, beside the quality criteria's codes.
METHOD_STATEMENT = "social-value"


class EvaluatorScore(models.Model):
    """One evaluator's score of one bid on one criterion (or the method statement); all are kept."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="evaluator_scores")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.CharField(max_length=60)
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=NOT_NEGATIVE)
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bid", "criterion", "evaluator"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "evaluator", "criterion"], name="one_score_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ModeratedScore(models.Model):
    """The agreed score after moderation: the one the evaluation uses."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.CharField(max_length=60)
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=NOT_NEGATIVE)
    rationale = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bid", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="one_moderated_score")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class AwardDecisionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The council sees its decisions; a bidder sees the decisions on procurements it bid for."""
        ids = actor.organisation_ids
        return self.filter(
            Q(procurement__organisation_id__in=ids)
            | Q(procurement__bids__bidder_id__in=ids, procurement__bids__submitted_at__isnull=False)
        ).distinct()


class AwardDecision(models.Model):
    """The council's decision to award a procurement to a bid, before the contract is entered.

    The Procurement Act 2023 asks for an assessment summary for every bidder and, for most
    contracts, a standstill of eight working days before the contract is entered; under the
    light-touch regime the standstill is voluntary (any length, or none). During the standstill
    the decision can be withdrawn, with a reason. Every change is in the audit trail.
    """

    class State(models.TextChoices):
        STANDSTILL = "standstill", "In standstill"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CONTRACT_ENTERED = "contract_entered", "Contract entered"

    class Standstill(models.TextChoices):
        MANDATORY = "mandatory", "Mandatory: 8 working days"
        VOLUNTARY = "voluntary", "Voluntary (light-touch contract): the days you choose"
        NONE = "none", "None (light-touch contract)"

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="award_decisions"
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="award_decisions")
    #: The bid ranked first when the decision was made: choosing another needs a reason.
    recommended_bid = models.ForeignKey(
        Bid, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    standstill = models.CharField(
        max_length=10, choices=Standstill.choices, default=Standstill.MANDATORY
    )
    standstill_days = models.PositiveSmallIntegerField(default=8)
    #: The last day of the standstill (a working day); None when there is no standstill.
    standstill_ends = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.STANDSTILL)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    #: The contract entered after the standstill (contracts build on commissioning: an id only).
    contract_id = models.PositiveIntegerField(null=True, blank=True)
    contract_entered_at = models.DateTimeField(null=True, blank=True)

    objects = AwardDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["procurement", "-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement"],
                condition=~Q(state="withdrawn"),
                name="one_standing_award_decision",
            )
        ]

    def __str__(self) -> str:
        return f"Award of {self.procurement} to {self.bid.bidder_name}"

    @property
    def is_standing(self) -> bool:
        return self.state != self.State.WITHDRAWN


class AssessmentSummaryQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The council that made the decision and the bidder it is written for; nobody else."""
        ids = actor.organisation_ids
        return self.filter(
            Q(decision__procurement__organisation_id__in=ids) | Q(bid__bidder_id__in=ids)
        )


class AssessmentSummary(models.Model):
    """What one bidder is told of an award decision: its own scores on each criterion beside the
    winner's, with the reasons. Written when the decision is made and kept as it was then."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="summaries")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="assessment_summaries")
    content = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = AssessmentSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "bid"]
        verbose_name_plural = "assessment summaries"
        constraints = [
            models.UniqueConstraint(fields=["decision", "bid"], name="one_summary_per_bid")
        ]

    def __str__(self) -> str:
        return f"Assessment summary for {self.bid.bidder_name}"


class ProcurementQuestionQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The council sees every question on its procurements; a provider sees its own, and
        the answers published to every provider who can see the notice."""
        ids = actor.organisation_ids
        return self.filter(
            Q(procurement__organisation_id__in=ids)
            | Q(asked_by_organisation_id__in=ids, procurement__state__in=PUBLIC_STATES)
            | Q(
                state="answered",
                visibility="published",
                procurement__state__in=PUBLIC_STATES,
            )
        )


class ProcurementQuestion(models.Model):
    """A clarification question a registered provider asks on a published procurement.

    The council answers it privately (to the asker alone, when the answer is commercially
    sensitive) or publishes it, without the asker's name, to every provider who can see the notice.
    """

    class State(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private: only the provider who asked"
        PUBLISHED = "published", "Published to every provider, without the asker's name"

    procurement = models.ForeignKey(Procurement, on_delete=models.CASCADE, related_name="questions")
    asked_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.TextField(max_length=5000)
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(max_length=10000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)

    objects = ProcurementQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["procurement", "asked_at", "id"]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.ANSWERED
