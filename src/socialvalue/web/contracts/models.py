"""Contracts between a commissioner and a provider, their social value commitments, and the provider's returns.

A contract's reporting schedule is known when it is made, so every reporting period gets its
`Return` at once (status *due*), with one `ReturnLine` per commitment carrying that period's
target. Target, delivered and verified quantities and values then sit side by side on the same
row, stamped with the financial year the period ends in: every portfolio figure is one SQL sum
over return lines, and every figure can be drilled down to the lines (and their evidence) behind it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Chosen when a procurement is awarded, so it is commissioning's; contracts build on commissioning.
from socialvalue.web.commissioning.models import ReportingFrequency
from socialvalue.web.files.models import StoredFile

QUANTITY = {"max_digits": 18, "decimal_places": 4}
MONEY = {"max_digits": 20, "decimal_places": 2}


class DeliveryProfile(models.TextChoices):
    EVEN = "even", "Even over the contract"
    FRONT_LOADED = "front_loaded", "Front loaded (more in the early periods)"
    BACK_LOADED = "back_loaded", "Back loaded (more in the later periods)"
    CUSTOM = "custom", "Set for each period"


def _ids(actor) -> list[int]:
    return actor.organisation_ids


class ContractQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The tenancy rule of a contract: its commissioner and its provider see it, nobody else."""
        ids = _ids(actor)
        return self.filter(Q(commissioner_id__in=ids) | Q(provider_id__in=ids))


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Ended early"

    commissioner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="commissioned_contracts"
    )
    #: None when the provider is not registered here; `provider_name` then names it.
    provider = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provided_contracts",
    )
    provider_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    reference = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    procurement = models.ForeignKey(
        "commissioning.Procurement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    bid = models.ForeignKey(
        "commissioning.Bid",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    value = models.DecimalField("contract value (£)", **MONEY)
    start_date = models.DateField()
    end_date = models.DateField()
    reporting_frequency = models.CharField(
        max_length=12, choices=ReportingFrequency.choices, default=ReportingFrequency.QUARTERLY
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title", "id"]
        indexes = [
            models.Index(fields=["commissioner", "start_date"], name="contract_commissioner"),
            models.Index(fields=["provider", "start_date"], name="contract_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | ~Q(provider_name=""),
                name="contract_names_its_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def provider_label(self) -> str:
        return self.provider.name if self.provider_id else self.provider_name


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        ids = _ids(actor)
        return self.filter(Q(contract__commissioner_id__in=ids) | Q(contract__provider_id__in=ids))


class Commitment(models.Model):
    """What the provider promised: a quantity of one measure over the contract, valued by a sourced proxy."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments")
    #: None for an outcome offered without a measure from a value set (a bid may offer one).
    measure = models.ForeignKey(
        "measures.Measure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_commitments",
    )
    priority = models.ForeignKey(
        "commissioning.Priority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    description = models.TextField(blank=True)
    target_quantity = models.DecimalField(**QUANTITY)
    unit = models.CharField(max_length=300)
    #: Pounds per unit in `price_year` prices; None when the measure is counted, not valued.
    proxy_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    proxy_source = models.TextField(blank=True)
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    #: Copied from the measure (or the bid) when the commitment is made, so fiscal value stays apart.
    value_type = models.CharField(max_length=15, blank=True)
    profile = models.CharField(
        max_length=12, choices=DeliveryProfile.choices, default=DeliveryProfile.EVEN
    )
    #: target_quantity × proxy_value, stored so the portfolio sums a column.
    committed_value = models.DecimalField(**MONEY, default=Decimal("0"))
    position = models.PositiveIntegerField(default=0)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "position", "id"]

    def __str__(self) -> str:
        return f"{self.target_quantity.normalize():f} {self.unit}: {self.title}"

    @property
    def title(self) -> str:
        return self.measure.title if self.measure_id else self.description

    @property
    def is_fiscal(self) -> bool:
        return self.value_type == "fiscal"


class ReturnQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        ids = _ids(actor)
        return self.filter(Q(contract__commissioner_id__in=ids) | Q(contract__provider_id__in=ids))


class Return(models.Model):
    """The provider's account of one reporting period: quantities per commitment, a narrative and evidence."""

    class Status(models.TextChoices):
        DUE = "due", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        REVIEWED = "reviewed", "Reviewed"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="returns")
    period_index = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    #: The financial year (April to March) the period ends in, named by its first calendar year.
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    narrative = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "period_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_index"], name="one_return_per_period"
            )
        ]
        indexes = [models.Index(fields=["status", "period_end"], name="return_status_due")]

    def __str__(self) -> str:
        return f"{self.contract}: {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"

    @property
    def is_open_to_provider(self) -> bool:
        """The provider may still fill in and submit it (a queried line reopens a reviewed return)."""
        return self.status in (self.Status.DUE, self.Status.DRAFT) or (
            self.status == self.Status.REVIEWED
            and self.lines.filter(verification=LineReview.QUERIED).exists()
        )

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in (self.Status.DUE, self.Status.DRAFT) and self.period_end < today


