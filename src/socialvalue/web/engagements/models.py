"""Early engagement, before and around a tender.

* A **pipeline item** is a procurement a council expects to run: listed (and, once published,
  seen by every signed-in organisation and on the council's public pipeline page) before it is
  drafted; it becomes a draft procurement and keeps its own history.
* An **engagement** is either a *preliminary market engagement* (questions and events for
  registered providers, then a "what we heard and what we did" summary) or a *consultation on
  local priorities* (anyone with its link ranks the charter's draft priorities, without signing
  in). Drafts are the council's own; from opening on, every signed-in organisation sees it.
* A **response** is one answer to an engagement: a provider's (one per organisation, changed
  until it closes) or a member of the public's (no name or email unless they opt in).
* An **outcome origin** says a procurement's asked-for outcome came from an engagement answer or
  from a provider's proposal; the procurement shows it.
* A **proposal** is a provider offering a council priorities, outcomes or measures, with its
  reason and local evidence; the council accepts, declines (with a reason) or parks it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

#: Answers in a group below this are not shown in any breakdown.
SMALL_GROUP = 5


def new_token() -> str:
    return secrets.token_urlsafe(24)


class PipelineQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The council sees all of its own; every signed-in organisation sees a published item."""
        return self.filter(
            Q(organisation_id__in=actor.organisation_ids) | Q(state__in=PipelineItem.PUBLIC_STATES)
        )

    def public(self) -> models.QuerySet:
        return self.filter(state__in=PipelineItem.PUBLIC_STATES, organisation__status="active")


class PipelineItem(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        PROCURING = "procuring", "Now a procurement"
        WITHDRAWN = "withdrawn", "Withdrawn"

    PUBLIC_STATES = ("published", "procuring")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="pipeline_items"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)
    estimated_value = models.DecimalField(
        "estimated contract value (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    expected_publication = models.DateField("expected tender publication", null=True, blank=True)
    expected_contract_start = models.DateField("expected contract start", null=True, blank=True)
    priorities = models.ManyToManyField(
        "commissioning.Priority", blank=True, related_name="pipeline_items"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    procurement = models.OneToOneField(
        "commissioning.Procurement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pipeline_item",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        ordering = ["expected_publication", "title", "id"]

    def __str__(self) -> str:
        return self.title


class EngagementQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """The council sees its drafts; from opening on, every signed-in organisation sees it."""
        return self.filter(
            Q(organisation_id__in=actor.organisation_ids) | ~Q(state=Engagement.State.DRAFT)
        )

    def owned_by(self, actor) -> models.QuerySet:
        return self.filter(organisation_id__in=actor.organisation_ids)


class Engagement(models.Model):
    class Kind(models.TextChoices):
        MARKET = "market_engagement", "Preliminary market engagement"
        PRIORITIES = "priorities_consultation", "Consultation on local priorities"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        SUMMARISED = "summarised", "Summary published"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="engagements"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    title = models.CharField(max_length=300)
    purpose = models.TextField(
        help_text="What the engagement is for and what will be done with it."
    )
    closes_on = models.DateField("closing date")
    pipeline_item = models.ForeignKey(
        PipelineItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
    )
    procurement = models.ForeignKey(
        "commissioning.Procurement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
    )
    #: A consultation's draft priorities, ranked by those who answer.
    priorities = models.ManyToManyField(
        "commissioning.Priority", blank=True, related_name="consultations"
    )
    #: The unguessable part of a consultation's public link.
    public_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    heard = models.TextField("what we heard", blank=True)
    did = models.TextField("what we did", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    summarised_at = models.DateTimeField(null=True, blank=True)
    #: When a consultation's result was carried into the charter as evidence.
    carried_at = models.DateTimeField(null=True, blank=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_consultation(self) -> bool:
        return self.kind == self.Kind.PRIORITIES

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Free text"
        CHOICE = "choice", "One of some choices"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["engagement", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Event(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends", null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    place = models.CharField(max_length=300, blank=True)
    link = models.URLField("joining link", blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["engagement", "starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="event_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendees = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="one_registration")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} at {self.event}"


class Respondent(models.TextChoices):
    RESIDENT = "resident", "A resident"
    USES_SERVICES = "uses_services", "A person who uses care or support services"
    CARER = "carer", "A carer"
    PROVIDER = "provider", "A care or support provider"
    VOLUNTARY_GROUP = "voluntary_group", "A voluntary or community group"


class Response(models.Model):
    """One answer: a provider's (`organisation` set) or a member of the public's."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="engagement_responses",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    respondent = models.CharField(
        "who is answering", max_length=20, choices=Respondent.choices, blank=True
    )
    #: Only when the person chose to leave them.
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    comment = models.TextField(blank=True)
    #: By question id (as text): the answer given.
    answers = models.JSONField(default=dict, blank=True)
    easy_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["engagement", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_response_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class Rank(models.Model):
    """The rank one response gives one of the consultation's priorities (1 = most important)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="ranks")
    priority = models.ForeignKey(
        "commissioning.Priority", on_delete=models.CASCADE, related_name="consultation_ranks"
    )
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "priority"], name="one_rank_per_priority")
        ]

    def __str__(self) -> str:
        return f"{self.priority} ranked {self.rank}"


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, actor) -> models.QuerySet:
        """Between the provider that sent it and the council it was sent to, no one else."""
        ids = actor.organisation_ids
        return self.filter(Q(organisation_id__in=ids) | Q(council_id__in=ids))


class Proposal(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        PARKED = "parked", "Parked for later"

    #: The provider proposing.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="proposals_sent"
    )
    council = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="proposals_received"
    )
    title = models.CharField(max_length=300)
    priorities = models.TextField("priorities or outcomes suggested")
    measures = models.ManyToManyField("measures.Measure", blank=True, related_name="proposals")
    reason = models.TextField("why")
    evidence = models.TextField("local evidence", blank=True)
    evidence_url = models.URLField("link to the evidence", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    decision_reason = models.TextField("reason for the decision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: Where an accepted proposal went: a new draft priority of the charter, or an outcome asked
    #: for by a draft procurement.
    priority = models.ForeignKey(
        "commissioning.Priority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    outcome = models.ForeignKey(
        "commissioning.RequestedOutcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class OutcomeOrigin(models.Model):
    """Where an outcome a procurement asks for came from: an engagement answer."""

    outcome = models.OneToOneField(
        "commissioning.RequestedOutcome", on_delete=models.CASCADE, related_name="origin"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="outcomes")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.outcome} (from response {self.response_id})"
