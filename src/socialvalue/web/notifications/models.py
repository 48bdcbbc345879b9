"""A notification is one event told to one person, once; a preference says how they hear of a kind.

Each notification carries a `key` naming the event (a return's submission at a time, a reminder
for a return on a day...): (person, key) is unique, so an event told twice, or a scheduled job
run twice, reaches nobody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    RETURN_SUBMITTED = "return_submitted", "A provider submits a return"
    LINE_ACCEPTED = "line_accepted", "The council accepts return lines"
    LINE_QUERIED = "line_queried", "The council queries return lines"
    LINE_REJECTED = "line_rejected", "The council rejects return lines"
    REPLY_RECEIVED = "reply_received", "A provider answers a query and resubmits a line"
    LINE_MESSAGE = "line_message", "A message on a return line"
    EVIDENCE_MESSAGE = "evidence_message", "A message on an evidence record"
    EVIDENCE_VERIFIED = "evidence_verified", "Evidence you recorded is verified"
    EVIDENCE_REJECTED = "evidence_rejected", "Evidence you recorded is rejected"
    RETURN_DUE = "return_due", "A return falls due"
    RETURN_OVERDUE = "return_overdue", "A return becomes overdue"
    REVIEW_DUE = "review_due", "A statement review falls due"
    REVIEW_OVERDUE = "review_overdue", "A statement review becomes overdue"
    BID_OUTCOME = "bid_outcome", "The outcome of a bid"
    STANDSTILL_ENDED = "standstill_ended", "A standstill period ends"
    CONTRACT_ENTERED = "contract_entered", "A contract is entered into"
    QUESTION_ASKED = "question_asked", "A provider asks a question on a procurement"
    QUESTION_ANSWERED = "question_answered", "A question on a procurement is answered"
    PROPOSAL_RECEIVED = "proposal_received", "A provider sends a proposal"
    PROPOSAL_DECIDED = "proposal_decided", "The council decides on your proposal"
    ENGAGEMENT_SUMMARY = "engagement_summary", "A council publishes what it heard in an engagement"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Email me straight away"
    DAILY = "daily", "Email me once a day, in a summary"
    OFF = "off", "Do not email me (still shown here)"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """A person's notifications are theirs alone, in the organisations they still belong to."""
        if actor.user is None:
            return self.none()
        return self.filter(user=actor.user, organisation_id__in=actor.organisation_ids)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    #: The recipient's organisation the event concerns.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    #: A path of the site where the event is seen (absolute in emails).
    link = models.CharField(max_length=500, blank=True)
    #: Names the event: the same key is never told to the same person twice.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    #: True while a daily summary is still to carry it by email.
    in_digest = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Preference(models.Model):
    """How one person hears of one kind of event by email; without a row, straight away."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(
        max_length=12, choices=Delivery.choices, default=Delivery.IMMEDIATELY
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