class LineReview(models.TextChoices):
    """The council's review of one return line.

    Not to be confused with `evidence.models.Verification`, how far a provider's own evidence
    record has been checked; the field on a return line keeps its name, `verification`.
    """

    PENDING = "pending", "Awaiting review"
    ACCEPTED = "accepted", "Accepted"
    QUERIED = "queried", "Queried"
    REJECTED = "rejected", "Rejected"


class ReturnLineQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        ids = _ids(actor)
        return self.filter(
            Q(commitment__contract__commissioner_id__in=ids)
            | Q(commitment__contract__provider_id__in=ids)
        )


class ReturnLine(models.Model):
    """One commitment in one period: its target, what the provider delivered, and the commissioner's decision."""

    period_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="lines")
    #: Copied from the contract and the return, so a council's lines for a year are one range of
    #: the portfolio index: no join is needed to find them.
    commissioner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    period_end = models.DateField()
    target_quantity = models.DecimalField(**QUANTITY)
    target_value = models.DecimalField(**MONEY, default=Decimal("0"))
    #: What the provider entered (kept in a draft too); None until they do.
    reported_quantity = models.DecimalField(**QUANTITY, null=True, blank=True)
    #: What counts as delivered: the reported figures once submitted, unless the line is rejected.
    delivered_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    delivered_value = models.DecimalField(**MONEY, default=Decimal("0"))
    #: Equal to the delivered figures once the commissioner accepts the line, zero otherwise.
    verified_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    verified_value = models.DecimalField(**MONEY, default=Decimal("0"))
    provider_note = models.TextField(blank=True)
    verification = models.CharField(
        max_length=10, choices=LineReview.choices, default=LineReview.PENDING
    )
    reason = models.TextField(blank=True)
    #: The provider's answer to a query, sent with the resubmission.
    response = models.TextField(blank=True)
    #: Who last entered the line's figures, note or answer: they may not verify it (nor may
    #: whoever submitted the return), so "accepted" always means a second person looked.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    #: The provider's evidence records backing the line, chosen from those recorded for the
    #: contract or its commitment's measure (`services.offered_evidence`) instead of re-entered.
    evidence = models.ManyToManyField("evidence.Evidence", blank=True, related_name="return_lines")

    objects = ReturnLineQuerySet.as_manager()

    class Meta:
        ordering = ["period_return", "commitment__position", "commitment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_return", "commitment"], name="one_line_per_commitment"
            )
        ]
        indexes = [
            # The portfolio reads a council's lines for a year as one range, in commitment order,
            # and sums these columns: a covering index.
            models.Index(
                fields=[
                    "commissioner",
                    "year",
                    "commitment",
                    "target_value",
                    "delivered_value",
                    "verified_value",
                    "target_quantity",
                    "delivered_quantity",
                    "verified_quantity",
                ],
                name="line_portfolio",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} ({self.period_return.period_label})"

    @property
    def is_reported(self) -> bool:
        return self.reported_quantity is not None


class LineSums(models.Model):
    """The return lines of one commitment in one financial year, summed: what the portfolio reads.

    Kept by `sums.refresh_line_sums` in the same transaction as every change to the lines
    (a commitment added, a return saved or submitted, a line accepted, queried or rejected) and
    removed with the commitment. Year `ALL_YEARS` (0) holds the commitment's sums over every
    year, so the all-years portfolio reads one row per commitment too. Values are pounds in the
    commitment's proxy price year (`price_year`, copied from the commitment with its contract
    and whether it is fiscal, none of which changes once the commitment is made); the portfolio
    restates them to the reader's price year when it reads them, so nothing stored is ever
    overwritten by a restatement.
    """

    ALL_YEARS = 0

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    is_fiscal = models.BooleanField(default=False)
    commissioner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target_value = models.DecimalField(**MONEY, default=Decimal("0"))
    delivered_value = models.DecimalField(**MONEY, default=Decimal("0"))
    verified_value = models.DecimalField(**MONEY, default=Decimal("0"))
    target_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    delivered_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    verified_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "year"], name="one_sum_per_commitment_year"
            )
        ]
        indexes = [
            # A council's sums for a year (or all years) are one range of this covering index.
            models.Index(
                fields=[
                    "commissioner",
                    "year",
                    "commitment",
                    "price_year",
                    "contract",
                    "is_fiscal",
                    "target_value",
                    "delivered_value",
                    "verified_value",
                    "target_quantity",
                    "delivered_quantity",
                    "verified_quantity",
                ],
                name="line_sums_portfolio",
            ),
        ]

    def __str__(self) -> str:
        return f"Commitment {self.commitment_id}, {self.year}"


