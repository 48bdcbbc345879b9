"""Evidence records: a quantity of a measure delivered by an activity over a period, with files,
verification and the value it was given, stored on the row so dashboards sum it in SQL.

Valuation: `value` is `quantity × proxy_value × deflator_factor`, in pounds at `value_price_year`
prices (the latest year of the shipped GDP deflators when the record was valued), using the
measure's proxy as it stood then (`proxy_value` at `proxy_price_year`). A measure with no proxy is
counted, not valued: the value columns are empty. Rejected records keep their value for the trail;
totals leave them out (see `services.counted`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from socialvalue.web.files.models import StoredFile
from socialvalue.web.tenancy import TenantQuerySet


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _day_long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Verification(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    EVIDENCED = "evidenced", "Evidenced"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"


TAG_CLASSES = {
    Verification.SELF_REPORTED: "govuk-tag--grey",
    Verification.EVIDENCED: "govuk-tag--blue",
    Verification.VERIFIED: "govuk-tag--green",
    Verification.REJECTED: "govuk-tag--red",
}


class EvidenceQuerySet(TenantQuerySet):
    def counted(self) -> models.QuerySet:
        """Records that count towards totals: everything but the rejected."""
        return self.exclude(verification=Verification.REJECTED)

    def in_conversation_with(self, actor) -> models.QuerySet:
        """Records whose conversation the actor takes part in: its organisation's, and, for a
        record delivered under a contract, the contract's council."""
        ids = actor.organisation_ids
        return self.filter(Q(organisation_id__in=ids) | Q(contract__commissioner_id__in=ids))


class Evidence(models.Model):
    # Indexes are chosen in Meta: each one slows an import of many rows, so none is redundant.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="evidence", db_index=False
    )
    # PROTECT: evidence is the record of what was delivered; removing a measure or an activity
    # must not silently take it away.
    measure = models.ForeignKey(
        "measures.Measure", on_delete=models.PROTECT, related_name="evidence", db_index=False
    )
    activity = models.ForeignKey(
        "planning.Activity", on_delete=models.PROTECT, related_name="evidence", db_index=False
    )
    #: The contract it was delivered under, if any: one where the organisation is the provider.
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.TextField(blank=True)

    verification = models.CharField(
        max_length=15, choices=Verification.choices, default=Verification.SELF_REPORTED
    )
    #: Who verified or rejected the record, and when.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    #: The valuation (see the module docstring); all empty when the measure is counted, not valued.
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    value_price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    proxy_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    proxy_price_year = models.PositiveSmallIntegerField(null=True, blank=True)
    deflator_factor = models.DecimalField(max_digits=12, decimal_places=8, null=True, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    #: Who last changed what the record claims (its measure, activity, contract, quantity or
    #: period): like the recorder, they may not verify it.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = "evidence record"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evidence_period_ends_after_start",
            )
        ]
        # The list is shown newest period first, filtered by period, measure or activities (team
        # and area are turned into activities); its totals (count per level, value, and the value
        # resting on unverified proxies, by measure) come from the same indexes without visiting
        # the table, so they carry the period's end, the level, the value and the measure; with
        # no filter, `evidence_totals` hands them over grouped by level and measure.
        indexes = [
            models.Index(
                fields=[
                    "organisation",
                    "-period_start",
                    "-id",
                    "period_end",
                    "verification",
                    "value",
                    "measure",
                ],
                name="evidence_by_period",
            ),
            models.Index(
                fields=["organisation", "verification", "measure", "value"], name="evidence_totals"
            ),
            # The to-do count on every page: records awaiting verification by someone other than
            # who recorded or changed them, counted from the index alone.
            models.Index(
                fields=["organisation", "verification", "recorded_by", "changed_by"],
                name="evidence_to_verify",
            ),
            models.Index(
                fields=["organisation", "measure", "-period_start", "-id", "verification", "value"],
                name="evidence_by_measure",
            ),
            models.Index(
                fields=[
                    "organisation",
                    "activity",
                    "-period_start",
                    "-id",
                    "period_end",
                    "verification",
                    "value",
                    "measure",
                ],
                name="evidence_by_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.measure.unit} of {self.measure.code}, {self.period_label}"

    @property
    def period_label(self) -> str:
        """ "April 2025" for a whole month, otherwise the first and last day."""
        start, end = self.period_start, self.period_end
        if start == end:
            return _day(start)
        whole_month = (
            start.day == 1
            and (start.year, start.month) == (end.year, end.month)
            and (end + dt.timedelta(days=1)).day == 1
        )
        if whole_month:
            return f"{start:%B %Y}"
        return f"{_day(start)} to {_day(end)}"

    @property
    def quantity_text(self) -> str:
        """12, 1,250 or 2.5: the quantity without the zeros its column keeps."""
        return f"{self.quantity.normalize():,f}"

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour of the record's verification level."""
        return TAG_CLASSES[self.verification]

    @property
    def is_valued(self) -> bool:
        return self.value is not None

    @property
    def is_settled(self) -> bool:
        return self.verification in (Verification.VERIFIED, Verification.REJECTED)


class EvidenceFile(StoredFile):
    """A file supporting an evidence record: a register, a timesheet, a photo, a letter."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")


class EvidenceImport(models.Model):
    """A file imported as evidence records: who, when, which file and how many records.

    `sha256` is the hash of the file's bytes: a file whose content was imported into the same
    organisation before is refused unless the person confirms, so the same records are not
    counted twice by accident.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="evidence_imports"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    imported_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    #: The import went ahead although the same content had been imported before.
    confirmed_duplicate = models.BooleanField(default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "sha256"], name="evidence_import_by_content")
        ]

    def __str__(self) -> str:
        return f"{self.filename}, {self.records} records, {self.imported_at:%Y-%m-%d %H:%M}"

    @property
    def person(self) -> str:
        return str(self.imported_by) if self.imported_by_id else "someone no longer here"

    @property
    def description(self) -> str:
        """ "april.csv (3 records), imported on 3 December 2026 at 11:42 by Eddie Editor"."""
        when = timezone.localtime(self.imported_at)
        records = ngettext("record", "records", self.records)
        return (
            f"{self.filename} ({self.records:,} {records}), imported on "
            f"{_day_long(when.date())} at {when:%H:%M} by {self.person}"
        )


class EvidenceMessageQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        ids = actor.organisation_ids
        return self.filter(
            Q(evidence__organisation_id__in=ids) | Q(evidence__contract__commissioner_id__in=ids)
        )


class EvidenceMessage(models.Model):
    """One message in the conversation on an evidence record: between the people of the
    organisation that recorded it (the recorder and the verifier) and, when it was delivered
    under a contract, the contract's council."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="messages")
    #: The side the author wrote for: the record's organisation or the contract's council.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceMessageQuerySet.as_manager()

    class Meta:
        ordering = ["evidence", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.body[:60]}"