class YearSums(models.Model):
    """A council's `LineSums` added up per financial year, proxy price year and fiscal or not.

    The all-years portfolio groups its figures by year; reading these few rows (a handful per
    year) instead of a row per commitment and year keeps it as fast as one year's. Kept by
    `sums.refresh_year_sums` in the same transaction as the `LineSums` they add up: when a
    return decision, a return or a commitment changes them, and when a commitment or contract
    is deleted. Pounds are in the proxy's price year (`price_year`), restated when read, as
    in `LineSums`. `contracts` is the number of the council's contracts with lines in the year,
    the same on each row of the year (it does not add up across price years).
    """

    commissioner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    is_fiscal = models.BooleanField(default=False)
    target_value = models.DecimalField(**MONEY, default=Decimal("0"))
    delivered_value = models.DecimalField(**MONEY, default=Decimal("0"))
    verified_value = models.DecimalField(**MONEY, default=Decimal("0"))
    target_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    delivered_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    verified_quantity = models.DecimalField(**QUANTITY, default=Decimal("0"))
    commitments = models.PositiveIntegerField(default=0)
    contracts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["commissioner", "year"], name="year_sums_council")]

    def __str__(self) -> str:
        return f"Council {self.commissioner_id}, {self.year}, {self.price_year} prices"


class ReturnFile(StoredFile):
    """Evidence attached to a return by the provider."""

    period_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="files")


class LineMessageQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        ids = _ids(actor)
        return self.filter(
            Q(line__commitment__contract__commissioner_id__in=ids)
            | Q(line__commitment__contract__provider_id__in=ids)
        )


class LineMessage(models.Model):
    """One message in the conversation on a return line, between the council and the provider."""

    line = models.ForeignKey(ReturnLine, on_delete=models.CASCADE, related_name="messages")
    #: The side the author wrote for: the contract's commissioner or its provider.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    #: A file sent with the message, kept with the return's evidence (checked by content and size).
    file = models.ForeignKey(
        ReturnFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    #: The line's figures were changed and resubmitted with this message (the answer to a query).
    resubmitted_quantity = models.DecimalField(**QUANTITY, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LineMessageQuerySet.as_manager()

    class Meta:
        ordering = ["line", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.body[:60]}"
